import type { Collection, Db } from 'mongodb';

export const MODEL_WRITE_CLAIMS_COLLECTION = 'model_write_claims';

/** A writer that crashed between claim and write loses its claim after this long. */
const ABANDONED_AFTER_MS = 30_000;

interface ClaimDocument {
  _id: string;
  claimed_at: Date;
}

function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 11000;
}

/**
 * Who may move a model from version v to v+1. Measured on FerretDB v1 (SQLite backend):
 * `updateOne({_id, version: v}, …)` from concurrent clients lets several writers match
 * (39 of 40 trials with 6 writers), `findOneAndUpdate` too, and concurrent `$inc`s lose
 * increments — updates are read-then-write inside the server. An insert on a unique key
 * has exactly one winner (40 of 40), on FerretDB and MongoDB alike, so every model write
 * first inserts `{_id: "<modelId>:<v>"}` here; only its inserter writes the model.
 */
export class ModelWriteClaims {
  private readonly claims: Collection<ClaimDocument>;

  constructor(db: Db) {
    this.claims = db.collection<ClaimDocument>(MODEL_WRITE_CLAIMS_COLLECTION);
  }

  /**
   * Runs `write` if this caller wins the transition from `version`; resolves to
   * `undefined` when another writer holds it. The claim is released afterwards: a late
   * writer that claims the same version again cannot match, as the model has moved on.
   */
  async withClaim<T>(modelId: string, version: number, write: () => Promise<T>): Promise<T | undefined> {
    const key = `${modelId}:${version}`;
    if (!(await this.claim(key))) return undefined;
    try {
      return await write();
    } finally {
      await this.claims.deleteOne({ _id: key }).catch(() => undefined);
    }
  }

  private async claim(key: string): Promise<boolean> {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      try {
        await this.claims.insertOne({ _id: key, claimed_at: new Date() });
        return true;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
      // Take over only a claim abandoned by a crashed writer; the write still filters on version.
      const abandoned = new Date(Date.now() - ABANDONED_AFTER_MS);
      const { deletedCount } = await this.claims.deleteOne({ _id: key, claimed_at: { $lt: abandoned } });
      if (deletedCount === 0) return false;
    }
    return false;
  }
}

import type { Collection, Db } from 'mongodb';
import { insertIgnoringDuplicates } from './insert-ignoring-duplicates.js';

export const RUN_KEYS_COLLECTION = 'run_idempotency_keys';

/** An `Idempotency-Key` claimed by a run submission. */
export interface RunKeyDocument {
  _id: string;
  run_id: string;
  /** SHA-256 of the canonical request body: the same key with another body is a conflict. */
  request_hash: string;
  created_at: Date;
}

export class RunIdempotencyRepository {
  private readonly keys: Collection<RunKeyDocument>;

  constructor(db: Db) {
    this.keys = db.collection<RunKeyDocument>(RUN_KEYS_COLLECTION);
  }

  /** Claims the key atomically (insert on the unique `_id`); returns the existing claim when another submit got it first. */
  async claim(doc: RunKeyDocument): Promise<RunKeyDocument> {
    const outcome = await insertIgnoringDuplicates(this.keys, [doc]);
    if (outcome.inserted === 1) return doc;
    const existing = await this.keys.findOne({ _id: doc._id });
    if (!existing) throw new Error(`idempotency key ${doc._id} vanished while being claimed`);
    return existing;
  }
}

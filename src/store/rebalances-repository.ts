import { createHash } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import { NotFound, VersionConflict } from '../errors/index.js';
import { insertIgnoringDuplicates } from './insert-ignoring-duplicates.js';
import { BOUNDED_QUERY_MS } from './bounded-query.js';
import { KeyedReads } from './keyed-reads.js';

export const REBALANCES_COLLECTION = 'rebalances';

/**
 * The header of a stored rebalance: one per (run, model). Small and bounded; its portfolios
 * are the run's optimal results for that model, read and paged from `run_results`, so a
 * 100,000-portfolio run never approaches MongoDB's 16 MB document limit.
 */
export interface RebalanceDocument {
  /** 24 hex characters derived from (run_id, model_id), like the GlobeCo v1 ids. */
  _id: string;
  run_id: string;
  model_id: string;
  model_name: string;
  rebalance_date: Date;
  version: number;
  created_at: Date;
}

export async function ensureRebalanceIndexes(db: Db): Promise<void> {
  await db.collection(REBALANCES_COLLECTION).createIndex({ created_at: -1, _id: -1 });
  await db.collection(REBALANCES_COLLECTION).createIndex({ run_id: 1 });
}

export function rebalanceIdFor(runId: string, modelId: string): string {
  return createHash('sha256').update(`rebalance:${runId}:${modelId}`).digest('hex').slice(0, 24);
}

export class RebalancesRepository {
  private readonly rebalances: Collection<RebalanceDocument>;

  private readonly keyed: KeyedReads;

  constructor(db: Db) {
    this.keyed = new KeyedReads(db);
    this.rebalances = db.collection<RebalanceDocument>(REBALANCES_COLLECTION);
  }

  async insertMany(docs: readonly RebalanceDocument[]): Promise<void> {
    await insertIgnoringDuplicates(this.rebalances, docs);
  }

  async list(offset: number, limit: number): Promise<RebalanceDocument[]> {
    // An index walk on MongoDB; the offset is capped by the route and the read cut off in time.
    return this.rebalances.find({}).sort({ created_at: -1, _id: -1 }).skip(offset).limit(limit).maxTimeMS(BOUNDED_QUERY_MS).toArray();
  }

  async get(id: string): Promise<RebalanceDocument> {
    const doc = await this.rebalances.findOne({ _id: id });
    if (!doc) throw new NotFound(`rebalance ${id} not found`);
    return doc;
  }

  async findByIds(ids: readonly string[]): Promise<RebalanceDocument[]> {
    const docs = await this.keyed.byIds(this.rebalances, ids);
    return docs.sort((a, b) => b.created_at.getTime() - a.created_at.getTime());
  }

  /** Deletes the header only when `version` is current; the run's results and orders stay (orders may be executing). */
  async delete(id: string, version: number): Promise<void> {
    const result = await this.rebalances.deleteOne({ _id: id, version });
    if (result.deletedCount === 1) return;
    const current = await this.rebalances.findOne({ _id: id });
    if (!current) throw new NotFound(`rebalance ${id} not found`);
    throw new VersionConflict(`rebalance ${id} is at version ${current.version}, not ${version}`);
  }
}

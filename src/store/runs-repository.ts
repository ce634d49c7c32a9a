import type { Collection, Db, Filter } from 'mongodb';
import { BOUNDED_QUERY_MS, COUNT_CAP } from './bounded-query.js';
import {
  FINAL_RUN_STATUSES,
  ZERO_COUNTS,
  type ChunkOutcomeDocument,
  type RunChunkDocument,
  type RunCounts,
  type RunDocument,
  type RunModelDocument,
  type RunStatus,
} from './run-documents.js';
import { insertIgnoringDuplicates } from './insert-ignoring-duplicates.js';
import { chunkJobId } from '../queue/chunk-job.js';
import { KeyedReads } from './keyed-reads.js';

const COUNT_KEYS = Object.keys(ZERO_COUNTS) as (keyof RunCounts)[];
/** Concurrent `_id` reads when reading a plan back. */
const PARALLEL_READS = 32;

export const RUNS_COLLECTION = 'runs';
export const RUN_CHUNKS_COLLECTION = 'run_chunks';
export const RUN_OUTCOMES_COLLECTION = 'run_chunk_outcomes';
export const RUN_MODELS_COLLECTION = 'run_models';

export async function ensureRunIndexes(db: Db): Promise<void> {
  // Behind the runs list's sort and its cursor, with and without a status filter.
  await db.collection(RUNS_COLLECTION).createIndex({ created_at: -1, _id: -1 });
  await db.collection(RUNS_COLLECTION).createIndex({ status: 1, created_at: -1, _id: -1 });
  await db.collection(RUN_CHUNKS_COLLECTION).createIndex({ run_id: 1, index: 1 });
  await db.collection(RUN_OUTCOMES_COLLECTION).createIndex({ run_id: 1 });
  await db.collection(RUN_MODELS_COLLECTION).createIndex({ run_id: 1 });
}

/** Page of runs, newest first. */
export interface RunPage {
  items: RunDocument[];
  total: number;
}

/** Runs, their planned chunks, their model snapshots and their per-chunk outcomes. */
export class RunsRepository {
  private readonly runs: Collection<RunDocument>;
  private readonly chunks: Collection<RunChunkDocument>;
  private readonly outcomes: Collection<ChunkOutcomeDocument>;
  private readonly models: Collection<RunModelDocument>;

  private readonly keyed: KeyedReads;

  constructor(db: Db) {
    this.keyed = new KeyedReads(db);
    this.runs = db.collection<RunDocument>(RUNS_COLLECTION);
    this.chunks = db.collection<RunChunkDocument>(RUN_CHUNKS_COLLECTION);
    this.outcomes = db.collection<ChunkOutcomeDocument>(RUN_OUTCOMES_COLLECTION);
    this.models = db.collection<RunModelDocument>(RUN_MODELS_COLLECTION);
  }

  async get(runId: string): Promise<RunDocument | null> {
    return this.runs.findOne({ _id: runId });
  }

  /**
   * Runs newest first, after the run `after` (its created_at and id) when given. The sort has
   * an index; the count stops at {@link COUNT_CAP}; both are cut off at {@link BOUNDED_QUERY_MS}.
   */
  async list(page: { after?: { at: Date; id: string }; offset: number; limit: number; status?: RunStatus }): Promise<RunPage> {
    const filter: Filter<RunDocument> = page.status ? { status: page.status } : {};
    const query: Filter<RunDocument> = page.after
      ? { ...filter, $or: [{ created_at: { $lt: page.after.at } }, { created_at: page.after.at, _id: { $lt: page.after.id } }] }
      : filter;
    const [items, total] = await Promise.all([
      this.runs.find(query).sort({ created_at: -1, _id: -1 }).skip(page.offset).limit(page.limit).maxTimeMS(BOUNDED_QUERY_MS).toArray(),
      this.runs.countDocuments(filter, { limit: COUNT_CAP, maxTimeMS: BOUNDED_QUERY_MS }),
    ]);
    return { items, total };
  }

  /** The run header is written last: it is the commit point of a run's creation. */
  async insertRun(run: RunDocument): Promise<boolean> {
    return (await insertIgnoringDuplicates(this.runs, [run])).inserted === 1;
  }

  async writePlan(chunks: RunChunkDocument[], models: RunModelDocument[]): Promise<void> {
    await insertIgnoringDuplicates(this.models, models);
    for (let i = 0; i < chunks.length; i += 500) await insertIgnoringDuplicates(this.chunks, chunks.slice(i, i + 500));
  }

  /** Re-planning after an interrupted creation starts from a clean slate. */
  async clearPlan(runId: string): Promise<void> {
    await this.chunks.deleteMany({ run_id: runId });
    await this.models.deleteMany({ run_id: runId });
  }

  /**
   * The stored plan, read chunk by chunk by `_id`: FerretDB's SQLite backend pushes down only
   * `_id` equality, so a `run_id` filter would scan every plan ever stored.
   */
  async planOf(runId: string, chunkCount: number): Promise<RunChunkDocument[]> {
    const plan: RunChunkDocument[] = [];
    for (let start = 0; start < chunkCount; start += PARALLEL_READS) {
      const indexes = Array.from({ length: Math.min(PARALLEL_READS, chunkCount - start) }, (_, k) => start + k);
      const docs = await Promise.all(indexes.map((index) => this.chunks.findOne({ _id: chunkJobId(runId, index) })));
      for (const [k, doc] of docs.entries()) {
        if (!doc) throw new Error(`run ${runId} has no stored chunk ${indexes[k]}`);
        plan.push(doc);
      }
    }
    return plan;
  }

  /** Planned chunks by index, read by `_id`; absent ones (not stored yet) are left out. */
  async chunksAt(runId: string, indexes: readonly number[]): Promise<Map<number, RunChunkDocument>> {
    const docs = await this.keyed.byIds(this.chunks, indexes.map((i) => chunkJobId(runId, i)));
    return new Map(docs.map((d) => [d.index, d]));
  }

  async modelsOf(runId: string, modelIds: readonly string[]): Promise<RunModelDocument[]> {
    const docs = await Promise.all(modelIds.map((id) => this.models.findOne({ _id: runModelId(runId, id) })));
    return docs.filter((d): d is RunModelDocument => d !== null);
  }

  async markEnqueued(runId: string, chunkCount: number): Promise<void> {
    await this.runs.updateOne({ _id: runId }, { $set: { enqueued_chunks: chunkCount } });
  }

  async markRunning(runId: string, at: Date): Promise<void> {
    await this.runs.updateOne({ _id: runId, status: 'queued' }, { $set: { status: 'running', started_at: at } });
  }

  /**
   * Records a chunk's counts exactly once: the insert on the chunk's unique id is the one
   * primitive both MongoDB and FerretDB v1 make atomic. Returns the counts as stored: the ones
   * given, or for a re-delivered chunk the ones its first attempt recorded.
   */
  async recordChunkOutcome(runId: string, chunkId: string, counts: RunCounts, at: Date): Promise<RunCounts> {
    const inserted = await insertIgnoringDuplicates(this.outcomes, [{ _id: chunkId, run_id: runId, ...counts, finished_at: at }]);
    if (inserted.inserted === 1) return counts;
    const stored = await this.outcomes.findOne({ _id: chunkId });
    if (!stored) throw new Error(`chunk outcome ${chunkId} reported as a duplicate but not found`);
    return Object.fromEntries(COUNT_KEYS.map((k) => [k, stored[k] ?? 0])) as unknown as RunCounts;
  }

  /**
   * Sums of the recorded chunk outcomes per run: the counts always equal the stored results.
   * Summed here rather than with `$group`: FerretDB v1 computes only the first of several `$sum`
   * accumulators (the others come back 0). The documents are tiny, one per chunk.
   */
  async countsOf(runIds: readonly string[]): Promise<Map<string, RunCounts>> {
    const sums = new Map<string, RunCounts>(runIds.map((id) => [id, { ...ZERO_COUNTS }]));
    if (runIds.length === 0) return sums;
    const rows = this.outcomes.find({ run_id: { $in: [...runIds] } }, { projection: { finished_at: 0 } });
    for await (const row of rows) {
      const sum = sums.get(row.run_id)!;
      for (const key of COUNT_KEYS) sum[key] += row[key] ?? 0;
    }
    return sums;
  }

  /**
   * Runs not final that were created before `before`, oldest first: the run sweeper's work list.
   * Behind the `{status, created_at}` index; a run sweep reads at most `limit` of them.
   */
  async openRuns(before: Date, limit: number): Promise<RunDocument[]> {
    return this.runs
      .find({ status: { $in: ['queued', 'running'] }, created_at: { $lt: before } })
      .sort({ created_at: 1 })
      .limit(limit)
      .toArray();
  }

  /** The recorded outcomes of a run's chunks among `indexes`, by index (read by `_id`). */
  async outcomesAt(runId: string, indexes: readonly number[]): Promise<Map<number, RunCounts>> {
    const docs = await this.keyed.byIds(this.outcomes, indexes.map((i) => chunkJobId(runId, i)));
    const indexOf = new Map(indexes.map((i) => [chunkJobId(runId, i), i] as const));
    return new Map(docs.map((d) => [indexOf.get(d._id)!, Object.fromEntries(COUNT_KEYS.map((k) => [k, d[k] ?? 0])) as unknown as RunCounts]));
  }

  /** Moves a run to a final status unless it already has one (a cancelled run stays cancelled). */
  async finish(runId: string, status: RunStatus, counts: RunCounts | null, at: Date, reason: string | null = null): Promise<boolean> {
    const result = await this.runs.updateOne(
      { _id: runId, status: { $nin: [...FINAL_RUN_STATUSES] } },
      { $set: { status, final_counts: counts, finished_at: at, reason } },
    );
    return result.modifiedCount === 1;
  }
}

export function runModelId(runId: string, modelId: string): string {
  return `${runId}:${modelId}`;
}

import type { Db, Filter } from 'mongodb';
import { ORDERS_COLLECTION } from './orders-repository.js';
import { OUTBOX_BATCHES_COLLECTION, OUTBOX_OUTCOMES_COLLECTION, OUTBOX_RUNS_COLLECTION, OUTBOX_SENDING_COLLECTION } from './outbox-repository.js';
import { REBALANCES_COLLECTION } from './rebalances-repository.js';
import { RESULTS_COLLECTION } from './results-repository.js';
import { RUN_DECISIONS_COLLECTION } from './run-decisions-repository.js';
import { FINAL_RUN_STATUSES, type RunDocument } from './run-documents.js';
import { RUN_SUMMARIES_COLLECTION } from './run-summaries-repository.js';
import { RUN_CHUNKS_COLLECTION, RUN_MODELS_COLLECTION, RUN_OUTCOMES_COLLECTION, RUNS_COLLECTION } from './runs-repository.js';

type RunFilter = (runId: string) => Filter<{ _id: string; run_id: string }>;
const byRunId: RunFilter = (runId) => ({ run_id: runId });
/** Ids that start with `<run_id><sep>`, as an `_id` range: the `_id` index serves it without a `run_id` index. */
const idsAfter = (sep: string): RunFilter => (runId) => ({ _id: { $gt: `${runId}${sep}`, $lt: `${runId}${String.fromCharCode(sep.charCodeAt(0) + 1)}` } });

/**
 * What each run leaves behind, and how to find it with an index on MongoDB: results, chunk
 * summaries and outbox batches are keyed `<run_id>:…` or `<run_id>-…`; the rest have a `run_id` index.
 */
const PER_RUN: [collection: string, filter: RunFilter][] = [
  [ORDERS_COLLECTION, byRunId],
  [RESULTS_COLLECTION, idsAfter(':')],
  [RUN_SUMMARIES_COLLECTION, idsAfter('-')],
  [RUN_OUTCOMES_COLLECTION, byRunId],
  [RUN_CHUNKS_COLLECTION, byRunId],
  [RUN_MODELS_COLLECTION, byRunId],
  [REBALANCES_COLLECTION, byRunId],
  [OUTBOX_BATCHES_COLLECTION, byRunId],
  [OUTBOX_SENDING_COLLECTION, idsAfter(':')],
  [OUTBOX_OUTCOMES_COLLECTION, idsAfter(':')],
];

/** Collections keyed by the run id itself. */
const RUN_KEYED_COLLECTIONS = [OUTBOX_RUNS_COLLECTION, RUN_DECISIONS_COLLECTION] as const;

/** How much one retention pass may delete. */
export interface RetentionLimits {
  /** Runs handled per pass; the next pass takes the rest. @defaultValue 20 */
  runsPerPass?: number;
  /** Documents per `deleteMany`, so no single delete holds the database long. @defaultValue 1000 */
  batch?: number;
}

/**
 * Deletes runs that finished before `cutoff`, with everything stored for them (results, orders,
 * summaries, outcomes, plans, model snapshots, stored rebalances, outboxes, decisions), in
 * batches of `batch` documents. Only final runs: a run that is still queued or running is never
 * touched, however old. The run header goes last, so a pass that is interrupted is completed by
 * the next one. MongoDB could expire these with TTL indexes; FerretDB v1 has none, so this is
 * an explicit job (see docs/OPERATIONS.md, "Retention").
 */
export async function deleteExpiredRuns(db: Db, cutoff: Date, limits: RetentionLimits = {}): Promise<{ runs: number; documents: number }> {
  const batch = limits.batch ?? 1_000;
  const runs = db.collection<RunDocument>(RUNS_COLLECTION);
  // created_at ≤ finished_at, so the created_at bound lets the {status, created_at} index narrow it.
  const expired = await runs
    .find({ status: { $in: [...FINAL_RUN_STATUSES] }, created_at: { $lt: cutoff }, finished_at: { $lt: cutoff } }, { projection: { _id: 1 } })
    .limit(limits.runsPerPass ?? 20)
    .toArray();
  let documents = 0;
  for (const { _id: runId } of expired) {
    for (const [name, filter] of PER_RUN) documents += await deleteInBatches(db, name, filter(runId), batch);
    for (const name of RUN_KEYED_COLLECTIONS) documents += (await db.collection<{ _id: string }>(name).deleteOne({ _id: runId })).deletedCount;
    documents += (await runs.deleteOne({ _id: runId })).deletedCount;
  }
  return { runs: expired.length, documents };
}

/** Deletes what `filter` matches, `batch` documents at a time (ids read first, then deleted by `_id`). */
async function deleteInBatches(db: Db, name: string, filter: Filter<{ _id: string; run_id: string }>, batch: number): Promise<number> {
  const collection = db.collection<{ _id: string; run_id: string }>(name);
  let deleted = 0;
  for (;;) {
    const ids = (await collection.find(filter, { projection: { _id: 1 } }).limit(batch).toArray()).map((d) => d._id);
    if (ids.length === 0) return deleted;
    deleted += (await collection.deleteMany({ _id: { $in: ids } })).deletedCount;
  }
}

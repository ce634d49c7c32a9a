import pLimit from 'p-limit';
import { INTERACTIVE_JOB_OPTIONS, chunkJobId, endingOf, enqueueChunks, type ChunkJobData, type RebalanceQueue } from '../queue/index.js';
import { storeMirroredRun } from '../runs/store-mirrored-run.js';
import { ZERO_COUNTS, type RunCounts, type RunDocument } from '../store/run-documents.js';
import { finishIfDone, recordAbandonedChunk, type ChunkProcessorDeps } from './process-chunk.js';

/** Open runs one sweep looks at, oldest first; the next sweep takes the rest. */
const RUNS_PER_SWEEP = 200;
/** Job-state reads in flight at once. */
const PARALLEL_STATES = 16;

/** What a run sweep touches: the chunk processor's stores, and the `rebalance` queue. */
export interface RunSweepDeps {
  chunks: ChunkProcessorDeps;
  queue: Pick<RebalanceQueue, 'getJobState' | 'getJob' | 'addBulk' | 'remove'>;
  /**
   * Runs created less than this long ago are left alone: their submit may still be enqueueing.
   * The worker passes one sweep interval.
   */
  graceMs: number;
}

/** What one sweep did, logged when it did anything. */
export interface RunSweepReport {
  /** Runs accepted in Redis first that the sweep wrote to MongoDB (so a Redis loss cannot lose them). */
  stored: number;
  /** Open runs looked at. */
  checked: number;
  /** Chunks without an outcome and without a job (Redis lost them), enqueued again. */
  requeued: number;
  /** Chunks BullMQ failed for good whose portfolios were never recorded, recorded as failed. */
  abandoned: number;
  /** Runs whose every chunk was recorded but which were never finished, finished. */
  finished: number;
  /** Runs that cannot proceed (part of their plan is gone), failed with the reason. */
  expired: number;
}

/**
 * One sweep: the repair for whatever left a run open with nothing left to move it. Chunk job
 * ids are deterministic, so "the job of chunk i" is one lookup; a chunk is settled when its
 * outcome is recorded in MongoDB. Every repair is idempotent (deterministic job ids, results and
 * orders written first-wins, outcomes recorded once), so overlapping sweeps, or a sweep racing a
 * worker, do no harm; at worst a chunk is solved twice and written once.
 */
export async function sweepRuns(deps: RunSweepDeps, now = new Date()): Promise<RunSweepReport> {
  const report: RunSweepReport = { stored: 0, checked: 0, requeued: 0, abandoned: 0, finished: 0, expired: 0 };
  const before = new Date(now.getTime() - deps.graceMs);
  for (const runId of await deps.chunks.mirror.unstoredBefore(before)) {
    if (await storeMirroredRun(deps.chunks, runId)) report.stored += 1;
  }
  for (const run of await deps.chunks.runs.openRuns(before, RUNS_PER_SWEEP)) {
    report.checked += 1;
    try {
      await sweepRun(deps, run, report, now);
    } catch (error) {
      deps.chunks.logger.warn({ run_id: run._id, err: error }, 'run sweep: could not repair the run; the next sweep tries again');
    }
  }
  return report;
}

async function sweepRun(deps: RunSweepDeps, run: RunDocument, report: RunSweepReport, now: Date): Promise<void> {
  const { runs, mirror } = deps.chunks;
  const log = deps.chunks.logger.child({ run_id: run._id, component: 'run-sweeper' });
  const indexes = Array.from({ length: run.chunk_count }, (_, i) => i);
  const outcomes = await runs.outcomesAt(run._id, indexes);
  const open = indexes.filter((i) => !outcomes.has(i));
  if (open.length === 0) {
    // Every chunk is recorded, yet the run is open: its finisher died, or the mirror lost chunk
    // counts (a Redis flush). Mirror what MongoDB holds, then finish as a last chunk would.
    for (const [index, counts] of outcomes) await mirror.record(run._id, index, counts);
    await finishIfDone(deps.chunks, run, log);
    report.finished += 1;
    log.warn('run sweep: every chunk was recorded but the run was open; finished');
    return;
  }
  const limit = pLimit(PARALLEL_STATES);
  const states = await Promise.all(open.map((i) => limit(async () => [i, await deps.queue.getJobState(chunkJobId(run._id, i))] as const)));
  for (const [index] of states.filter(([, s]) => s === 'failed')) {
    // Failed for good (a retry would be `delayed`), yet no outcome: the `failed` handler's record was lost.
    const job = await deps.queue.getJob(chunkJobId(run._id, index));
    if (!job) continue;
    await recordAbandonedChunk(deps.chunks, job.data as ChunkJobData, `chunk abandoned: ${job.failedReason}`);
    report.abandoned += 1;
  }
  // No job, or a job that completed without recording an outcome: the chunk was lost.
  const suspects = states.filter(([, s]) => s === 'unknown' || s === 'completed').map(([i]) => i);
  if (suspects.length === 0) return;
  // Read again: a chunk that finished between the two reads above is not lost.
  const finishedSince = await runs.outcomesAt(run._id, suspects);
  const lost = suspects.filter((i) => !finishedSince.has(i));
  if (lost.length === 0) return;
  for (const [index] of states.filter(([i, s]) => s === 'completed' && lost.includes(i))) await deps.queue.remove(chunkJobId(run._id, index));
  const plan = await runs.chunksAt(run._id, lost);
  const unplanned = lost.filter((i) => !plan.has(i));
  if (unplanned.length > 0) {
    await expire(deps, run, outcomes, `run could not proceed: the plan of chunk ${unplanned.slice(0, 5).join(', ')} is not stored`, now);
    report.expired += 1;
    return;
  }
  const chunks = lost.map((i) => ({ index: i, items: plan.get(i)!.items.map((item) => ({ modelId: item.model_id, portfolioId: item.portfolio_id })) }));
  await enqueueChunks(deps.queue as RebalanceQueue, run._id, chunks, run.priority, run.kind === 'native' ? {} : INTERACTIVE_JOB_OPTIONS);
  await runs.markEnqueued(run._id, run.chunk_count);
  report.requeued += lost.length;
  log.warn({ chunks: lost.length, first: lost[0] }, 'run sweep: chunks with neither an outcome nor a job enqueued again');
}

/** Fails a run that cannot finish, with what it did process and why it stopped. */
async function expire(deps: RunSweepDeps, run: RunDocument, outcomes: Map<number, RunCounts>, why: string, now: Date): Promise<void> {
  const counts = { ...ZERO_COUNTS };
  for (const c of outcomes.values()) for (const k of Object.keys(counts) as (keyof RunCounts)[]) counts[k] += c[k];
  const reason = `${why}; ${counts.processed} of ${run.total} portfolios were processed`;
  await deps.chunks.runs.finish(run._id, 'failed', counts, now, reason);
  const stored = await deps.chunks.runs.get(run._id);
  if (stored) await deps.chunks.mirror.settle(run._id, endingOf(stored));
  deps.chunks.logger.error({ run_id: run._id, reason }, 'run sweep: run expired');
}

import type { Queue } from 'bullmq';
import pLimit from 'p-limit';
import type { Db } from 'mongodb';
import type { Logger } from '../observability/logger.js';
import { batchId, type OutboxRepository, type OutboxRunDocument } from '../store/outbox-repository.js';
import { sendableRuns } from '../store/sendable-runs.js';
import { planSending } from './plan-sending.js';

/** Runs finished longer ago than this are not picked up by the sweeper any more. */
export const SWEEP_LOOKBACK_MS = 7 * 86_400_000;
/** A plan's batches are checked for lost jobs only once it is this old (its plan job enqueued them). */
const RECHECK_AFTER_MS = 30_000;
/** Concurrent `_id` reads while checking a plan's outcomes. */
const PARALLEL_READS = 16;

/** What sweeping and planning need. */
export interface SweepDeps {
  db: Db;
  outbox: OutboxRepository;
  queue: Pick<Queue, 'add' | 'addBulk'>;
  batchSize: number;
  logger: Logger;
}

/** The send job of one batch: a deterministic id, so enqueueing it again is a no-op while it exists. */
export function sendJobId(runId: string, index: number): string {
  return `send-${runId}-${index}`;
}

/**
 * One sweep (a repeatable job, every `SEND_SWEEP_SECONDS`), kept light because sweeps may
 * overlap: enqueues a plan job for each run whose orders became due (one per run: its job id is
 * the run's), and for plans old enough, re-enqueues the batches that have neither an outcome nor
 * a job (Redis lost them) and marks finished plans complete.
 */
export async function sweep(deps: SweepDeps, now = new Date()): Promise<{ planning: number; enqueued: number; completed: number }> {
  let planning = 0;
  for (const runId of await sendableRuns(deps.db, new Date(now.getTime() - SWEEP_LOOKBACK_MS))) {
    if (await deps.outbox.plan(runId)) continue;
    await deps.queue.add('plan', { run_id: runId }, { jobId: `plan-${runId}`, attempts: 5, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: true });
    planning += 1;
  }
  let enqueued = 0;
  let completed = 0;
  for (const plan of await deps.outbox.incompletePlans()) {
    if (now.getTime() - plan.planned_at.getTime() < RECHECK_AFTER_MS) continue;
    const open = await enqueueUnfinished(deps, plan);
    if (open === 0) {
      await deps.outbox.markCompleted(plan._id, now);
      completed += 1;
    }
    enqueued += open;
  }
  return { planning, enqueued, completed };
}

/**
 * A plan job: splits the run's orders into batches (once; see `planSending`) and enqueues a
 * send job for every batch without an outcome.
 */
export async function planAndEnqueue(deps: SweepDeps, runId: string): Promise<{ batches: number; enqueued: number }> {
  const started = Date.now();
  const plan = await planSending(deps, runId);
  const enqueued = await enqueueUnfinished(deps, plan);
  deps.logger.info({ run_id: runId, batches: plan.batch_count, orders: plan.order_count, enqueued, ms: Date.now() - started }, 'orders planned for sending');
  return { batches: plan.batch_count, enqueued };
}

/** Enqueues the batches of a plan that have no outcome; returns how many. */
async function enqueueUnfinished(deps: SweepDeps, plan: OutboxRunDocument): Promise<number> {
  const limit = pLimit(PARALLEL_READS);
  const done = await Promise.all(Array.from({ length: plan.batch_count }, (_, i) => limit(async () => (await deps.outbox.outcome(batchId(plan._id, i))) !== null)));
  const open = done.flatMap((d, i) => (d ? [] : [i]));
  if (open.length > 0) await deps.queue.addBulk(open.map((index) => ({ name: 'send', data: { batch_id: batchId(plan._id, index) }, opts: { jobId: sendJobId(plan._id, index) } })));
  return open.length;
}

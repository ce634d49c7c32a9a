import type { Queue } from 'bullmq';
import pLimit from 'p-limit';
import type { Db } from 'mongodb';
import type { Logger } from '../observability/logger.js';
import { batchId, type OutboxRepository, type OutboxRunDocument } from '../store/outbox-repository.js';
import { sendableRuns } from '../store/sendable-runs.js';
import { planSending } from './plan-sending.js';

/** Runs finished longer ago than this are not picked up by the sweeper any more. */
export const SWEEP_LOOKBACK_MS = 7 * 86_400_000;
/** Concurrent `_id` reads while checking a plan's outcomes. */
const PARALLEL_READS = 16;

/** What a sweep needs. */
export interface SweepDeps {
  db: Db;
  outbox: OutboxRepository;
  queue: Pick<Queue, 'addBulk'>;
  batchSize: number;
  logger: Logger;
}

/** The send job of one batch: a deterministic id, so enqueueing it again is a no-op while it exists. */
export function sendJobId(runId: string, index: number): string {
  return `send-${runId}-${index}`;
}

/**
 * One sweep (a repeatable job, every `SEND_SWEEP_SECONDS`): plans the runs whose orders became
 * due, and enqueues every batch of an unfinished plan that has no outcome yet. Planning and
 * enqueueing are idempotent, so a sweep that dies half-way is finished by the next one, and a
 * Redis that lost its jobs gets them back.
 */
export async function sweep(deps: SweepDeps, now = new Date()): Promise<{ planned: number; enqueued: number; completed: number }> {
  let planned = 0;
  for (const runId of await sendableRuns(deps.db, new Date(now.getTime() - SWEEP_LOOKBACK_MS))) {
    if (await deps.outbox.plan(runId)) continue;
    const plan = await planSending(deps, runId);
    deps.logger.info({ run_id: runId, batches: plan.batch_count, orders: plan.order_count }, 'orders planned for sending');
    planned += 1;
  }
  let enqueued = 0;
  let completed = 0;
  for (const plan of await deps.outbox.incompletePlans()) {
    const open = await unfinishedBatches(deps.outbox, plan);
    if (open.length === 0) {
      await deps.outbox.markCompleted(plan._id, now);
      completed += 1;
      continue;
    }
    await deps.queue.addBulk(open.map((index) => ({ name: 'send', data: { batch_id: batchId(plan._id, index) }, opts: { jobId: sendJobId(plan._id, index) } })));
    enqueued += open.length;
  }
  return { planned, enqueued, completed };
}

async function unfinishedBatches(outbox: OutboxRepository, plan: OutboxRunDocument): Promise<number[]> {
  const limit = pLimit(PARALLEL_READS);
  const done = await Promise.all(Array.from({ length: plan.batch_count }, (_, i) => limit(async () => (await outbox.outcome(batchId(plan._id, i))) !== null)));
  return done.flatMap((d, i) => (d ? [] : [i]));
}

import pLimit from 'p-limit';
import { batchId, type OutboxRepository } from '../store/outbox-repository.js';

/** Concurrent `_id` reads per status request. */
const PARALLEL_READS = 16;

/** Where a run's orders are on their way to the Order Service. */
export interface SendStatus {
  run_id: string;
  /** `not_planned`: not (yet) picked up by the sweeper; `sending`: some batch has no outcome; `done`. */
  state: 'not_planned' | 'sending' | 'done';
  batches: number;
  orders: { total: number; pending: number; in_flight: number; sent: number; rejected: number };
  planned_at: string | null;
  completed_at: string | null;
}

/**
 * Per-run send status from the outbox, read by `_id` only (plan, then each batch's outcome or
 * in-flight marker): a batch with an outcome counts its sent and rejected orders; one with a
 * marker and no outcome is in flight (its outcome may be unknown until reconciled); the rest
 * are pending.
 */
export async function sendStatus(outbox: OutboxRepository, runId: string): Promise<SendStatus> {
  const plan = await outbox.plan(runId);
  const orders = { total: plan?.order_count ?? 0, pending: 0, in_flight: 0, sent: 0, rejected: 0 };
  if (!plan) return { run_id: runId, state: 'not_planned', batches: 0, orders, planned_at: null, completed_at: null };
  const limit = pLimit(PARALLEL_READS);
  await Promise.all(
    Array.from({ length: plan.batch_count }, (_, i) =>
      limit(async () => {
        const id = batchId(runId, i);
        const outcome = await outbox.outcome(id);
        if (outcome) {
          orders.sent += outcome.sent;
          orders.rejected += outcome.rejected;
        } else if (await outbox.isSending(id)) orders.in_flight += await outbox.orderCount(id);
      }),
    ),
  );
  orders.pending = orders.total - orders.sent - orders.rejected - orders.in_flight;
  const done = orders.sent + orders.rejected === orders.total;
  return {
    run_id: runId,
    state: done ? 'done' : 'sending',
    batches: plan.batch_count,
    orders,
    planned_at: plan.planned_at.toISOString(),
    completed_at: plan.completed_at?.toISOString() ?? null,
  };
}

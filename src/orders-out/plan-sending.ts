import type { Db } from 'mongodb';
import { batchId, type OutboxBatchDocument, type OutboxRepository, type OutboxRunDocument, type PackedOrder } from '../store/outbox-repository.js';
import { streamRunOrders } from '../store/run-orders-stream.js';

/** What planning a run's sending needs. */
export interface PlanDeps {
  db: Db;
  outbox: OutboxRepository;
  /** Orders per batch (`SEND_BATCH_SIZE`, at most 1,000). */
  batchSize: number;
  now?: () => Date;
}

/**
 * Splits a run's orders into batches (natural-key order, so a plan interrupted by a crash is
 * rebuilt identically) and gives each an `orderTimestamp` no other batch has: reconciliation
 * finds a batch's orders at the Order Service by it. The plan header is written last; until it
 * exists the run is planned again, and batches already stored are kept as they are.
 */
export async function planSending(deps: PlanDeps, runId: string): Promise<OutboxRunDocument> {
  const existing = await deps.outbox.plan(runId);
  if (existing) return existing;
  const now = deps.now ?? (() => new Date());
  const clock = { next: now().getTime() };
  let index = 0;
  let orderCount = 0;
  let batch: PackedOrder[] = [];
  const flush = async () => {
    await storeBatch(deps.outbox, runId, index, batch, clock, now());
    orderCount += batch.length;
    index += 1;
    batch = [];
  };
  for await (const o of streamRunOrders(deps.db, runId)) {
    batch.push([o._id, o.portfolio_id, o.security_id, o.transaction_type, o.quantity]);
    if (batch.length >= deps.batchSize) await flush();
  }
  if (batch.length > 0) await flush();
  return deps.outbox.commitPlan({ _id: runId, batch_count: index, order_count: orderCount, planned_at: now(), completed_at: null });
}

/** Stores a batch under the next free millisecond (the unique index on `order_timestamp` decides). */
async function storeBatch(outbox: OutboxRepository, runId: string, index: number, orders: PackedOrder[], clock: { next: number }, at: Date): Promise<void> {
  for (;;) {
    const doc: OutboxBatchDocument = {
      _id: batchId(runId, index),
      run_id: runId,
      index,
      order_timestamp: new Date(clock.next).toISOString(),
      order_count: orders.length,
      orders_json: JSON.stringify(orders),
      created_at: at,
    };
    clock.next += 1;
    if (await outbox.insertBatch(doc)) return;
  }
}

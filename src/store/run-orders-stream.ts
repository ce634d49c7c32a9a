import type { Db } from 'mongodb';
import { ORDERS_COLLECTION, type OrderDocument } from './orders-repository.js';
import type { Page } from './results-repository.js';

/** In the `natural_key` index's order, so MongoDB streams without an in-memory sort. */
const NATURAL_ORDER = { run_id: 1, model_id: 1, portfolio_id: 1, security_id: 1 } as const;

/** Every order of a run, streamed in natural-key order (constant memory: one cursor batch at a time). */
export function streamRunOrders(db: Db, runId: string): AsyncIterable<OrderDocument> {
  return db.collection<OrderDocument>(ORDERS_COLLECTION).find({ run_id: runId }).sort(NATURAL_ORDER).batchSize(1000);
}

/** One page of a block's allocations: the run's orders of one security and side. */
export async function blockAllocations(db: Db, runId: string, securityId: string, side: 'BUY' | 'SELL', offset: number, limit: number): Promise<Page<OrderDocument>> {
  const filter = { run_id: runId, security_id: securityId, transaction_type: side };
  const orders = db.collection<OrderDocument>(ORDERS_COLLECTION);
  const [items, total] = await Promise.all([orders.find(filter).sort(NATURAL_ORDER).skip(offset).limit(limit).toArray(), orders.countDocuments(filter)]);
  return { items, total };
}

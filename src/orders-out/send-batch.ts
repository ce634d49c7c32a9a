import { BrokenCircuitError, type CircuitBreakerPolicy } from 'cockatiel';
import type { Logger } from '../observability/logger.js';
import type { SendMetrics } from '../observability/send-metrics.js';
import type { OutboxBatchDocument, OutboxRepository, PackedOrder, PackedResult } from '../store/outbox-repository.js';
import { OrderServiceUnavailable, type OrderPost, type OrderServiceClient, type PostOutcome } from './order-service-client.js';

/** What sending one batch needs. */
export interface SendDeps {
  outbox: OutboxRepository;
  client: OrderServiceClient;
  /** Shared by the process's sends: while open, no POST goes out. */
  breaker: CircuitBreakerPolicy;
  /** How long an open breaker waits before a trial request. */
  halfOpenAfterMs: number;
  metrics?: SendMetrics;
  logger: Logger;
}

/** The send failed in a way that created nothing this side does not know of, or will be reconciled: try again. */
export class RetryLater extends Error {
  constructor(
    message: string,
    /** From `Retry-After` or the breaker; null means the queue's backoff decides. */
    readonly delayMs: number | null,
  ) {
    super(message);
    this.name = 'RetryLater';
  }
}

/** What a send job did. */
export interface BatchReport {
  batch_id: string;
  sent: number;
  rejected: number;
  reconciled: number;
  /** The outcome was already recorded (a repeated job). */
  already: boolean;
}

/**
 * Sends one batch exactly once. Before its first POST a marker says "this batch may have reached
 * the Order Service"; any later attempt finds the marker and first asks the Order Service which
 * of the batch's orders exist (by the batch's unique `orderTimestamp`), marks those sent and
 * POSTs only the rest. The Order Service does not deduplicate, so this is what keeps a timeout,
 * a reset connection or a killed worker from creating an order twice.
 */
export async function sendBatch(deps: SendDeps, id: string): Promise<BatchReport> {
  if (await deps.outbox.outcome(id)) return { batch_id: id, sent: 0, rejected: 0, reconciled: 0, already: true };
  const batch = await deps.outbox.batch(id);
  if (!batch) throw new Error(`outbox batch ${id} does not exist`);
  const orders = JSON.parse(batch.orders_json) as PackedOrder[];
  const results = new Map<number, PackedResult>();
  const first = await deps.outbox.markSending(id, batch.run_id, new Date());
  const reconciled = first ? 0 : await reconcile(deps, batch, orders, results);
  const remaining = orders.map((_, i) => i).filter((i) => !results.has(i));
  if (remaining.length > 0) await post(deps, batch, orders, remaining, results);
  const packed = orders.map((_, i) => results.get(i)!);
  const sent = packed.filter((r) => r[1] === 'sent').length;
  const stored = await deps.outbox.recordOutcome({
    _id: id,
    run_id: batch.run_id,
    sent,
    rejected: packed.length - sent,
    reconciled,
    results_json: JSON.stringify(packed),
    finished_at: new Date(),
  });
  if (stored) deps.metrics?.recordOutcome(sent, packed.length - sent);
  deps.logger.info({ batch_id: id, run_id: batch.run_id, sent, rejected: packed.length - sent, reconciled }, 'batch sent');
  return { batch_id: id, sent, rejected: packed.length - sent, reconciled, already: false };
}

/** Marks the batch's orders the Order Service already has as sent; returns how many. */
async function reconcile(deps: SendDeps, batch: OutboxBatchDocument, orders: PackedOrder[], results: Map<number, PackedResult>): Promise<number> {
  let found;
  try {
    found = await deps.client.findByTimestamp(batch.order_timestamp);
  } catch (error) {
    if (error instanceof OrderServiceUnavailable) throw new RetryLater(`reconciling ${batch._id}: ${error.message}`, error.retryAfterMs);
    throw error;
  }
  // Matched on content too: another system may have used the same timestamp, and a portfolio in
  // two models may hold two equal orders (each found order is taken once).
  const byContent = new Map<string, number[]>();
  for (const f of found) byContent.set(contentKey(f.portfolioId, f.securityId, f.side, f.quantity), [...(byContent.get(contentKey(f.portfolioId, f.securityId, f.side, f.quantity)) ?? []), f.id]);
  let matched = 0;
  orders.forEach(([orderId, portfolio, security, side, quantity], i) => {
    const serviceId = byContent.get(contentKey(portfolio, security, side, quantity))?.shift();
    if (serviceId === undefined) return;
    results.set(i, [orderId, 'sent', serviceId, null]);
    matched += 1;
  });
  deps.logger.warn({ batch_id: batch._id, found: matched, of: orders.length }, 'batch outcome was unknown: reconciled before resending');
  return matched;
}

function contentKey(portfolio: string, security: string, side: string, quantity: number): string {
  return `${portfolio}|${security}|${side}|${quantity}`;
}

async function post(deps: SendDeps, batch: OutboxBatchDocument, orders: PackedOrder[], remaining: number[], results: Map<number, PackedResult>): Promise<void> {
  let ids;
  try {
    ids = await deps.client.lookupIds();
  } catch (error) {
    throw new RetryLater(`looking up order types and statuses: ${(error as Error).message}`, error instanceof OrderServiceUnavailable ? error.retryAfterMs : null);
  }
  const body: OrderPost[] = remaining.map((i) => {
    const [, portfolioId, securityId, side, quantity] = orders[i]!;
    return { blotterId: null, statusId: ids.NEW, portfolioId, orderTypeId: ids[side], securityId, quantity, limitPrice: null, orderTimestamp: batch.order_timestamp, version: 1 };
  });
  deps.metrics?.inFlight(body.length);
  let outcome: PostOutcome;
  try {
    outcome = await throughBreaker(deps, body);
  } finally {
    deps.metrics?.inFlight(-body.length);
  }
  if (outcome.kind === 'unavailable') throw new RetryLater(`batch ${batch._id}: Order Service unavailable`, outcome.retryAfterMs);
  if (outcome.kind === 'unknown') throw new RetryLater(`batch ${batch._id}: outcome unknown (${outcome.reason}); it is reconciled before any resend`, null);
  if (outcome.kind === 'refused') {
    for (const i of remaining) results.set(i, [orders[i]![0], 'rejected', null, `Order Service ${outcome.status}: ${outcome.message}`]);
    return;
  }
  const answered = new Set<number>();
  for (const r of outcome.results) {
    const i = remaining[r.requestIndex];
    if (i === undefined) continue;
    answered.add(i);
    results.set(i, r.status === 'SUCCESS' && r.orderId !== null ? [orders[i]![0], 'sent', r.orderId, null] : [orders[i]![0], 'rejected', null, r.message ?? 'rejected']);
  }
  if (answered.size !== remaining.length) throw new RetryLater(`batch ${batch._id}: the answer covered ${answered.size} of ${remaining.length} orders; reconciling`, null);
}

/** Outages count against the breaker; while it is open the POST is not made (nothing created). */
async function throughBreaker(deps: SendDeps, body: OrderPost[]): Promise<PostOutcome> {
  try {
    return await deps.breaker.execute(async () => {
      const outcome = await deps.client.post(body);
      if (outcome.kind === 'unavailable' || outcome.kind === 'unknown') throw new Outage(outcome);
      return outcome;
    });
  } catch (error) {
    if (error instanceof Outage) return error.outcome;
    if (error instanceof BrokenCircuitError) return { kind: 'unavailable', retryAfterMs: deps.halfOpenAfterMs };
    throw error;
  }
}

class Outage extends Error {
  constructor(readonly outcome: PostOutcome) {
    super(outcome.kind);
  }
}

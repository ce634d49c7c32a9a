import { describe, expect, it } from '@jest/globals';
import { ConsecutiveBreaker, circuitBreaker, handleAll } from 'cockatiel';
import pino from 'pino';
import type { OrderServiceClient, PostOutcome, FoundOrder, OrderPost } from '../../../src/orders-out/order-service-client.js';
import { RetryLater, sendBatch, type SendDeps } from '../../../src/orders-out/send-batch.js';
import { retryDelayMs } from '../../../src/orders-out/send-worker.js';
import { csvLine } from '../../../src/orders-out/exports.js';
import type { OutboxOutcomeDocument, OutboxRepository, PackedOrder, PackedResult } from '../../../src/store/outbox-repository.js';

/** An outbox in memory with one batch; `sending` says whether an earlier attempt already posted. */
function memoryOutbox(orders: PackedOrder[], sending: boolean) {
  const outcomes: OutboxOutcomeDocument[] = [];
  const outbox = {
    outcome: async () => outcomes[0] ?? null,
    batch: async (id: string) => ({ _id: id, run_id: 'r', index: 0, order_timestamp: '2026-01-05T14:00:00.000Z', order_count: orders.length, orders_json: JSON.stringify(orders), created_at: new Date() }),
    markSending: async () => !sending,
    recordOutcome: async (doc: OutboxOutcomeDocument) => outcomes.push(doc) === 1,
  };
  return { outbox: outbox as unknown as OutboxRepository, outcomes };
}

function fakeClient(found: FoundOrder[], answer: (body: OrderPost[]) => PostOutcome) {
  const posted: OrderPost[][] = [];
  const client = {
    lookupIds: async () => ({ BUY: 2, SELL: 3, NEW: 1 }),
    findByTimestamp: async () => found,
    post: async (body: OrderPost[]) => {
      posted.push(body);
      return answer(body);
    },
  };
  return { client: client as unknown as OrderServiceClient, posted };
}

const deps = (outbox: OutboxRepository, client: OrderServiceClient): SendDeps => ({
  outbox,
  client,
  breaker: circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(5) }),
  halfOpenAfterMs: 10_000,
  logger: pino({ level: 'silent' }),
});

const allSucceed = (body: OrderPost[]): PostOutcome => ({ kind: 'answered', results: body.map((_, i) => ({ status: 'SUCCESS', message: null, orderId: 100 + i, requestIndex: i })) });

describe('sending one batch', () => {
  it('when a portfolio holds two equal orders and reconciliation finds one, then only the other is resent', async () => {
    const orders: PackedOrder[] = [
      ['o1', 'p1', 's1', 'BUY', 5],
      ['o2', 'p1', 's1', 'BUY', 5],
      ['o3', 'p2', 's1', 'SELL', 2],
    ];
    const { outbox, outcomes } = memoryOutbox(orders, true);
    const { client, posted } = fakeClient([{ id: 7, portfolioId: 'p1', securityId: 's1', side: 'BUY', quantity: 5 }], allSucceed);
    const report = await sendBatch(deps(outbox, client), 'r:0');
    expect(report).toMatchObject({ sent: 3, rejected: 0, reconciled: 1 });
    expect(posted).toHaveLength(1);
    expect(posted[0]!.map((o) => [o.portfolioId, o.orderTypeId, o.quantity, o.orderTimestamp])).toEqual([
      ['p1', 2, 5, '2026-01-05T14:00:00.000Z'],
      ['p2', 3, 2, '2026-01-05T14:00:00.000Z'],
    ]);
    expect(JSON.parse(outcomes[0]!.results_json) as PackedResult[]).toEqual([
      ['o1', 'sent', 7, null],
      ['o2', 'sent', 100, null],
      ['o3', 'sent', 101, null],
    ]);
  });

  it('when the first attempt gets 503, then it asks to retry after Retry-After and records nothing', async () => {
    const { outbox, outcomes } = memoryOutbox([['o1', 'p1', 's1', 'BUY', 5]], false);
    const { client } = fakeClient([], () => ({ kind: 'unavailable', retryAfterMs: 4_000 }));
    const error = await sendBatch(deps(outbox, client), 'r:0').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryLater);
    expect((error as RetryLater).delayMs).toBe(4_000);
    expect(outcomes).toHaveLength(0);
  });

  it('when the batch is refused with 400, then every order is rejected with the message', async () => {
    const { outbox, outcomes } = memoryOutbox([['o1', 'p1', 's1', 'BUY', 5]], false);
    const { client } = fakeClient([], () => ({ kind: 'refused', status: 400, message: 'Request validation failed' }));
    await sendBatch(deps(outbox, client), 'r:0');
    expect(JSON.parse(outcomes[0]!.results_json)).toEqual([['o1', 'rejected', null, 'Order Service 400: Request validation failed']]);
  });
});

describe('retry delays and CSV lines', () => {
  it('when Retry-After was given, then it is the delay; otherwise exponential, capped, never under the request timeout', () => {
    expect(retryDelayMs(3, new RetryLater('x', 2_500), 10_000)).toBe(2_500);
    expect(retryDelayMs(1, new Error('x'), 1_000)).toBe(1_000);
    expect(retryDelayMs(4, new RetryLater('x', null), 1_000)).toBe(8_000);
    expect(retryDelayMs(20, undefined, 1_000)).toBe(30_000);
  });

  it('when a field holds a comma, quote or line break, then it is quoted as RFC 4180 says', () => {
    expect(csvLine(['a', 'b,c', 'say "hi"', 'x\ny'])).toBe('a,"b,c","say ""hi""","x\ny"\r\n');
  });
});

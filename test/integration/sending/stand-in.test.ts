import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { OrderServiceClient, type OrderPost } from '../../../src/orders-out/order-service-client.js';
import { startOrderServiceStandIn, type OrderServiceStandIn } from '../../support/order-service/stand-in.js';

const order = (portfolioId: string, quantity: number, orderTimestamp = '2026-01-05T14:00:00.000Z'): OrderPost => ({
  blotterId: null,
  statusId: 1,
  portfolioId,
  orderTypeId: 2,
  securityId: 'a'.repeat(24),
  quantity,
  limitPrice: null,
  orderTimestamp,
  version: 1,
});

describe('the Order Service stand-in keeps the published contract', () => {
  let standIn: OrderServiceStandIn;
  let client: OrderServiceClient;

  beforeAll(async () => {
    standIn = await startOrderServiceStandIn();
    client = new OrderServiceClient(standIn.url, 5_000);
  });
  afterAll(async () => {
    await standIn?.stop();
  });

  it('when order types and statuses are looked up by abbreviation, then BUY, SELL and NEW have ids', async () => {
    expect(await client.lookupIds()).toEqual({ BUY: 2, SELL: 3, NEW: 1 });
  });

  it('when a batch has a bad order, then 207 PARTIAL answers each by requestIndex and only the good ones exist', async () => {
    const outcome = await client.post([order('p-ok', 5), order('p-bad', 0)]);
    expect(outcome).toEqual({
      kind: 'answered',
      results: [
        expect.objectContaining({ status: 'SUCCESS', orderId: expect.any(Number), requestIndex: 0 }),
        expect.objectContaining({ status: 'FAILURE', orderId: null, requestIndex: 1, message: 'Quantity must be positive' }),
      ],
    });
  });

  it('when the same batch is posted twice, then it is created twice (no deduplication)', async () => {
    const batch = [order('p-twice', 3, '2026-01-05T15:00:00.000Z')];
    await client.post(batch);
    await client.post(batch);
    expect(await client.findByTimestamp('2026-01-05T15:00:00.000Z')).toHaveLength(2);
  });

  it('when more than 1,000 orders or a non-array is posted, then 413 and 400 create nothing', async () => {
    const before = standIn.orders.length;
    expect(await client.post(Array.from({ length: 1001 }, (_, i) => order(`p${i}`, 1)))).toMatchObject({ kind: 'refused', status: 413 });
    const res = await fetch(`${standIn.url}/api/v1/orders`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"not":"an array"}' });
    expect(res.status).toBe(400);
    expect(standIn.orders.length).toBe(before);
  });

  it('when its breaker is open, then 503 carries Retry-After', async () => {
    standIn.faults.unavailableUntil = Date.now() + 60_000;
    standIn.faults.retryAfterSeconds = 7;
    try {
      expect(await client.post([order('p', 1)])).toEqual({ kind: 'unavailable', retryAfterMs: 7_000 });
    } finally {
      standIn.faults.unavailableUntil = 0;
    }
  });

  it('when orders with one timestamp span pages, then the filter pages through all of them', async () => {
    const stamp = '2026-01-05T16:00:00.000Z';
    await client.post(Array.from({ length: 1000 }, (_, i) => order(`q${i}`, 1, stamp)));
    await client.post(Array.from({ length: 500 }, (_, i) => order(`r${i}`, 1, stamp)));
    const found = await client.findByTimestamp(stamp);
    expect(found).toHaveLength(1500);
    expect(new Set(found.map((f) => f.id)).size).toBe(1500);
    const page = (await (await fetch(`${standIn.url}/api/v1/orders?limit=1001`)).json()) as { message: string };
    expect(page.message).toContain('between 1 and 1000');
  });
});

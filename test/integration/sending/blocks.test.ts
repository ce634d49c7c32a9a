import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { ORDERS_COLLECTION, type OrderDocument } from '../../../src/store/orders-repository.js';
import { seedBook, type Book } from '../pipeline/support/book.js';
import { runToCompletion, startPipeline, type Pipeline } from '../pipeline/support/harness.js';
import { dropQueueKeys } from './support/sending.js';

/** A price with at most 2 places, in cents. */
const cents100 = (price: string) => {
  const [whole, fraction = ''] = price.split('.');
  return BigInt(whole! + fraction.padEnd(2, '0'));
};

describe('blocks and CSV exports', () => {
  let p: Pipeline;
  let book: Book;
  let runId: string;
  let orders: OrderDocument[];

  beforeAll(async () => {
    p = await startPipeline('blocks');
    book = await seedBook(p.t.db, { models: 2, portfoliosPerModel: 40, positionsPerModel: 6 });
    // Both models: portfolios of model 0 and 1 share securities in pairs, so blocks span models.
    runId = (await runToCompletion(p.app, { model_ids: book.modelIds })).run_id as string;
    orders = await p.t.db.collection<OrderDocument>(ORDERS_COLLECTION).find({ run_id: runId }).toArray();
  }, 60_000);
  afterAll(async () => {
    await p?.stop();
    if (p) await dropQueueKeys(p.prefix);
  });

  it('when blocks are read, then each security and side sums its orders, and every order is in exactly one block', async () => {
    const res = await request(p.app).get(`/api/v1/runs/${runId}/blocks`);
    expect(res.status).toBe(200);
    const blocks = res.body.blocks as { security_id: string; side: string; quantity: number; accounts: number; allocations: number; notional: string; price: string }[];
    expect(blocks.reduce((n, b) => n + b.allocations, 0)).toBe(orders.length);
    for (const b of blocks) {
      const mine = orders.filter((o) => o.security_id === b.security_id && o.transaction_type === b.side);
      expect(b.quantity).toBe(mine.reduce((n, o) => n + o.quantity, 0));
      expect(b.accounts).toBe(new Set(mine.map((o) => o.portfolio_id)).size);
      expect(b.price).toBe(mine[0]!.price);
      // Cents: quantity × price in integer cents (seeded prices have 2 places).
      const cents = mine.reduce((n, o) => n + BigInt(o.quantity) * cents100(o.price), 0n);
      expect(b.notional).toBe(`${cents / 100n}${cents % 100n === 0n ? '' : `.${(cents % 100n).toString().padStart(2, '0').replace(/0$/, '')}`}`);
    }
    const first = blocks[0]!;
    const allocations = await request(p.app).get(`/api/v1/runs/${runId}/blocks/${first.security_id}/${first.side}?limit=1000`);
    expect(allocations.body.total).toBe(first.allocations);
    expect(allocations.body.items.reduce((n: number, o: { quantity: number }) => n + o.quantity, 0)).toBe(first.quantity);
  });

  it('when the orders CSV is downloaded, then it has a header and one row per order with exact amounts', async () => {
    const res = await request(p.app).get(`/api/v1/runs/${runId}/orders.csv`).buffer(true).parse((r, cb) => {
      let text = '';
      r.on('data', (c: Buffer) => (text += c.toString()));
      r.on('end', () => cb(null, text));
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    const lines = (res.body as string).split('\r\n').filter((l) => l.length > 0);
    expect(lines[0]).toBe('order_id,run_id,model_id,portfolio_id,security_id,side,quantity,price,notional,trade_date');
    expect(lines).toHaveLength(orders.length + 1);
    const byId = new Map(orders.map((o) => [o._id, o]));
    for (const line of lines.slice(1)) {
      const [id, , , portfolio, security, side, quantity, price] = line.split(',');
      expect(byId.get(id!)).toMatchObject({ portfolio_id: portfolio, security_id: security, transaction_type: side, quantity: Number(quantity), price });
    }
  });

  it('when the blocks CSV is downloaded, then it has one row per block; an unknown run is a 404', async () => {
    const blocks = (await request(p.app).get(`/api/v1/runs/${runId}/blocks`)).body.blocks as unknown[];
    const res = await request(p.app).get(`/api/v1/runs/${runId}/blocks.csv`);
    expect(res.status).toBe(200);
    expect(res.text.split('\r\n').filter((l) => l.length > 0)).toHaveLength(blocks.length + 1);
    expect((await request(p.app).get('/api/v1/runs/0123456789abcdef01234567/orders.csv')).status).toBe(404);
  });
});

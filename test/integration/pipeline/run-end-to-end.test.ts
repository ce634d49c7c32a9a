import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { ORDERS_COLLECTION } from '../../../src/store/orders-repository.js';
import { RESULTS_COLLECTION, type ResultDocument } from '../../../src/store/results-repository.js';
import { hexId, seedBook, seedHoldings, seedInfeasibleModel, type Book } from './support/book.js';
import { runToCompletion, startPipeline, type Pipeline } from './support/harness.js';

describe('a run through the queue, end to end', () => {
  let p: Pipeline;
  let book: Book;
  let impossibleModel: string;

  beforeAll(async () => {
    p = await startPipeline('e2e');
    book = await seedBook(p.t.db, { models: 4, portfoliosPerModel: 250, positionsPerModel: 20 });
    impossibleModel = await seedInfeasibleModel(p.t.db, [hexId('bad0', 1), hexId('bad0', 2)]);
  }, 60_000);
  afterAll(async () => {
    await p?.stop();
  });

  it('when 1,000 portfolios across 4 models are submitted, then each gets exactly one result and orders match trades one to one', async () => {
    const run = await runToCompletion(p.app, { model_ids: book.modelIds });
    expect(run).toMatchObject({ status: 'completed', total: 1000, processed: 1000, succeeded: 1000, infeasible: 0, failed: 0 });

    const results = await p.t.db.collection<ResultDocument>(RESULTS_COLLECTION).find({ run_id: run.run_id as string }).toArray();
    expect(results).toHaveLength(1000);
    expect(new Set(results.map((r) => `${r.model_id}:${r.portfolio_id}`)).size).toBe(1000);
    expect(new Set(results.map((r) => r.portfolio_id))).toEqual(new Set(book.portfolioIds));

    const orders = await p.t.db.collection(ORDERS_COLLECTION).find({ run_id: run.run_id as string }).toArray();
    const trades = results.flatMap((r) =>
      (JSON.parse(r.positions_json) as { security_id: string; transaction_type: string | null; trade_quantity: number }[])
        .filter((pos) => pos.transaction_type !== null)
        .map((pos) => `${r.portfolio_id}:${pos.security_id}:${pos.transaction_type}:${pos.trade_quantity}`),
    );
    expect(trades.length).toBeGreaterThan(1000);
    expect(orders.map((o) => `${o.portfolio_id}:${o.security_id}:${o.transaction_type}:${o.quantity}`).sort()).toEqual(trades.sort());
    expect(results.reduce((sum, r) => sum + r.trade_count, 0)).toBe(orders.length);
    expect(run.orders).toBe(orders.length);
  }, 120_000);

  it('when the results and orders are paged through the API, then totals and shapes match the run', async () => {
    const run = (await request(p.app).get('/api/v1/runs?limit=1')).body.items[0];
    const page = await request(p.app).get(`/api/v1/runs/${run.run_id}/results?offset=10&limit=5`);
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ total: 1000, offset: 10, limit: 5 });
    expect(page.body.items).toHaveLength(5);
    expect(page.body.items[0]).toMatchObject({ status: 'optimal', reason: null, market_value: expect.any(String) });
    expect(page.body.items[0].positions[0]).toEqual(
      expect.objectContaining({ security_id: expect.any(String), actual_before: expect.any(String), trade_quantity: expect.any(Number) }),
    );
    const one = await request(p.app).get(`/api/v1/runs/${run.run_id}/results?portfolio_id=${book.portfolioIds[7]}`);
    expect(one.status).toBe(200);
    expect(one.body.total).toBe(1);
    expect(one.body.items[0].portfolio_id).toBe(book.portfolioIds[7]);
    const orders = await request(p.app).get(`/api/v1/orders?run_id=${run.run_id}&portfolio_id=${book.portfolioIds[0]}&limit=1000`);
    expect(orders.status).toBe(200);
    expect(orders.body.items.length).toBe(orders.body.total);
    expect(orders.body.items[0]).toMatchObject({ run_id: run.run_id, portfolio_id: book.portfolioIds[0], order_id: expect.stringMatching(/^[0-9a-f]{24}$/) });
  });

  it('when the market data names portfolios and securities, then results and orders carry the names next to the ids', async () => {
    const run = (await request(p.app).get('/api/v1/runs?limit=1')).body.items[0];
    const portfolioId = book.portfolioIds[3]!;
    const name = `Client ${portfolioId.slice(-4)}`;
    const ticker = (securityId: string) => `TK${book.securityIds.indexOf(securityId)}`;
    const result = (await request(p.app).get(`/api/v1/runs/${run.run_id}/results?portfolio_id=${portfolioId}`)).body.items[0];
    expect(result.portfolio_name).toBe(name);
    for (const position of result.positions) expect(position.ticker).toBe(ticker(position.security_id));
    const orders = (await request(p.app).get(`/api/v1/runs/${run.run_id}/orders?limit=50`)).body.items as { portfolio_id: string; portfolio_name: string; security_id: string; ticker: string }[];
    expect(orders.length).toBeGreaterThan(0);
    for (const o of orders) expect(o).toMatchObject({ portfolio_name: `Client ${o.portfolio_id.slice(-4)}`, ticker: ticker(o.security_id) });
    const summary = (await request(p.app).get(`/api/v1/runs/${run.run_id}/summary`)).body;
    expect(summary.top_securities[0].ticker).toBe(ticker(summary.top_securities[0].security_id));
  });

  it('when some portfolios are infeasible or lack a price, then they are reported with reasons while the rest succeed', async () => {
    const priced = book.portfolioIds.slice(0, 3);
    const unpriced = hexId('bad0', 9);
    await seedHoldings(p.t.db, [{ portfolioId: unpriced, cash: '10.00', holdings: [{ securityId: hexId('ee', 7), quantity: 5 }] }]);
    // Through the API, as a portfolio manager would: the submit below must see the new subscription.
    const added = await request(p.app).post(`/api/v1/model/${book.modelIds[0]}/portfolio`).send({ portfolios: [unpriced] });
    expect(added.status).toBe(200);
    const run = await runToCompletion(p.app, { portfolio_ids: [...priced, hexId('bad0', 1), hexId('bad0', 2), unpriced] });
    expect(run).toMatchObject({ status: 'completed_with_errors', total: 6, succeeded: 3, infeasible: 2, failed: 1 });
    const bad = await request(p.app).get(`/api/v1/runs/${run.run_id}/results?status=infeasible`);
    expect(bad.body.total).toBe(2);
    expect(bad.body.items[0].model_id).toBe(impossibleModel);
    expect(bad.body.items[0].reason).toMatch(/.{10,}/);
    const failed = await request(p.app).get(`/api/v1/runs/${run.run_id}/results?status=failed`);
    expect(failed.body.items[0]).toMatchObject({ portfolio_id: unpriced, reason: expect.stringContaining('no price for security') });
  }, 60_000);

  it('when a subscribed portfolio has no uploaded market data, then it fails with NO_MARKET_DATA, never optimal with value 0', async () => {
    const ghost = hexId('bad0', 10);
    const added = await request(p.app).post(`/api/v1/model/${book.modelIds[1]}/portfolio`).send({ portfolios: [ghost] });
    expect(added.status).toBe(200);
    const run = await runToCompletion(p.app, { portfolio_ids: [book.portfolioIds[300]!, ghost] });
    expect(run).toMatchObject({ status: 'completed_with_errors', total: 2, succeeded: 1, failed: 1 });
    const failed = await request(p.app).get(`/api/v1/runs/${run.run_id}/results?status=failed`);
    expect(failed.body.items).toHaveLength(1);
    expect(failed.body.items[0]).toMatchObject({ portfolio_id: ghost, code: 'NO_MARKET_DATA', reason: `no market data for portfolio ${ghost}` });
  }, 60_000);
});

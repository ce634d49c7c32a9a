import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { hexId, seedBook, seedInfeasibleModel, type Book } from '../integration/pipeline/support/book.js';
import { startPipeline, type Pipeline } from '../integration/pipeline/support/harness.js';

describe('the GlobeCo v1 rebalance endpoints and stored rebalances', () => {
  let p: Pipeline;
  let book: Book;
  let impossible: string;

  beforeAll(async () => {
    p = await startPipeline('v1rebal');
    book = await seedBook(p.t.db, { models: 2, portfoliosPerModel: 5, positionsPerModel: 8, seed: 11 });
    impossible = await seedInfeasibleModel(p.t.db, [hexId('bad1', 1)]);
  }, 60_000);
  afterAll(async () => {
    await p?.stop();
  });

  it('when a model is rebalanced, then 200 lists each portfolio with transactions and drifts, and last_rebalance_date is set', async () => {
    const res = await request(p.app).post(`/api/v1/model/${book.modelIds[0]}/rebalance`);
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(5);
    const first = res.body[0];
    expect(first).toEqual({ portfolio_id: expect.any(String), rebalance_id: expect.stringMatching(/^[0-9a-f]{24}$/), transactions: expect.any(Array), drifts: expect.any(Array) });
    expect(first.drifts).toHaveLength(8);
    expect(first.drifts[0]).toEqual({
      security_id: expect.any(String),
      original_quantity: expect.any(Number),
      adjusted_quantity: expect.any(Number),
      target: expect.any(String),
      high_drift: expect.any(String),
      low_drift: expect.any(String),
      actual: expect.any(String),
    });
    for (const t of first.transactions) expect(['BUY', 'SELL']).toContain(t.transaction_type);
    const model = await request(p.app).get(`/api/v1/model/${book.modelIds[0]}`);
    expect(model.body.last_rebalance_date).not.toBeNull();
  }, 60_000);

  it('when a single infeasible portfolio is rebalanced, then 422 names the reason', async () => {
    const res = await request(p.app).post(`/api/v1/portfolio/${hexId('bad1', 1)}/rebalance`);
    expect(res.status).toBe(422);
    expect(res.body.detail).toContain(hexId('bad1', 1));
  }, 60_000);

  it('when the model or portfolio does not exist, then 404; a malformed id is 400', async () => {
    expect((await request(p.app).post(`/api/v1/model/${hexId('dead', 1)}/rebalance`)).status).toBe(404);
    expect((await request(p.app).post(`/api/v1/portfolio/${hexId('dead', 2)}/rebalance`)).status).toBe(404);
    expect((await request(p.app).post('/api/v1/model/xyz/rebalance')).status).toBe(400);
    expect(impossible).toMatch(/^[0-9a-f]{24}$/);
  });

  it('when stored rebalances are read, then header, paged portfolios, positions and the portfolio search agree', async () => {
    const list = await request(p.app).get('/api/v1/rebalances?limit=100');
    expect(list.status).toBe(200);
    const rebalance = list.body.find((r: { model_id: string }) => r.model_id === book.modelIds[0]);
    expect(rebalance).toMatchObject({ model_name: 'model 0', number_of_portfolios: 5, version: 1 });
    expect(rebalance.portfolios).toHaveLength(5);
    const portfolio = rebalance.portfolios[0];
    expect(typeof portfolio.market_value).toBe('number');
    expect(typeof portfolio.cash_after_rebalance).toBe('number');
    expect(typeof portfolio.positions[0].price).toBe('number');

    const one = await request(p.app).get(`/api/v1/rebalance/${rebalance.rebalance_id}?portfolio_limit=2`);
    expect(one.body.portfolios).toHaveLength(2);
    expect(one.body.number_of_portfolios).toBe(5);
    const page = await request(p.app).get(`/api/v1/rebalance/${rebalance.rebalance_id}/portfolios?offset=4&limit=10`);
    expect(page.body).toHaveLength(1);
    const positions = await request(p.app).get(`/api/v1/rebalance/${rebalance.rebalance_id}/portfolio/${portfolio.portfolio_id}/positions`);
    expect(positions.body).toEqual(portfolio.positions);
    const search = await request(p.app).post('/api/v1/rebalances/portfolios').send({ portfolios: [portfolio.portfolio_id] });
    expect(search.status).toBe(200);
    expect(search.body.map((r: { rebalance_id: string }) => r.rebalance_id)).toContain(rebalance.rebalance_id);
    expect(search.body[0].portfolios).toHaveLength(1);
  });

  it('when a stored rebalance is deleted with a stale version, then 409; with the current one, 204 and then 404', async () => {
    const [rebalance] = (await request(p.app).get('/api/v1/rebalances?limit=1')).body;
    expect((await request(p.app).delete(`/api/v1/rebalance/${rebalance.rebalance_id}?version=2`)).status).toBe(409);
    expect((await request(p.app).delete(`/api/v1/rebalance/${rebalance.rebalance_id}?version=1`)).status).toBe(204);
    expect((await request(p.app).get(`/api/v1/rebalance/${rebalance.rebalance_id}`)).status).toBe(404);
  });
});

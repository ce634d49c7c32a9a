import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { ORDERS_COLLECTION, type OrderDocument } from '../../../src/store/orders-repository.js';
import { RESULTS_COLLECTION, type ResultDocument } from '../../../src/store/results-repository.js';
import { ModelsRepository } from '../../../src/store/models-repository.js';
import { seedBook, seedHoldings, type Book } from '../pipeline/support/book.js';
import { runToCompletion, startPipeline, type Pipeline } from '../pipeline/support/harness.js';
import { dropQueueKeys } from './support/sending.js';

const PORTFOLIOS = 12;

describe('proposals: approve once, reject, refuse when stale', () => {
  let p: Pipeline;
  let book: Book;
  const portfoliosOf = (m: number) => book.portfolioIds.slice(m * PORTFOLIOS, (m + 1) * PORTFOLIOS);
  const propose = (m: number) => runToCompletion(p.app, { model_ids: [book.modelIds[m]], mode: 'propose' });
  const ordersOf = (runId: string) => p.t.db.collection<OrderDocument>(ORDERS_COLLECTION).find({ run_id: runId }).toArray();

  /** `portfolio:security:side:quantity` of every trade in the run's optimal results. */
  async function tradesOf(runId: string, portfolios: ReadonlySet<string>): Promise<string[]> {
    const results = await p.t.db.collection<ResultDocument>(RESULTS_COLLECTION).find({ run_id: runId, status: 'optimal' }).toArray();
    return results
      .filter((r) => portfolios.has(r.portfolio_id))
      .flatMap((r) =>
        (JSON.parse(r.positions_json) as { security_id: string; transaction_type: string | null; trade_quantity: number }[])
          .filter((x) => x.transaction_type !== null)
          .map((x) => `${r.portfolio_id}:${x.security_id}:${x.transaction_type}:${x.trade_quantity}`),
      )
      .sort();
  }

  beforeAll(async () => {
    p = await startPipeline('proposals');
    book = await seedBook(p.t.db, { models: 5, portfoliosPerModel: PORTFOLIOS, positionsPerModel: 5 });
  }, 60_000);
  afterAll(async () => {
    await p?.stop();
    if (p) await dropQueueKeys(p.prefix);
  });

  it('when a proposal runs, then it has results with trades but no orders', async () => {
    const run = await propose(0);
    expect(run).toMatchObject({ status: 'completed', mode: 'propose', total: PORTFOLIOS, succeeded: PORTFOLIOS });
    expect((await tradesOf(run.run_id as string, new Set(portfoliosOf(0)))).length).toBeGreaterThan(0);
    expect(await ordersOf(run.run_id as string)).toHaveLength(0);
  }, 60_000);

  it('when two approvals race, then one writes the approved orders once and the other is a 409', async () => {
    const run = await propose(1);
    const runId = run.run_id as string;
    const excluded = portfoliosOf(1).slice(0, 3);
    const [a, b] = await Promise.all([
      request(p.app).post(`/api/v1/runs/${runId}/approve`).send({ exclude: excluded }),
      request(p.app).post(`/api/v1/runs/${runId}/approve`).send({}),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const won = a.status === 200 ? a : b;
    const approved = new Set(won.body.exclude.length > 0 ? portfoliosOf(1).slice(3) : portfoliosOf(1));
    expect(won.body).toMatchObject({ run_id: runId, decision: 'approved', decided_by: 'anonymous', orders_written_at: expect.any(String) });
    expect((a.status === 409 ? a : b).body.detail).toContain('already approved');
    const orders = await ordersOf(runId);
    expect(orders.map((o) => `${o.portfolio_id}:${o.security_id}:${o.transaction_type}:${o.quantity}`).sort()).toEqual(await tradesOf(runId, approved));
    expect(won.body.order_count).toBe(orders.length);
    const again = await request(p.app).post(`/api/v1/runs/${runId}/approve`).send({});
    expect(again.status).toBe(409);
    expect(await ordersOf(runId)).toHaveLength(orders.length);
    expect((await request(p.app).get(`/api/v1/runs/${runId}/decision`)).body.decision).toBe('approved');
  }, 60_000);

  it('when an include list is approved, then only those portfolios get orders; unknown portfolios are a 400', async () => {
    const run = await propose(2);
    const runId = run.run_id as string;
    const unknown = await request(p.app).post(`/api/v1/runs/${runId}/approve`).send({ include: ['not-in-run'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.detail).toContain('not-in-run');
    const include = portfoliosOf(2).slice(0, 4);
    const res = await request(p.app).post(`/api/v1/runs/${runId}/approve`).send({ include, exclude: [include[0]] });
    expect(res.status).toBe(200);
    const orders = await ordersOf(runId);
    expect(new Set(orders.map((o) => o.portfolio_id))).toEqual(new Set(include.slice(1)));
  }, 60_000);

  it('when a proposal is rejected, then it cannot be approved and has no orders; an execute run cannot be decided', async () => {
    const run = await propose(3);
    const runId = run.run_id as string;
    expect((await request(p.app).post(`/api/v1/runs/${runId}/reject`)).body).toMatchObject({ decision: 'rejected' });
    const late = await request(p.app).post(`/api/v1/runs/${runId}/approve`).send({});
    expect(late.status).toBe(409);
    expect(late.body.detail).toContain('already rejected');
    expect(await ordersOf(runId)).toHaveLength(0);
    const executed = await runToCompletion(p.app, { model_ids: [book.modelIds[3]] });
    const res = await request(p.app).post(`/api/v1/runs/${executed.run_id as string}/approve`).send({});
    expect(res.status).toBe(409);
    expect(res.body.detail).toContain('execute mode');
  }, 60_000);

  it('when the model or the holdings changed since the run, then approval is a 409 saying what changed', async () => {
    const run = await propose(4);
    const runId = run.run_id as string;
    const models = new ModelsRepository(p.t.db);
    const model = await models.get(book.modelIds[4]!);
    await seedHoldings(p.t.db, [{ portfolioId: portfoliosOf(4)[5]!, cash: '1000.00', holdings: [] }]);
    const held = await request(p.app).post(`/api/v1/runs/${runId}/approve`).send({});
    expect(held.status).toBe(409);
    expect(held.body.detail).toContain(`holdings of 1 approved portfolio(s) changed since the run (${portfoliosOf(4)[5]})`);
    const without = await request(p.app).post(`/api/v1/runs/${runId}/approve`).send({ exclude: [portfoliosOf(4)[5]] });
    expect(without.status).toBe(200);

    const rerun = await propose(4);
    await models.replace(model.modelId, model.version, { name: model.name, positions: model.positions.slice(1), portfolios: model.portfolios });
    const changed = await request(p.app).post(`/api/v1/runs/${rerun.run_id as string}/approve`).send({});
    expect(changed.status).toBe(409);
    expect(changed.body.detail).toContain(`model ${model.name} (${model.modelId}) changed its positions since the run`);
  }, 60_000);

  it('when a re-run of the same models is in progress, then approval is refused until it finishes', async () => {
    const run = await propose(0);
    await p.worker!.worker.pause();
    try {
      const queued = await request(p.app).post('/api/v1/runs').send({ model_ids: [book.modelIds[0]], mode: 'propose' });
      expect(queued.status).toBe(202);
      const res = await request(p.app).post(`/api/v1/runs/${run.run_id as string}/approve`).send({});
      expect(res.status).toBe(409);
      expect(res.body.detail).toContain(`run ${queued.body.run_id} is re-running its models`);
    } finally {
      p.worker!.worker.resume();
    }
  }, 60_000);
});

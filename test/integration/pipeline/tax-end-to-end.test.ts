import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { ORDERS_COLLECTION, type OrderDocument } from '../../../src/store/orders-repository.js';
import { RESULTS_COLLECTION, positionsOf, type ResultDocument } from '../../../src/store/results-repository.js';
import { ModelsRepository } from '../../../src/store/models-repository.js';
import { hexId } from './support/book.js';
import { runToCompletion, startPipeline, waitFinal, type Pipeline } from './support/harness.js';

const A = hexId('a', 1);
const B = hexId('b', 2);
const WITH_LOTS = hexId('f1', 1);
const NO_LOTS = hexId('f1', 2);
const TAX = { enabled: true, short_term_rate: '0.37', long_term_rate: '0.2', as_of: '2026-03-01' };

/**
 * A at $100 is 91 % of the lotted portfolio against a 50 % target: about 4 shares must go. Of
 * its lots, L1 (6 shares bought at $50 in 2020) would realize a long-term gain and L2 (4 shares
 * at $120 this year) a short-term loss, so a tax-aware sell takes L2.
 */
const snapshots = [
  {
    portfolio_id: WITH_LOTS,
    cash: '100',
    holdings: [
      {
        security_id: A,
        quantity: 10,
        lots: [
          { lot_id: 'L1', quantity: 6, unit_cost: '50', acquired: '2020-01-01' },
          { lot_id: 'L2', quantity: 4, unit_cost: '120', acquired: '2026-01-10' },
        ],
      },
    ],
    recent_sales: [{ security_id: B, date: '2025-06-01', quantity: 5, realized_gain: '12.5' }],
  },
  { portfolio_id: NO_LOTS, cash: '100', holdings: [{ security_id: A, quantity: 10 }] },
];

describe('a tax-aware run through the queue, end to end', () => {
  let p: Pipeline;
  let modelId: string;

  const results = (runId: string) => p.t.db.collection<ResultDocument>(RESULTS_COLLECTION).find({ run_id: runId }).sort({ portfolio_id: 1 }).toArray();
  const orders = (runId: string) => p.t.db.collection<OrderDocument>(ORDERS_COLLECTION).find({ run_id: runId }).sort({ portfolio_id: 1, security_id: 1 }).toArray();

  beforeAll(async () => {
    p = await startPipeline('tax-e2e');
    expect((await request(p.app).put('/api/v1/prices').send([{ security_id: A, price: '100' }, { security_id: B, price: '10' }])).status).toBe(200);
    expect((await request(p.app).put('/api/v1/portfolios/holdings').send(snapshots)).status).toBe(200);
    const model = await new ModelsRepository(p.t.db).create({
      name: 'tax model',
      positions: [
        { securityId: A, target: '0.5', lowDrift: '0.05', highDrift: '0.05' },
        { securityId: B, target: '0.45', lowDrift: '0.05', highDrift: '0.05' },
      ],
      portfolios: [WITH_LOTS, NO_LOTS],
    });
    modelId = model.modelId;
  }, 60_000);
  afterAll(async () => {
    await p?.stop();
  });

  it('when a run with tax enabled completes, then the stored result has its lot allocation and tax, and the order its lots', async () => {
    const run = await runToCompletion(p.app, { model_ids: [modelId], options: { tax: TAX } });
    expect(run).toMatchObject({ status: 'completed', succeeded: 2 });
    const [lotted, plain] = await results(run.run_id as string);
    const sell = positionsOf(lotted!).find((pos) => pos.security_id === A)!;
    expect(sell).toMatchObject({ transaction_type: 'SELL', trade_quantity: 4, lots: [{ lot_id: 'L2', quantity: 4, realized_gain: '-80', term: 'short' }] });
    expect(lotted!.tax).toEqual({ short_term_gain: '0', short_term_loss: '80', long_term_gain: '0', long_term_loss: '0', estimated_tax: '-29.6' });
    // No lots: the sells carry none, and nothing is realized.
    expect(positionsOf(plain!).some((pos) => pos.lots !== undefined)).toBe(false);
    expect(plain!.tax).toEqual({ short_term_gain: '0', short_term_loss: '0', long_term_gain: '0', long_term_loss: '0', estimated_tax: '0' });

    const stored = await orders(run.run_id as string);
    expect(stored.find((o) => o.portfolio_id === WITH_LOTS && o.security_id === A)).toMatchObject({ transaction_type: 'SELL', quantity: 4, lots: sell.lots });
    expect(stored.filter((o) => o.lots !== undefined)).toHaveLength(1);

    const api = await request(p.app).get(`/api/v1/runs/${run.run_id}/results?portfolio_id=${WITH_LOTS}`);
    expect(api.body.items[0].tax).toEqual(lotted!.tax);
    expect(api.body.items[0].positions.find((pos: { security_id: string }) => pos.security_id === A).lots).toEqual(sell.lots);
    const apiOrders = await request(p.app).get(`/api/v1/orders?run_id=${run.run_id}&portfolio_id=${WITH_LOTS}`);
    expect(apiOrders.body.items.find((o: { security_id: string }) => o.security_id === A).lots).toEqual(sell.lots);
  }, 60_000);

  it('when tax is disabled or absent, then results and orders are exactly those of a run without the feature', async () => {
    const without = await runToCompletion(p.app, { model_ids: [modelId] });
    const disabled = await runToCompletion(p.app, { model_ids: [modelId], options: { tax: { enabled: false } } });
    const shape = (docs: ResultDocument[]) => docs.map(({ _id, run_id: _run, created_at: _at, ...rest }) => rest);
    const [a, b] = [await results(without.run_id as string), await results(disabled.run_id as string)];
    expect(shape(b)).toEqual(shape(a));
    expect(a.some((r) => 'tax' in r || r.positions_json.includes('lots'))).toBe(false);
    const orderShape = (docs: OrderDocument[]) => docs.map(({ _id, run_id: _run, trade_date: _at, ...rest }) => rest);
    const [oa, ob] = [await orders(without.run_id as string), await orders(disabled.run_id as string)];
    expect(orderShape(ob)).toEqual(orderShape(oa));
    expect(oa.some((o) => 'lots' in o)).toBe(false);
    // Without tax the lotted portfolio sells the same 4 shares, just without saying which.
    expect(oa.find((o) => o.portfolio_id === WITH_LOTS && o.security_id === A)).toMatchObject({ transaction_type: 'SELL', quantity: 4 });
  }, 60_000);

  it('when a lot was acquired after as_of, then that portfolio is invalid naming the field, and the others solve', async () => {
    const late = { ...TAX, as_of: '2026-01-05' };
    const run = await runToCompletion(p.app, { model_ids: [modelId], options: { tax: late } });
    expect(run).toMatchObject({ status: 'completed_with_errors', succeeded: 1, failed: 1 });
    const [lotted, plain] = await results(run.run_id as string);
    expect(lotted).toMatchObject({ status: 'invalid', reason: expect.stringContaining('acquired') });
    expect(plain!.status).toBe('optimal');
  }, 60_000);

  it('when a tax-aware proposal is approved, then the orders written carry the same lots', async () => {
    const submitted = await request(p.app).post('/api/v1/runs').send({ model_ids: [modelId], mode: 'propose', options: { tax: TAX } });
    expect(submitted.status).toBe(202);
    await waitFinal(p.app, submitted.body.run_id as string);
    const approved = await request(p.app).post(`/api/v1/runs/${submitted.body.run_id}/approve`).send({});
    expect(approved.status).toBe(200);
    const written = await orders(submitted.body.run_id as string);
    expect(written.find((o) => o.portfolio_id === WITH_LOTS && o.security_id === A)?.lots).toEqual([{ lot_id: 'L2', quantity: 4, realized_gain: '-80', term: 'short' }]);
  }, 60_000);
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { startOrderServiceStandIn, type OrderServiceStandIn } from '../../support/order-service/stand-in.js';
import { seedBook, type Book } from '../pipeline/support/book.js';
import { runToCompletion, startPipeline, type Pipeline } from '../pipeline/support/harness.js';
import { deliveryOf, dropQueueKeys, waitSent } from './support/sending.js';

const PORTFOLIOS = 15;

describe('sending orders to the Order Service exactly once, through its faults', () => {
  let p: Pipeline;
  let book: Book;
  let standIn: OrderServiceStandIn;
  let next = 0;
  const portfoliosOf = (m: number) => new Set(book.portfolioIds.slice(m * PORTFOLIOS, (m + 1) * PORTFOLIOS));

  /** Executes a run on a model of its own, waits until sent, and checks exactly-once delivery. */
  async function executeAndDeliver() {
    const m = next++;
    const run = await runToCompletion(p.app, { model_ids: [book.modelIds[m]] });
    const status = await waitSent(p.app, run.run_id as string);
    const d = await deliveryOf(p.t.db, standIn, run.run_id as string, portfoliosOf(m));
    expect(d.orders.length).toBeGreaterThan(50);
    expect(status.orders).toMatchObject({ total: d.orders.length, pending: 0, in_flight: 0 });
    return { run, status, ...d };
  }

  beforeAll(async () => {
    standIn = await startOrderServiceStandIn();
    p = await startPipeline('sendfaults', { ORDER_SERVICE_URL: standIn.url, SEND_SWEEP_SECONDS: '1', SEND_BATCH_SIZE: '40', ORDER_SERVICE_TIMEOUT_MS: '1000' });
    book = await seedBook(p.t.db, { models: 8, portfoliosPerModel: PORTFOLIOS, positionsPerModel: 8 });
  }, 60_000);
  afterAll(async () => {
    await p?.stop();
    if (p) await dropQueueKeys(p.prefix);
    await standIn?.stop();
  });

  it('when nothing goes wrong, then every order is sent once and the outbox holds the Order Service id of each', async () => {
    const d = await executeAndDeliver();
    expect(d.received).toEqual(d.expected);
    expect(d.results).toHaveLength(d.orders.length);
    expect(d.results.every(([, state, id]) => state === 'sent' && d.receivedIds.has(id!))).toBe(true);
    expect(new Set(d.results.map(([, , id]) => id)).size).toBe(d.orders.length);
    const metrics = await (await fetch(`http://127.0.0.1:${p.worker!.httpPort}/metrics`)).text();
    expect(Number(/^ogs_orders_sent_total\{[^}]*\} (\d+)/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(d.orders.length);
    expect(metrics).toMatch(/^ogs_orders_in_flight\{[^}]*\} 0$/m);
    expect(metrics).toMatch(/^ogs_outbox_oldest_pending_seconds\{[^}]*\} \d/m);
  }, 60_000);

  it('when a response is dropped after the commit, then the batch is reconciled and nothing is sent twice', async () => {
    standIn.faults.dropAfterCommit = 1;
    const d = await executeAndDeliver();
    expect(d.received).toEqual(d.expected);
    expect(d.reconciled).toBeGreaterThan(0);
    expect(d.results.every(([, state]) => state === 'sent')).toBe(true);
  }, 60_000);

  it('when the connection drops before the commit, then reconciliation finds nothing and the batch is sent once', async () => {
    standIn.faults.dropBeforeCommit = 1;
    const d = await executeAndDeliver();
    expect(d.received).toEqual(d.expected);
  }, 60_000);

  it('when the Order Service answers 503 with Retry-After for 2 s, then sending waits and completes once', async () => {
    standIn.faults.unavailableUntil = Date.now() + 2_000;
    standIn.faults.retryAfterSeconds = 1;
    const d = await executeAndDeliver();
    expect(d.received).toEqual(d.expected);
  }, 60_000);

  it('when the Order Service is slower than the timeout, then the unknown outcome is reconciled and nothing is duplicated', async () => {
    standIn.faults.slowMs = 1_500;
    try {
      const d = await executeAndDeliver();
      expect(d.received).toEqual(d.expected);
      expect(d.reconciled).toBeGreaterThan(0);
    } finally {
      standIn.faults.slowMs = 0;
    }
  }, 90_000);

  it('when the Order Service rejects some orders, then they are rejected with its message and the rest are sent', async () => {
    const m = next;
    const victims = [...portfoliosOf(m)].slice(0, 2);
    const securities = book.securityIds;
    standIn.faults.reject = victims.flatMap((pid) => securities.map((s) => `${pid}:${s}`));
    const d = await executeAndDeliver();
    const rejected = d.results.filter(([, state]) => state === 'rejected');
    const victimOrders = d.orders.filter((o) => victims.includes(o.portfolio_id));
    expect(rejected).toHaveLength(victimOrders.length);
    expect(rejected[0]![3]).toContain('may not trade');
    expect(d.received).toEqual(d.expected.filter((k) => !victims.includes(k.split('|')[0]!)));
    expect(d.status.orders).toMatchObject({ rejected: victimOrders.length, sent: d.orders.length - victimOrders.length });
    standIn.faults.reject = [];
  }, 60_000);

  it('when a proposal is approved without some portfolios, then only the approved orders are sent; a rejected one sends nothing', async () => {
    const m = next++;
    const run = await runToCompletion(p.app, { model_ids: [book.modelIds[m]], mode: 'propose' });
    const runId = run.run_id as string;
    const excluded = [...portfoliosOf(m)].slice(0, 5);
    expect((await request(p.app).post(`/api/v1/runs/${runId}/approve`).send({ exclude: excluded })).status).toBe(200);
    await waitSent(p.app, runId);
    const d = await deliveryOf(p.t.db, standIn, runId, portfoliosOf(m));
    expect(d.received).toEqual(d.expected);
    expect(d.received.some((k) => excluded.includes(k.split('|')[0]!))).toBe(false);

    const r = next++;
    const other = await runToCompletion(p.app, { model_ids: [book.modelIds[r]], mode: 'propose' });
    expect((await request(p.app).post(`/api/v1/runs/${other.run_id as string}/reject`)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(standIn.orders.filter((o) => portfoliosOf(r).has(o.portfolio.portfolioId))).toHaveLength(0);
    expect((await request(p.app).get(`/api/v1/runs/${other.run_id as string}/sending`)).body).toMatchObject({ enabled: true, state: 'not_planned' });
  }, 60_000);
});

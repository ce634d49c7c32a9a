import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express from 'express';
import request from 'supertest';
import { Queue, Worker } from 'bullmq';
import { createApiMetrics } from '../../src/observability/api-metrics.js';
import { createWorkerMetrics } from '../../src/observability/worker-metrics.js';
import { metricsHandler } from '../../src/observability/metrics.js';
import { instrumentMarketData } from '../../src/observability/market-data-metrics.js';
import { redisUrl, uniqueQueuePrefix } from '../support/redis.js';

/**
 * The value of one series in Prometheus text, or undefined when it is absent. Labels are
 * compared as a set: prom-client puts default labels first on histograms and last on counters.
 */
function sample(text: string, series: string): number | undefined {
  const key = (s: string) => {
    const m = /^([^{ ]+)(?:\{(.*)\})?$/.exec(s);
    return `${m?.[1]}|${(m?.[2] ?? '').split(',').filter(Boolean).sort().join(',')}`;
  };
  const wanted = key(series);
  for (const line of text.split('\n')) {
    const cut = line.lastIndexOf(' ');
    if (cut > 0 && !line.startsWith('#') && key(line.slice(0, cut)) === wanted) return Number(line.slice(cut + 1));
  }
  return undefined;
}

describe('/metrics', () => {
  const prefix = uniqueQueuePrefix('metrics');
  let queue: Queue;

  beforeAll(async () => {
    queue = new Queue('rebalance', { connection: { url: redisUrl }, prefix });
    // One job that fails, then a backlog in each of the other states.
    const worker = new Worker('rebalance', async () => { throw new Error('boom'); }, { connection: { url: redisUrl }, prefix });
    const failed = new Promise((resolve) => worker.once('failed', resolve));
    await queue.add('chunk', {}, { attempts: 1 });
    await failed;
    await worker.close();
    await queue.addBulk([1, 2, 3].map(() => ({ name: 'chunk', data: {} })));
    await queue.addBulk([1, 2].map(() => ({ name: 'chunk', data: {}, opts: { priority: 10 } })));
    await queue.add('chunk', {}, { delay: 60_000 });
  });

  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
  });

  function apiApp() {
    const metrics = createApiMetrics({ queue });
    const app = express();
    app.use(metrics.httpMiddleware);
    const runs = express.Router();
    runs.get('/runs/:id', (_req, res) => {
      res.json({ ok: true });
    });
    app.use('/api/v1', runs);
    app.get('/metrics', metricsHandler(metrics.registry));
    return { app, metrics };
  }

  it('when the API is scraped, then queue depth by state is read from Redis at scrape time', async () => {
    const { app } = apiApp();
    const first = await request(app).get('/metrics');
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toMatch(/^text\/plain/);
    const series = (state: string) => `ogs_queue_jobs{queue="rebalance",state="${state}",process="api"}`;
    expect(sample(first.text, series('waiting'))).toBe(3);
    expect(sample(first.text, series('prioritized'))).toBe(2);
    expect(sample(first.text, series('delayed'))).toBe(1);
    expect(sample(first.text, series('failed'))).toBe(1);
    expect(sample(first.text, series('active'))).toBe(0);
    await queue.add('chunk', {});
    const second = await request(app).get('/metrics');
    expect(sample(second.text, series('waiting'))).toBe(4);
  });

  it('when requests are served, then durations are labelled by route pattern and status, never by raw URL', async () => {
    const { app } = apiApp();
    await request(app).get('/api/v1/runs/abc123');
    await request(app).get('/api/v1/runs/def456');
    await request(app).get('/no/such/path');
    const text = (await request(app).get('/metrics')).text;
    expect(sample(text, 'ogs_http_request_duration_seconds_count{method="GET",route="/api/v1/runs/:id",status="200",process="api"}')).toBe(2);
    expect(sample(text, 'ogs_http_request_duration_seconds_count{method="GET",route="unmatched",status="404",process="api"}')).toBe(1);
    expect(text).not.toContain('abc123');
    expect(text).toContain('process_cpu_user_seconds_total');
  });

  it('when Redis cannot answer, then the queue series are absent and the scrape still succeeds', async () => {
    const broken = { name: 'rebalance', getJobCounts: () => new Promise<Record<string, number>>(() => undefined) };
    const metrics = createApiMetrics({ queue: broken, queueTimeoutMs: 100 });
    const text = await metrics.registry.metrics();
    expect(text).not.toMatch(/^ogs_queue_jobs\{/m);
    // Series are collected concurrently, so the failure counted in one scrape shows in the next.
    const next = await metrics.registry.metrics();
    expect(sample(next, 'ogs_queue_scrape_errors_total{process="api"}')).toBe(1);
  });

  it('when the worker records chunks, solves, runs and market-data calls, then each series carries the values', async () => {
    const metrics = createWorkerMetrics();
    metrics.recordChunk({ durationMs: 120, outcomes: { optimal: 197, infeasible: 2, timeout: 1 } });
    metrics.recordChunk({ durationMs: 80, outcomes: { optimal: 200 } });
    metrics.recordSolves([{ path: 'fast', solveMs: 0.02 }, { path: 'fast', solveMs: 0.03 }, { path: 'general', solveMs: 40 }]);
    metrics.recordRunFinished('completed_with_errors');
    metrics.recordMarketDataRequest('globeco', 'success');
    metrics.recordMarketDataRequest('globeco', 'error');
    const text = await metrics.registry.metrics();
    const w = 'process="worker"';
    expect(sample(text, `ogs_portfolios_total{outcome="optimal",${w}}`)).toBe(397);
    expect(sample(text, `ogs_portfolios_total{outcome="infeasible",${w}}`)).toBe(2);
    expect(sample(text, `ogs_portfolios_total{outcome="timeout",${w}}`)).toBe(1);
    expect(sample(text, `ogs_portfolios_total{outcome="failed",${w}}`)).toBe(0);
    expect(sample(text, `ogs_chunk_duration_seconds_count{${w}}`)).toBe(2);
    expect(sample(text, `ogs_chunk_duration_seconds_sum{${w}}`)).toBeCloseTo(0.2, 6);
    expect(sample(text, `ogs_solve_duration_seconds_count{path="fast",${w}}`)).toBe(2);
    expect(sample(text, `ogs_solve_duration_seconds_bucket{le="0.05",path="general",${w}}`)).toBe(1);
    expect(sample(text, `ogs_solve_duration_seconds_bucket{le="0.025",path="general",${w}}`)).toBe(0);
    expect(sample(text, `ogs_runs_total{status="completed_with_errors",${w}}`)).toBe(1);
    expect(sample(text, `ogs_market_data_requests_total{source="globeco",outcome="error",${w}}`)).toBe(1);
    expect(text).not.toContain('ogs_queue_jobs');
  });

  it('when a market-data source is instrumented, then each load counts by source and outcome and errors still propagate', async () => {
    const metrics = createWorkerMetrics();
    let fail = false;
    const source = instrumentMarketData(
      {
        name: 'globeco',
        loadPortfolios: async () => new Map(),
        loadPrices: async () => {
          if (fail) throw new Error('pricing service unavailable');
          return new Map([['s1', { price: '10.00' }]]);
        },
      },
      metrics,
    );
    await source.loadPortfolios(['p1']);
    expect((await source.loadPrices(['s1'])).get('s1')?.price).toBe('10.00');
    fail = true;
    await expect(source.loadPrices(['s1'])).rejects.toThrow('pricing service unavailable');
    const text = await metrics.registry.metrics();
    expect(sample(text, 'ogs_market_data_requests_total{source="globeco",outcome="success",process="worker"}')).toBe(2);
    expect(sample(text, 'ogs_market_data_requests_total{source="globeco",outcome="error",process="worker"}')).toBe(1);
  });
});

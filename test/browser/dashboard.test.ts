import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import * as api from '../../src/api/main.js';
import * as worker from '../../src/worker/main.js';
import { createTestDatabase, type TestDatabase } from '../support/mongo.js';
import { redisUrl, uniqueQueuePrefix } from '../support/redis.js';
import { hexId, seedBook, seedInfeasibleModel } from '../integration/pipeline/support/book.js';
import { launchChromium } from './support/chromium.js';
import { PassThrough } from 'node:stream';
import { runCli } from '../../src/cli/run-cli.js';

const ARTIFACTS = new URL('../../artifacts/', import.meta.url);

/** The value of one series in Prometheus text, labels compared as a set. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([^{ ]+)\{(.*)\} (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const found = Object.fromEntries([...m[2]!.matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(m[3]);
  }
  return undefined;
}

/** The real API and a real worker in this process; the dashboard driven in headless Chromium. */
describe('the run view for people, in headless Chromium', () => {
  let t: TestDatabase;
  let browser: Browser;
  let page: Page;
  let base: string;
  let workerPort: number;
  let modelIds: string[];
  let runId = '';
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    t = await createTestDatabase('dashboard');
    const book = await seedBook(t.db, { models: 2, portfoliosPerModel: 30, positionsPerModel: 8 });
    const impossible = await seedInfeasibleModel(t.db, [hexId('bad0', 1), hexId('bad0', 2)]);
    modelIds = [...book.modelIds, impossible];
    const env = { MONGODB_URL: t.url, DATABASE_NAME: t.name, REDIS_URL: redisUrl, QUEUE_PREFIX: uniqueQueuePrefix('dashboard'), LOG_LEVEL: 'warn', CHUNK_SIZE: '10' };
    const running = await api.start({ ...env, PORT: '0' });
    base = `http://127.0.0.1:${running.port}`;
    workerPort = (await worker.start({ ...env, WORKER_HTTP_PORT: '0' })).httpPort;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (msg) => {
      // The page probes the read contract's endpoints (`/runs/{id}/summary`, `/orders`, `status=not_optimal`)
      // and falls back on a server without them; Chromium logs those 404/400 answers as errors.
      if (msg.type() === 'error' && !/Failed to load resource: .* (404|400) /.test(msg.text())) consoleErrors.push(msg.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await worker.stop();
    await api.stop();
    await t?.drop();
  });

  it('when a run is submitted, then the list shows it and its page follows it to completion with the failures', async () => {
    const submitted = await fetch(`${base}/api/v1/runs`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ model_ids: modelIds }) });
    expect(submitted.status).toBe(202);
    const body = (await submitted.json()) as { run_id: string; total: number };
    runId = body.run_id;
    const total = body.total;
    expect(total).toBe(62);

    await page.goto(`${base}/dashboard`);
    expect(new URL(page.url()).pathname).toBe('/dashboard/');
    const row = page.locator(`tr[data-run-id="${runId}"]`);
    await row.waitFor();
    expect(await row.locator('[role=progressbar]').count()).toBe(1);
    await page.screenshot({ path: new URL('dashboard-runs.png', ARTIFACTS).pathname, fullPage: true });

    await row.locator('a').click();
    await page.locator('h1 [data-status="completed_with_errors"]').waitFor({ timeout: 60_000 });
    expect(await page.locator('[data-testid=total] .value').textContent()).toBe('62');
    expect(await page.locator('[data-testid=succeeded] .value').textContent()).toBe('60');
    expect(await page.locator('[data-testid=infeasible] .value').textContent()).toBe('2');
    expect(await page.locator('[data-testid=throughput] .value').textContent()).toMatch(/^\d[\d,]* \/s$/);
    // The tables reload as the header sees the run end; both infeasible portfolios then show.
    await page.locator('[data-testid=failures-status]', { hasText: '1–2 of 2' }).waitFor({ timeout: 10_000 });
    const failures = page.locator('[data-testid=failures] tbody tr');
    expect(await failures.count()).toBe(2);
    expect((await failures.first().locator('td').last().textContent())?.length ?? 0).toBeGreaterThan(10);
    await page.screenshot({ path: new URL('dashboard-run.png', ARTIFACTS).pathname, fullPage: true });
  }, 90_000);

  it('when a portfolio is opened, then its positions and the drift chart are drawn', async () => {
    await page.locator('[data-testid=results] tbody tr:has([data-status="optimal"]) a').first().click();
    const chart = page.locator('svg[data-testid=drift-chart]');
    await chart.waitFor();
    const rows = await page.locator('[data-testid=positions] tbody tr').count();
    expect(rows).toBeGreaterThanOrEqual(8);
    expect(await chart.locator('g.row').count()).toBe(rows);
    expect(await chart.locator('rect.band').count()).toBeGreaterThanOrEqual(8);
    const widths = await chart.locator('rect.after').evaluateAll((els) => els.map((e) => Number(e.getAttribute('width'))));
    expect(widths.some((w) => w > 0)).toBe(true);
    expect(await page.locator('main').textContent()).not.toMatch(/\bnull\b|undefined|NaN/);
    await page.screenshot({ path: new URL('dashboard-portfolio.png', ARTIFACTS).pathname, fullPage: true });
    expect(consoleErrors).toEqual([]);
  }, 30_000);

  it('when the run is over, then the worker and API metrics count what happened', async () => {
    const workerText = await (await fetch(`http://127.0.0.1:${workerPort}/metrics`)).text();
    expect(sample(workerText, 'ogs_portfolios_total', { outcome: 'optimal' })).toBe(60);
    expect(sample(workerText, 'ogs_portfolios_total', { outcome: 'infeasible' })).toBe(2);
    expect(sample(workerText, 'ogs_runs_total', { status: 'completed_with_errors' })).toBe(1);
    expect(sample(workerText, 'ogs_chunk_duration_seconds_count', {})).toBeGreaterThanOrEqual(7);
    expect(sample(workerText, 'ogs_market_data_requests_total', { source: 'snapshot', outcome: 'success' })).toBeGreaterThan(0);
    expect(workerText).not.toContain('ogs_queue_jobs');
    const apiText = await (await fetch(`${base}/metrics`)).text();
    expect(sample(apiText, 'ogs_queue_jobs', { queue: 'rebalance', state: 'waiting' })).toBe(0);
    expect(sample(apiText, 'ogs_http_request_duration_seconds_count', { route: '/api/v1/runs/:run_id', status: '200' })).toBeGreaterThan(0);
  });

  it('when ogs run-status is asked about the run, then it prints counts, orders and the infeasible reasons', async () => {
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (c) => (out += c));
    const code = await runCli(['run-status', runId], { stdin: new PassThrough(), stdout, stderr: new PassThrough(), env: { OGS_API_URL: base } });
    expect(code).toBe(0);
    expect(out).toMatch(/completed_with_errors/);
    expect(out).toMatch(/optimal\s+60/);
    expect(out).toMatch(/orders\s+[1-9]\d*/);
    expect(out).toMatch(/infeasible \(2\), e\.g\.:/);
  });
});

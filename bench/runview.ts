/**
 * Page latency of the run view: `npm run bench:runview -- [--portfolios 20000] [--workers 2] [--extra-orders 0]
 * [--pages 20] [--no-build]` (`--no-build`: use `dist/` as it is).
 *
 * Starts what the demo starts (Redis and FerretDB if missing, the API and workers from `dist/`,
 * a database and queue prefix of its own), seeds the demo book through the API, submits one run
 * for every portfolio and drives the real run view in headless Chromium while it runs and after.
 * Prints:
 * - how far the page's header lags behind the run's progress: every 200 ms the benchmark reads the
 *   run from the API (the workers' counts as polls see them) and the header from the page; a header
 *   showing N processed while the API has had more than N for t ms lags t ms;
 * - p50 / p95 / max of each kind of request the page made (header, summary, results page,
 *   not-optimal page, orders page), as Chromium timed them, during the run and after it (after:
 *   the page reloaded and paged forward through the results and orders tables);
 * - with `--extra-orders N`: N orders bulk-inserted first into the orders collection under other
 *   runs (seeded, not produced by a run), so the orders pages are read against a large collection.
 * Removes its database and Redis keys at the end.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import type { Page, Request } from 'playwright-core';
import { apiCall, type ApiTarget, type RunJson } from '../src/cli/runs-client.js';
import { orderId } from '../src/store/orders-repository.js';
import { removeFootprint, type DemoFootprint } from '../scripts/demo/cleanup.js';
import { ensureFerretDb, ensureRedis, freePort, root, stopAll, type Started } from '../scripts/demo/processes.js';
import { generateBook, uploadBook } from '../scripts/demo/seed.js';
import { startApiAndWorkers } from '../scripts/demo/services.js';
import { latencyReport, requestKind } from '../scripts/demo/watch-run-view.js';
import { launchChromium } from '../test/browser/support/chromium.js';

const { values } = parseArgs({
  options: {
    portfolios: { type: 'string', default: '20000' },
    workers: { type: 'string', default: '2' },
    'extra-orders': { type: 'string', default: '0' },
    pages: { type: 'string', default: '20' },
    'no-build': { type: 'boolean', default: false },
  },
});
const portfolios = Math.min(200_000, Math.max(100, Number(values.portfolios)));
const workers = Math.min(8, Math.max(1, Number(values.workers)));
const extraOrders = Math.min(10_000_000, Math.max(0, Number(values['extra-orders'])));
const pagesAfter = Math.min(200, Math.max(1, Number(values.pages)));
const say = (text: string) => process.stderr.write(`${text}\n`);
const FINAL = ['completed', 'completed_with_errors', 'failed', 'cancelled'];
const SAMPLE_MS = 200;

/** Orders of made-up runs, inserted in bulk so the orders collection is large. */
async function seedExtraOrders(own: DemoFootprint, count: number): Promise<void> {
  const client = new MongoClient(own.mongoUrl);
  try {
    const orders = client.db(own.databaseName).collection('orders');
    const t0 = Date.now();
    for (let i = 0; i < count; i += 10_000) {
      const batch = Array.from({ length: Math.min(10_000, count - i) }, (_, k) => {
        const n = i + k;
        const [run, portfolio, security] = [`seeded-${Math.floor(n / 1_000_000)}`, `p${Math.floor(n / 10)}`, `s${n % 10}`];
        return { _id: orderId(run, 'm', portfolio, security), run_id: run, model_id: 'm', portfolio_id: portfolio, security_id: security, transaction_type: 'BUY', quantity: 1, price: '1', trade_date: new Date() };
      });
      await orders.insertMany(batch as never[], { ordered: false });
      if ((i / 10_000) % 50 === 0) say(`  seeded ${(i + batch.length).toLocaleString('en-US')} orders (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    }
    const seconds = (Date.now() - t0) / 1000;
    say(`Seeded ${count.toLocaleString('en-US')} orders in ${seconds.toFixed(1)} s (${Math.round(count / seconds).toLocaleString('en-US')} orders/s)`);
  } finally {
    await client.close();
  }
}

/** What the API says, and what the page shows, over time. */
interface Sample {
  at: number;
  processed: number;
}

async function headerValue(page: Page): Promise<number | null> {
  const text = await page.locator('[data-testid=processed] .value').textContent({ timeout: 1000 }).catch(() => null);
  const n = Number(text?.replace(/,/g, '') ?? NaN);
  return Number.isFinite(n) ? n : null;
}

/** For each page sample: how long the API had already had more processed than the page showed. */
export function headerLags(truth: readonly Sample[], shown: readonly Sample[]): number[] {
  return shown.map((s) => {
    const ahead = truth.find((t) => t.processed > s.processed && t.at <= s.at);
    return ahead ? s.at - ahead.at : 0;
  });
}

function quantiles(values: number[]): string {
  const s = [...values].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)] ?? 0;
  return `n=${s.length} p50=${Math.round(q(0.5))} ms, p95=${Math.round(q(0.95))} ms, max=${Math.round(q(1))} ms`;
}

async function pageForward(page: Page, table: string, times: number): Promise<void> {
  for (let i = 0; i < times; i += 1) {
    const next = page.locator(`[data-testid=${table}] + .pager button`, { hasText: 'Next' });
    if (await next.isDisabled()) return;
    await next.click();
    await page.locator(`[data-testid=${table}-status]`, { hasText: /^\d/ }).waitFor({ timeout: 60_000 });
  }
}

async function measure(target: ApiTarget, runId: string): Promise<string> {
  const browser = await launchChromium();
  const during = new Map<string, number[]>();
  const after = new Map<string, number[]>();
  let finishedAt = Infinity;
  const truth: Sample[] = [];
  const shown: Sample[] = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    page.on('requestfinished', (request: Request) => {
      const kind = requestKind(request.url());
      const t = request.timing();
      if (!kind || t.responseEnd <= 0) return;
      const into = t.startTime >= finishedAt ? after : during;
      into.set(kind, [...(into.get(kind) ?? []), t.responseEnd]);
    });
    await page.goto(`${target.url}/dashboard/#/runs/${runId}`);
    for (;;) {
      const run = await apiCall<RunJson>(target, 'GET', `/api/v1/runs/${runId}`);
      truth.push({ at: Date.now(), processed: run.processed });
      const value = await headerValue(page);
      if (value !== null) shown.push({ at: Date.now(), processed: value });
      if (FINAL.includes(run.status)) break;
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
    }
    finishedAt = Date.now();
    say(`Run finished; reloading the page and paging forward ${pagesAfter} times per table…`);
    for (let i = 0; i < 5; i += 1) {
      await page.reload();
      await page.locator('[data-testid=orders-status]', { hasText: /^\d/ }).waitFor({ timeout: 60_000 });
    }
    await pageForward(page, 'results', pagesAfter);
    await pageForward(page, 'failures', pagesAfter);
    await pageForward(page, 'orders', pagesAfter);
  } finally {
    await browser.close();
  }
  const lags = headerLags(truth, shown.filter((s) => s.at < finishedAt));
  return [
    `Header lag behind the API's run counts during the run (sampled every ${SAMPLE_MS} ms): ${quantiles(lags)}`,
    `During the run — ${latencyReport(during)}`,
    `After the run — ${latencyReport(after)}`,
  ].join('\n');
}

async function main(): Promise<void> {
  const infrastructure: Started[] = [];
  const services: Started[] = [];
  const redisUrl = await ensureRedis(infrastructure, process.env.REDIS_URL);
  const mongoUrl = await ensureFerretDb(infrastructure);
  const tag = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const own: DemoFootprint = { mongoUrl, redisUrl, databaseName: `ogs_bench_${tag}`, queuePrefix: `ogs-bench-${tag}` };
  const cleanUp = async () => {
    await stopAll(services);
    await removeFootprint(own, say);
    await stopAll(infrastructure);
  };
  process.once('SIGINT', () => void cleanUp().finally(() => process.exit(130)));
  try {
    if (!values['no-build']) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    const target = await startApiAndWorkers(own, { port: await freePort(), workers, env: { API_RATE_LIMIT_PER_SECOND: '1000', API_RATE_LIMIT_BURST: '1000' } }, services);
    if (extraOrders > 0) {
      say(`Seeding ${extraOrders.toLocaleString('en-US')} orders of other runs in bulk…`);
      await seedExtraOrders(own, extraOrders);
    }
    const book = generateBook({ securities: 400, models: 5, portfolios, infeasible: Math.min(5, portfolios) });
    const t0 = Date.now();
    await uploadBook(book, (method, path, body) => apiCall(target, method, path, body), () => undefined);
    say(`Seeded ${portfolios.toLocaleString('en-US')} portfolios in ${((Date.now() - t0) / 1000).toFixed(1)} s; running with ${workers} workers…`);
    const run = await apiCall<RunJson>(target, 'POST', '/api/v1/runs', { all: true });
    const report = await measure(target, run.run_id);
    const final = await apiCall<RunJson>(target, 'GET', `/api/v1/runs/${run.run_id}`);
    process.stdout.write(
      `bench:runview — ${final.total.toLocaleString('en-US')} portfolios, ${workers} workers, ${(final.orders ?? 0).toLocaleString('en-US')} orders in the run` +
        `${extraOrders > 0 ? ` (+ ${extraOrders.toLocaleString('en-US')} seeded orders of other runs in the collection)` : ''}; ` +
        `run ${final.status} in ${((final.elapsed_ms ?? 0) / 1000).toFixed(1)} s\n${report}\n`,
    );
  } finally {
    await cleanUp();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});

/**
 * `npm run demo -- --screenshots`: drives the real run view in headless Chromium while the demo
 * run progresses. Saves `artifacts/demo-run-view-mid-run.png` and `artifacts/demo-run-view-finished.png`,
 * pages forward through the portfolio and order tables when the run is over, and reports how
 * long each kind of request the page made took (p50 / p95 / max, as the browser timed them).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page, type Request } from 'playwright-core';
import { root } from './processes.js';

const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = join(root, 'artifacts');

/** What a request of the page was for, from its path. */
export function requestKind(url: string): string | undefined {
  const { pathname, searchParams } = new URL(url);
  if (/\/api\/v1\/runs\/[^/]+$/.test(pathname)) return 'run header';
  if (pathname.endsWith('/summary')) return 'summary';
  if (pathname.endsWith('/results')) return searchParams.has('status') ? 'not optimal page' : 'results page';
  if (pathname.endsWith('/orders')) return 'orders page';
  return undefined;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
}

/** One line per request kind: count, p50, p95, max in ms. */
export function latencyReport(samples: Map<string, number[]>): string {
  const lines = ['Run view requests, as timed by Chromium (ms):', '  kind               count    p50    p95    max'];
  for (const [kind, values] of [...samples.entries()].sort()) {
    const s = [...values].sort((a, b) => a - b);
    lines.push(`  ${kind.padEnd(18)} ${String(s.length).padStart(5)} ${[0.5, 0.95, 1].map((q) => String(Math.round(quantile(s, q))).padStart(6)).join(' ')}`);
  }
  return `${lines.join('\n')}\n`;
}

async function processed(page: Page): Promise<number> {
  const text = await page.locator('[data-testid=processed] .value').textContent({ timeout: 1000 }).catch(() => null);
  return Number(text?.replace(/,/g, '') ?? NaN);
}

/** How long one page may take before the watcher gives up on paging that table. */
const PAGE_WAIT_MS = 60_000;

/** Clicks Next up to `times`; returns a note when a page did not arrive in time. */
async function pageForward(page: Page, table: string, times: number): Promise<string> {
  for (let i = 0; i < times; i += 1) {
    const next = page.locator(`[data-testid=${table}] + .pager button`, { hasText: 'Next' });
    if (await next.isDisabled()) return '';
    await next.click();
    try {
      await page.locator(`[data-testid=${table}-status]`, { hasText: /^\d/ }).waitFor({ timeout: PAGE_WAIT_MS });
    } catch {
      return `  ${table} page ${i + 2} did not arrive within ${PAGE_WAIT_MS / 1000} s (not in the figures above)\n`;
    }
  }
  return '';
}

/** Watches the run view of `runId` until `done` resolves; returns the latency report. */
export async function watchRunView(baseUrl: string, runId: string, total: number, done: Promise<unknown>): Promise<string> {
  if (!existsSync(CHROMIUM)) return `No screenshots: ${CHROMIUM} is missing (apt-get install -y chromium).\n`;
  mkdirSync(ARTIFACTS, { recursive: true });
  const samples = new Map<string, number[]>();
  let notes = '';
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    page.on('requestfinished', (request: Request) => {
      const kind = requestKind(request.url());
      const t = request.timing();
      if (kind && t.responseEnd > 0) samples.set(kind, [...(samples.get(kind) ?? []), t.responseEnd]);
    });
    await page.goto(`${baseUrl}/dashboard/#/runs/${runId}`);
    let finished = false;
    void done.finally(() => (finished = true));
    while (!finished && !((await processed(page)) >= total * 0.4)) await page.waitForTimeout(250);
    await page.screenshot({ path: join(ARTIFACTS, 'demo-run-view-mid-run.png'), fullPage: true });
    await done;
    // Let the final header, pictures and table reloads land.
    await page.locator('h1 [data-status^="completed"], h1 [data-status="failed"], h1 [data-status="cancelled"]').waitFor({ timeout: 60_000 });
    await page.waitForTimeout(6000);
    await page.screenshot({ path: join(ARTIFACTS, 'demo-run-view-finished.png'), fullPage: true });
    notes += await pageForward(page, 'results', 3);
    notes += await pageForward(page, 'orders', 3);
  } finally {
    await browser.close();
  }
  return `Screenshots: ${join(ARTIFACTS, 'demo-run-view-mid-run.png')}, ${join(ARTIFACTS, 'demo-run-view-finished.png')}\n${latencyReport(samples)}${notes}`;
}

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Browser, Page } from 'playwright-core';
import { createDashboardRouter } from '../../src/api/dashboard/dashboard-router.js';
import { securityHeaders } from '../../src/api/http/security-headers.js';
import { launchChromium } from './support/chromium.js';
import { runsApiStub, type RunsStubOptions } from './support/runs-api-stub.js';

const ARTIFACTS = new URL('../../artifacts/', import.meta.url);
const HOST = 'ogs.test';

/** Waits until the header shows at least `n` processed (polled from here: the page's CSP forbids eval). */
async function processedAtLeast(page: Page, n: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await page.locator('[data-testid=processed] .value').textContent();
    if (Number(text?.replace(/,/g, '')) >= n) return;
    if (Date.now() > deadline) throw new Error(`processed stayed at ${text}, expected ≥ ${n} within ${timeoutMs} ms`);
    await page.waitForTimeout(100);
  }
}

/** The run view in Chromium against the read contract (stubbed), through a non-loopback name. */
describe('the run view against the read contract', () => {
  let browser: Browser;
  const servers: Server[] = [];

  async function serve(options: RunsStubOptions): Promise<string> {
    const app = express();
    app.use(securityHeaders());
    app.use(runsApiStub(options));
    app.use(createDashboardRouter());
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    servers.push(server);
    return `http://${HOST}:${(server.address() as AddressInfo).port}`;
  }

  async function submit(base: string): Promise<string> {
    const res = await fetch(base.replace(HOST, '127.0.0.1') + '/api/v1/runs', { method: 'POST' });
    return ((await res.json()) as { run_id: string }).run_id;
  }

  async function open(base: string, runId: string): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}/dashboard/#/runs/${runId}`);
    return { page, errors };
  }

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchChromium([`--host-resolver-rules=MAP ${HOST} 127.0.0.1`]);
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    for (const s of servers) {
      s.closeAllConnections();
      s.close();
    }
  });

  it('when table pages are slow, then the header keeps updating and the tables say they are loading', async () => {
    const base = await serve({ total: 400, step: 10, pageDelayMs: 4000 });
    const { page, errors } = await open(base, await submit(base));
    const processed = page.locator('[data-testid=processed] .value');
    await processed.waitFor();
    expect(await page.locator('[data-testid=results-status]').textContent()).toBe('loading…');
    const first = Number((await processed.textContent())!.replace(/,/g, ''));
    await processedAtLeast(page, first + 20, 3500);
    expect(await page.locator('[data-testid=results-status]').textContent()).toBe('loading…');
    await page.locator('[data-testid=results] tbody tr[data-portfolio]').first().waitFor({ timeout: 10_000 });
    expect(errors).toEqual([]);
    await page.close();
  }, 30_000);

  it('when the API gives next cursors, then the tables page with after= and the non-optimal list is complete', async () => {
    const requests: string[] = [];
    const base = await serve({ total: 1000, step: 1000, requests });
    const { page, errors } = await open(base, await submit(base));
    page.setDefaultTimeout(15_000);
    await page.locator('h1 [data-status="completed_with_errors"]').waitFor();
    await page.locator('[data-testid=results-status]', { hasText: '1–25 of 1,000' }).waitFor();
    await page.locator('[data-testid=results] + .pager button', { hasText: 'Next' }).click();
    await page.locator('[data-testid=results-status]', { hasText: '26–50 of 1,000' }).waitFor();
    // Table rows are asked without positions (a portfolio's page reads its full result).
    expect(requests.some((r) => /\/results\?after=[^&]+&limit=25&positions=omit$/.test(r))).toBe(true);
    // Portfolio 7 and every 97th after 12: 11 infeasible of 1,000, all listed under "not optimal".
    await page.locator('[data-testid=failures-status]', { hasText: '1–11 of 11' }).waitFor();
    expect(await page.locator('[data-testid=failures] tbody tr').count()).toBe(11);
    expect(requests.some((r) => r.includes('status=not_optimal'))).toBe(true);
    await page.locator('[data-testid=orders-status]', { hasText: /1–25 of [\d,]+/ }).waitFor();
    expect(requests.some((r) => /\/runs\/run1\/orders\?/.test(r))).toBe(true);
    // Row 26 (portfolio 25) belongs to the second model: its name shows, its id on hover.
    expect(await page.locator('[data-testid=results] tbody tr').first().locator('td').nth(1).textContent()).toBe('Income 60/40');
    expect(await page.locator('[data-testid=results] [data-model-id]').first().getAttribute('title')).toBe('model model00000000000000000002');
    expect(errors).toEqual([]);
    await page.close();
  }, 30_000);

  it('when the run is tax-aware, then the tax columns show, and the portfolio page has the tax panel and the lots sold; otherwise they are hidden', async () => {
    const base = await serve({ total: 12, step: 12, tax: true });
    const { page, errors } = await open(base, await submit(base));
    page.setDefaultTimeout(15_000);
    await page.locator('h1 [data-status="completed_with_errors"]').waitFor();
    await page.locator('[data-testid=results] th.tax-col', { hasText: 'Est. tax' }).waitFor({ state: 'visible' });
    await page.locator('[data-testid=results] td.tax-col', { hasText: '-3.66' }).first().waitFor({ state: 'visible' });
    await page.locator('[data-testid=orders] td.tax-col', { hasText: 'LT-1' }).first().waitFor({ state: 'visible' });
    expect(await page.locator('[data-testid=orders] td.tax-col', { hasText: 'LT-1' }).first().textContent()).toMatch(/^LT-1 ×\d+ \(-40\.50 long\)\nST-9 ×2 \(12\.00 short\)$/);
    await page.locator('[data-testid=results] tbody tr').first().locator('a').first().click();
    await page.locator('[data-testid=tax] [data-testid=estimated_tax] .value', { hasText: '-3.66' }).waitFor();
    expect(await page.locator('[data-testid=lots] tbody tr').count()).toBeGreaterThanOrEqual(2);
    await page.screenshot({ path: new URL('run-view-tax-portfolio.png', ARTIFACTS).pathname });
    await page.close();

    const plainBase = await serve({ total: 12, step: 12 });
    const plain = await open(plainBase, await submit(plainBase));
    plain.page.setDefaultTimeout(15_000);
    await plain.page.locator('h1 [data-status="completed_with_errors"]').waitFor();
    await plain.page.locator('[data-testid=results-status]', { hasText: '1–12 of 12' }).waitFor();
    expect(await plain.page.locator('[data-testid=results] th.tax-col').isVisible()).toBe(false);
    expect(await plain.page.locator('[data-testid=orders] td.tax-col').first().isVisible()).toBe(false);
    await plain.page.locator('[data-testid=results] tbody tr').first().locator('a').first().click();
    await plain.page.locator('[data-testid=positions]').waitFor();
    expect(await plain.page.locator('[data-testid=tax]').count()).toBe(0);
    expect(await plain.page.locator('[data-testid=lots]').count()).toBe(0);
    expect([...errors, ...plain.errors]).toEqual([]);
    await plain.page.close();
  }, 60_000);

  it('when the run moves, then the charts draw from the summary with a legend for every colour; mid-run and finished screenshots', async () => {
    const base = await serve({ total: 3000, step: 150 });
    const { page, errors } = await open(base, await submit(base));
    await page.locator('svg[data-testid=breach-chart] rect.bar').first().waitFor({ state: 'attached' });
    for (const chart of ['breach-chart', 'turnover-chart', 'flow-chart', 'top-chart']) {
      expect(await page.locator(`svg[data-testid=${chart}]`).count()).toBe(1);
    }
    await page.locator('[data-testid=sending-body] .progress').waitFor();
    expect(await page.locator('[data-testid=sending-body]').textContent()).toMatch(/sending: [\d,]+ of [\d,]+ orders acknowledged in 2 batches/);
    for (const legend of ['progress-legend', 'breach-legend', 'turnover-legend', 'flow-legend', 'top-legend', 'sending-legend']) {
      expect(await page.locator(`[data-testid=${legend}] .swatch`).count()).toBeGreaterThan(0);
    }
    await processedAtLeast(page, 900, 30_000);
    await page.screenshot({ path: new URL('run-view-mid-run.png', ARTIFACTS).pathname, fullPage: true });
    await page.locator('h1 [data-status="completed_with_errors"]').waitFor({ timeout: 40_000 });
    await page.waitForTimeout(2500);
    const afterBars = await page.locator('svg[data-testid=breach-chart] rect.bar.after').evaluateAll((els) => els.map((e) => Number(e.getAttribute('height'))));
    expect(afterBars.some((h) => h > 0)).toBe(true);
    await page.screenshot({ path: new URL('run-view-finished.png', ARTIFACTS).pathname, fullPage: true });
    await page.screenshot({ path: new URL('run-view-finished-top.png', ARTIFACTS).pathname });
    expect(await page.locator('main').textContent()).not.toMatch(/\bnull\b|undefined|NaN/);
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);

  it('when the server has none of the contract, then the charts stay hidden and the tables fall back to offsets', async () => {
    const requests: string[] = [];
    const base = await serve({ total: 60, step: 60, contract: false, requests });
    const { page, errors } = await open(base, await submit(base));
    await page.locator('[data-testid=failures] tbody tr[data-portfolio]').first().waitFor();
    await page.locator('[data-testid=orders-status]', { hasText: /1–25 of/ }).waitFor();
    expect(await page.locator('[data-testid=charts-body]').isVisible()).toBe(false);
    expect(await page.locator('[data-testid=sending]').isVisible()).toBe(false);
    expect(requests.some((r) => /\/orders\?run_id=run1/.test(r))).toBe(true);
    await page.locator('[data-testid=results] + .pager button', { hasText: 'Next' }).click();
    await page.locator('[data-testid=results-status]', { hasText: '26–50 of 60' }).waitFor();
    expect(requests.some((r) => /\/results\?offset=25&limit=25&positions=omit$/.test(r))).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  }, 30_000);
});

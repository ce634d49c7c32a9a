import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { routes } from '../../src/api/routes/index.js';
import { launchChromium } from '../browser/support/chromium.js';
import { createTestApi, type TestApi } from './models-support.js';

describe('the /docs page in a real browser', () => {
  let t: TestApi;
  let server: Server;
  let browser: Browser;
  let base: string;
  beforeAll(async () => {
    t = await createTestApi('api_docs_browser');
    server = await new Promise<Server>((resolve) => {
      const s = t.app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server.close(resolve));
    await t.close();
  });

  it('when /docs is opened, then Swagger UI renders every operation with only local requests and no errors', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    const hosts = new Set<string>();
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(msg.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('request', (req) => hosts.add(new URL(req.url()).origin));
    page.on('response', (res) => {
      if (res.status() >= 400) problems.push(`${res.status()} ${res.url()}`);
    });
    await page.goto(`${base}/docs`);
    // Generous: Swagger UI renders slowly on a loaded CI machine.
    await page.waitForSelector('.opblock', { timeout: 60_000 });
    expect(await page.locator('.opblock').count()).toBe(routes.length);
    expect(await page.locator('.title').first().textContent()).toContain('GlobeCo Order Generation Service');
    expect([...hosts].filter((h) => h !== base && !h.startsWith('data:'))).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import * as api from '../../src/api/main.js';
import { createTestDatabase, type TestDatabase } from '../support/mongo.js';
import { redisUrl, uniqueQueuePrefix } from '../support/redis.js';
import { launchChromium } from './support/chromium.js';

/**
 * Chromium treats loopback as a secure context and never upgrades it, so these pages are loaded
 * by a test host name mapped to 127.0.0.1: the browser then behaves as on a NodePort or a VM.
 */
const HOST = 'ogs.test';

describe('the pages over plain HTTP on a non-loopback origin', () => {
  let t: TestDatabase;
  let browser: Browser;
  let origin: string;
  let local: string;

  beforeAll(async () => {
    t = await createTestDatabase('plain_http');
    const running = await api.start({ MONGODB_URL: t.url, DATABASE_NAME: t.name, REDIS_URL: redisUrl, QUEUE_PREFIX: uniqueQueuePrefix('plain-http'), LOG_LEVEL: 'warn', PORT: '0' });
    origin = `http://${HOST}:${running.port}`;
    local = `http://127.0.0.1:${running.port}`;
    browser = await launchChromium([`--host-resolver-rules=MAP ${HOST} 127.0.0.1`]);
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await api.stop();
    await t?.drop();
  });

  async function open(path: string, ready: string): Promise<string[]> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const failures: string[] = [];
    // Only this origin's requests: bull-board also asks fonts.googleapis.com, which this machine cannot reach.
    page.on('requestfailed', (request) => {
      if (request.url().startsWith(origin) || request.url().startsWith(`https://${HOST}`)) failures.push(`${request.url()}: ${request.failure()?.errorText}`);
    });
    page.on('pageerror', (error) => failures.push(error.message));
    try {
      await page.goto(`${origin}${path}`);
      await page.locator(ready).first().waitFor({ timeout: 20_000 });
      expect(new URL(page.url()).protocol).toBe('http:');
    } finally {
      await page.close();
    }
    return failures;
  }

  it('when /dashboard/ is opened, then its script runs and draws the runs table', async () => {
    expect(await open('/dashboard/', '[data-testid=runs] tbody tr')).toEqual([]);
  }, 60_000);

  it('when /docs is opened, then Swagger UI renders the operations', async () => {
    expect(await open('/docs', '.opblock-summary-path')).toEqual([]);
  }, 60_000);

  it('when /admin/queues is opened, then the queue board renders', async () => {
    expect(await open('/admin/queues', 'text=rebalance')).toEqual([]);
  }, 60_000);

  it('when a page is served over plain HTTP, then the CSP allows scripts from self only and does not upgrade', async () => {
    const csp = (await fetch(`${local}/dashboard/`)).headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).not.toMatch(/upgrade-insecure-requests/);
  });

  it('when the Ingress says the request came over TLS, then the CSP upgrades insecure requests', async () => {
    const res = await fetch(`${local}/dashboard/`, { headers: { 'X-Forwarded-Proto': 'https' } });
    expect(res.headers.get('content-security-policy')).toMatch(/upgrade-insecure-requests/);
  });
});

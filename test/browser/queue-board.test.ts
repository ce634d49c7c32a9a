import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import helmet from 'helmet';
import { Queue } from 'bullmq';
import type { Browser } from 'playwright-core';
import { createQueueBoardRouter } from '../../src/api/admin/queue-board.js';
import { KeyRing } from '../../src/api/http/api-keys.js';
import { redisUrl, uniqueQueuePrefix } from '../support/redis.js';
import { launchChromium } from './support/chromium.js';

const ARTIFACTS = new URL('../../artifacts/', import.meta.url);

describe('the queue dashboard in headless Chromium', () => {
  let browser: Browser;
  let server: Server;
  let base: string;
  let queue: Queue;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    queue = new Queue('rebalance', { connection: { url: redisUrl }, prefix: uniqueQueuePrefix('board-ui') });
    await queue.add('chunk', { run_id: 'r1', chunk: 0 });
    const app = express();
    app.use(helmet());
    app.use(createQueueBoardRouter({ queues: [queue], keys: KeyRing.fromLists({ ADMIN_API_KEYS: ['admin-key'] }) }));
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    server?.closeAllConnections();
    server?.close();
    await queue.obliterate({ force: true });
    await queue.close();
  });

  it('when a person signs in with the admin key, then the board renders the rebalance queue under the app CSP', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${base}/admin/queues`);
    expect(new URL(page.url()).pathname).toBe('/admin/queues/login');
    await page.fill('input[name=key]', 'admin-key');
    await page.click('button[type=submit]');
    await page.getByText('rebalance').first().waitFor({ timeout: 15_000 });
    expect(new URL(page.url()).pathname.startsWith('/admin/queues')).toBe(true);
    await page.getByText('rebalance').first().click();
    await page.getByText('chunk').first().waitFor({ timeout: 15_000 });
    await page.screenshot({ path: new URL('queue-board.png', ARTIFACTS).pathname });
  }, 60_000);
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express from 'express';
import { Redis } from 'ioredis';
import request from 'supertest';
import { z } from 'zod';
import { createQueueBoardRouter } from '../../../src/api/admin/queue-board.js';
import { createApp } from '../../../src/api/app.js';
import { createDashboardRouter } from '../../../src/api/dashboard/dashboard-router.js';
import { KeyRing } from '../../../src/api/http/api-keys.js';
import type { RateLimitOptions } from '../../../src/api/http/rate-limit.js';
import { limitWindow, rateLimit } from '../../../src/api/http/rate-limit.js';
import type { LimiterStore } from '../../../src/api/http/rate-limiters.js';
import { SIGN_IN_LIMIT } from '../../../src/api/http/sign-in.js';
import { defineRoute } from '../../../src/api/routes/route.js';
import type { ApiServices } from '../../../src/api/services.js';
import { loadConfig } from '../../../src/config/config.js';
import { createLogger } from '../../../src/observability/logger.js';
import { redisUrl, uniqueQueuePrefix } from '../../support/redis.js';

/** A route that touches no dependency, so only the limiter decides the answer. */
const ping = defineRoute({
  method: 'get',
  path: '/api/v1/ping/{n}',
  mutates: false,
  summary: 'test only',
  tags: ['test'],
  params: z.object({ n: z.string() }),
  responses: { 200: { description: 'pong' } },
  handler: async () => ({ body: { pong: true } }),
});

function appWith(limit: RateLimitOptions | false | undefined, env: Record<string, string> = {}) {
  const config = loadConfig({ NODE_ENV: 'test', ...env });
  const services = { readiness: {} } as unknown as ApiServices;
  return createApp({ services, logger: createLogger('silent', 'test'), config, routes: [ping], ...(limit === undefined ? {} : { rateLimit: limit }) });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let redis: Redis;
beforeAll(() => {
  redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
});
afterAll(async () => {
  await redis.quit();
});

describe('per-client rate limit on /api/', () => {
  it('when a client spends its burst, then the next request is 429 JSON with Retry-After and a detail', async () => {
    const app = appWith({ ratePerSecond: 0.1, burst: 3 });
    for (let i = 0; i < 3; i += 1) expect((await request(app).get('/api/v1/ping/1')).status).toBe(200);
    const limited = await request(app).get('/api/v1/ping/1');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(20);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(30);
    expect(limited.headers['content-type']).toMatch(/application\/json/);
    expect(limited.body).toMatchObject({ code: 'RATE_LIMITED', detail: expect.stringContaining('too many requests') });
    expect(limited.headers['x-correlation-id']).toBeDefined();
  });

  it('when the path is written in another case (/API/V1/...), then it is routed and limited like /api/v1/...', async () => {
    const app = appWith({ ratePerSecond: 0.1, burst: 2 });
    expect((await request(app).get('/API/v1/ping/1')).status).toBe(200);
    expect((await request(app).get('/Api/V1/ping/1')).status).toBe(200);
    expect((await request(app).get('/API/V1/PING/1')).status).toBe(429);
  });

  it('when the window passes, then the client has its budget again', async () => {
    const app = appWith({ ratePerSecond: 2, burst: 2 });
    await request(app).get('/api/v1/ping/1');
    await request(app).get('/api/v1/ping/1');
    expect((await request(app).get('/api/v1/ping/1')).status).toBe(429);
    await sleep(1_100);
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await request(app).get('/api/v1/ping/1')).status);
    expect(statuses).toEqual([200, 200, 429]);
  });

  it('when the limit is low, then Retry-After is the whole seconds left in the window', async () => {
    const app = appWith({ ratePerSecond: 0.2, burst: 1 });
    await request(app).get('/api/v1/ping/1');
    expect((await request(app).get('/api/v1/ping/1')).headers['retry-after']).toBe('5');
  });

  it('when clients come through the proxy with different X-Forwarded-For, then each has its own budget', async () => {
    const app = appWith({ ratePerSecond: 0.1, burst: 1 }, { TRUST_PROXY: 'true' });
    expect((await request(app).get('/api/v1/ping/1').set('X-Forwarded-For', '10.0.0.1')).status).toBe(200);
    expect((await request(app).get('/api/v1/ping/1').set('X-Forwarded-For', '10.0.0.1')).status).toBe(429);
    expect((await request(app).get('/api/v1/ping/1').set('X-Forwarded-For', '10.0.0.2')).status).toBe(200);
  });

  it('when trust proxy is off, then rotating X-Forwarded-For cannot buy a fresh budget', async () => {
    const app = appWith({ ratePerSecond: 0.1, burst: 1 }, { TRUST_PROXY: 'false' });
    expect((await request(app).get('/api/v1/ping/1').set('X-Forwarded-For', '10.0.0.1')).status).toBe(200);
    for (let i = 2; i < 12; i += 1) {
      expect((await request(app).get('/api/v1/ping/1').set('X-Forwarded-For', `10.0.0.${i}`)).status).toBe(429);
    }
  });

  it('when a client is limited, then health probes and non-/api/ paths still answer', async () => {
    const app = appWith({ ratePerSecond: 0.1, burst: 1 });
    await request(app).get('/api/v1/ping/1');
    expect((await request(app).get('/api/v1/ping/1')).status).toBe(429);
    expect((await request(app).get('/health/live')).status).not.toBe(429);
  });

  it('when nothing but the defaults are used, then the window is 100 requests per 2 s', () => {
    expect(limitWindow()).toEqual({ burst: 100, windowSeconds: 2 });
    expect(limitWindow({ ratePerSecond: 0.2, burst: 1 })).toEqual({ burst: 1, windowSeconds: 5 });
  });

  it('when 100 requests fit the window, then the 101st is limited', async () => {
    // A slow rate gives a 2,000 s window, so a loaded machine cannot roll it over mid-test.
    const app = appWith({ ratePerSecond: 0.05 });
    const statuses: number[] = [];
    for (let i = 0; i < 101; i += 1) statuses.push((await request(app).get('/api/v1/ping/1')).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(100);
    expect(statuses[100]).toBe(429);
  });

  it('when createApp gets no rateLimit option, then a limiter is on', async () => {
    const server = appWith(undefined).listen(0, '127.0.0.1');
    try {
      const statuses = await Promise.all(Array.from({ length: 300 }, () => request(server).get('/api/v1/ping/1').then((r) => r.status)));
      expect(statuses).toContain(429);
    } finally {
      server.close();
    }
  });

  it('when rateLimit is false, then no request is limited', async () => {
    const app = appWith(false);
    const statuses: number[] = [];
    for (let i = 0; i < 130; i += 1) statuses.push((await request(app).get('/api/v1/ping/1')).status);
    expect(statuses.every((s) => s === 200)).toBe(true);
  });

  it('when two API replicas share Redis, then a client that spent its budget on one is limited on the other', async () => {
    const keyPrefix = uniqueQueuePrefix('rl-shared');
    const one = appWith({ ratePerSecond: 0.1, burst: 3, redis, keyPrefix });
    const two = appWith({ ratePerSecond: 0.1, burst: 3, redis, keyPrefix });
    const statuses = [];
    for (const app of [one, two, one, two]) statuses.push((await request(app).get('/api/v1/ping/1')).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    // Another deployment on the same Redis counts apart.
    expect((await request(appWith({ ratePerSecond: 1, burst: 3, redis, keyPrefix: uniqueQueuePrefix('rl-other') })).get('/api/v1/ping/1')).status).toBe(200);
  });

  it('when Redis is not connected, then each process still limits on its own (no request waits for Redis)', async () => {
    const offline = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: null });
    try {
      const app = appWith({ ratePerSecond: 0.1, burst: 2, redis: offline, keyPrefix: uniqueQueuePrefix('rl-offline') });
      const statuses = [];
      for (let i = 0; i < 3; i += 1) statuses.push((await request(app).get('/api/v1/ping/1')).status);
      expect(statuses).toEqual([200, 200, 429]);
    } finally {
      offline.disconnect();
    }
  });

  it('when a setting is nonsense, then building the limiter fails at once', () => {
    expect(() => rateLimit({ ratePerSecond: 0 })).toThrow(/ratePerSecond/);
    expect(() => rateLimit({ burst: Number.NaN })).toThrow(/burst/);
    expect(() => rateLimit({ burst: 0.5 })).toThrow(/burst/);
  });
});

describe('failed sign-ins on the queue board and the run view', () => {
  const keys = KeyRing.fromLists({ ADMIN_API_KEYS: ['admin-secret'], API_KEYS: ['reader-secret'] });

  function replica(limits: LimiterStore) {
    const app = express();
    app.use(createQueueBoardRouter({ queues: [], keys, limits }));
    app.use(createDashboardRouter({ keys, limits }));
    return app;
  }

  const signIn = (app: express.Express, path: string, key: string) => request(app).post(path).type('form').send({ key });

  it('when a client guesses keys past the limit across two replicas and both forms, then it gets 429 even with the right key', async () => {
    const limits = { redis, keyPrefix: uniqueQueuePrefix('sign-in') };
    const [one, two] = [replica(limits), replica(limits)];
    for (let i = 0; i < SIGN_IN_LIMIT.failures; i += 1) {
      const [app, path] = i % 2 === 0 ? [one, '/admin/queues/login'] : [two, '/dashboard/login'];
      expect((await signIn(app, path, `guess-${i}`)).status).toBe(401);
    }
    const blocked = await signIn(one, '/admin/queues/login', 'admin-secret');
    expect(blocked.status).toBe(429);
    expect(blocked.body).toMatchObject({ code: 'RATE_LIMITED', detail: expect.stringContaining('failed sign-ins') });
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(SIGN_IN_LIMIT.windowSeconds - 60);
    expect((await signIn(two, '/dashboard/login', 'reader-secret')).status).toBe(429);
  });

  it('when a client signs in after a few failures, then its count starts again', async () => {
    const app = replica({ redis, keyPrefix: uniqueQueuePrefix('sign-in-ok') });
    for (let i = 0; i < SIGN_IN_LIMIT.failures - 1; i += 1) await signIn(app, '/admin/queues/login', 'guess');
    expect((await signIn(app, '/admin/queues/login', 'admin-secret')).status).toBe(303);
    for (let i = 0; i < SIGN_IN_LIMIT.failures - 1; i += 1) expect((await signIn(app, '/admin/queues/login', 'guess')).status).toBe(401);
  });
});

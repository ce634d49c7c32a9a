import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { z } from 'zod';
import { createApp } from '../../../src/api/app.js';
import type { RateLimitOptions } from '../../../src/api/http/rate-limit.js';
import { rateLimit } from '../../../src/api/http/rate-limit.js';
import { defineRoute } from '../../../src/api/routes/route.js';
import type { ApiServices } from '../../../src/api/services.js';
import { loadConfig } from '../../../src/config/config.js';
import { createLogger } from '../../../src/observability/logger.js';

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

function clock() {
  let ms = 0;
  return { now: () => ms, advance: (by: number) => void (ms += by) };
}

describe('per-client rate limit on /api/', () => {
  it('when a client spends its burst, then the next request is 429 JSON with Retry-After and a detail', async () => {
    const time = clock();
    const app = appWith({ ratePerSecond: 2, burst: 3, now: time.now });
    for (let i = 0; i < 3; i += 1) expect((await request(app).get('/api/v1/ping/1')).status).toBe(200);
    const limited = await request(app).get('/api/v1/ping/1');
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('1');
    expect(limited.headers['content-type']).toMatch(/application\/json/);
    expect(limited.body).toMatchObject({ code: 'RATE_LIMITED', detail: expect.stringContaining('too many requests') });
    expect(limited.headers['x-correlation-id']).toBeDefined();
  });

  it('when the path is written in another case (/API/V1/...), then it is routed and limited like /api/v1/...', async () => {
    const time = clock();
    const app = appWith({ ratePerSecond: 1, burst: 2, now: time.now });
    expect((await request(app).get('/API/v1/ping/1')).status).toBe(200);
    expect((await request(app).get('/Api/V1/ping/1')).status).toBe(200);
    expect((await request(app).get('/API/V1/PING/1')).status).toBe(429);
  });

  it('when time passes, then tokens come back at the configured rate and never beyond the burst', async () => {
    const time = clock();
    const app = appWith({ ratePerSecond: 2, burst: 2, now: time.now });
    await request(app).get('/api/v1/ping/1');
    await request(app).get('/api/v1/ping/1');
    expect((await request(app).get('/api/v1/ping/1')).status).toBe(429);
    time.advance(500);
    expect((await request(app).get('/api/v1/ping/1')).status).toBe(200);
    expect((await request(app).get('/api/v1/ping/1')).status).toBe(429);
    time.advance(60_000);
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await request(app).get('/api/v1/ping/1')).status);
    expect(statuses).toEqual([200, 200, 429]);
  });

  it('when the limit is low, then Retry-After is the whole seconds until one token is back', async () => {
    const time = clock();
    const app = appWith({ ratePerSecond: 0.2, burst: 1, now: time.now });
    await request(app).get('/api/v1/ping/1');
    expect((await request(app).get('/api/v1/ping/1')).headers['retry-after']).toBe('5');
  });

  it('when clients come through the proxy with different X-Forwarded-For, then each has its own bucket', async () => {
    const time = clock();
    const app = appWith({ ratePerSecond: 1, burst: 1, now: time.now }, { TRUST_PROXY: 'true' });
    expect((await request(app).get('/api/v1/ping/1').set('X-Forwarded-For', '10.0.0.1')).status).toBe(200);
    expect((await request(app).get('/api/v1/ping/1').set('X-Forwarded-For', '10.0.0.1')).status).toBe(429);
    expect((await request(app).get('/api/v1/ping/1').set('X-Forwarded-For', '10.0.0.2')).status).toBe(200);
  });

  it('when trust proxy is off, then X-Forwarded-For cannot buy a fresh bucket', async () => {
    const time = clock();
    const app = appWith({ ratePerSecond: 1, burst: 1, now: time.now }, { TRUST_PROXY: 'false' });
    expect((await request(app).get('/api/v1/ping/1').set('X-Forwarded-For', '10.0.0.1')).status).toBe(200);
    expect((await request(app).get('/api/v1/ping/1').set('X-Forwarded-For', '10.0.0.2')).status).toBe(429);
  });

  it('when a client is limited, then health probes and non-/api/ paths still answer', async () => {
    const time = clock();
    const app = appWith({ ratePerSecond: 1, burst: 1, now: time.now });
    await request(app).get('/api/v1/ping/1');
    expect((await request(app).get('/api/v1/ping/1')).status).toBe(429);
    expect((await request(app).get('/health/live')).status).not.toBe(429);
  });

  it('when only the clock is given, then the defaults are 100 at once and 50 per second after', async () => {
    const time = clock();
    const app = appWith({ now: time.now });
    const statuses: number[] = [];
    for (let i = 0; i < 101; i += 1) statuses.push((await request(app).get('/api/v1/ping/1')).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(100);
    expect(statuses[100]).toBe(429);
    time.advance(1_000);
    for (let i = 0; i < 51; i += 1) statuses.push((await request(app).get('/api/v1/ping/1')).status);
    expect(statuses.slice(101).filter((s) => s === 200)).toHaveLength(50);
  });

  it('when createApp gets no rateLimit option, then a limiter is on', async () => {
    const server = appWith(undefined).listen(0, '127.0.0.1');
    try {
      // 300 at once: far more than the burst plus what refills while they are served.
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

  it('when more clients arrive than maxClients, then the least recently seen is forgotten (memory stays bounded)', async () => {
    const time = clock();
    const app = appWith({ ratePerSecond: 1, burst: 1, maxClients: 2, now: time.now });
    const from = (ip: string) => request(app).get('/api/v1/ping/1').set('X-Forwarded-For', ip);
    expect((await from('10.0.0.1')).status).toBe(200);
    expect((await from('10.0.0.2')).status).toBe(200);
    expect((await from('10.0.0.3')).status).toBe(200);
    // 10.0.0.1 was evicted, so it starts again with a full bucket; 10.0.0.3 is still tracked.
    expect((await from('10.0.0.1')).status).toBe(200);
    expect((await from('10.0.0.3')).status).toBe(429);
  });

  it('when a setting is nonsense, then building the limiter fails at once', () => {
    expect(() => rateLimit({ ratePerSecond: 0 })).toThrow(/ratePerSecond/);
    expect(() => rateLimit({ burst: Number.NaN })).toThrow(/burst/);
    expect(() => rateLimit({ maxClients: 0 })).toThrow(/maxClients/);
  });
});

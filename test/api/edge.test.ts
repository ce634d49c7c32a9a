import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import request from 'supertest';
import { createApp } from '../../src/api/app.js';
import { defineRoute } from '../../src/api/routes/route.js';
import { routes } from '../../src/api/routes/index.js';
import { loadConfig } from '../../src/config/config.js';
import { createTestApi, position, type TestApi } from './models-support.js';

describe('HTTP edge: auth, correlation ids, error bodies, probes', () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await createTestApi('api_edge');
  });
  afterAll(async () => {
    await t.close();
  });

  const body = { name: 'auth', positions: [position('0.1')], portfolios: [] };

  it('when API keys are configured, then every route but health needs one', async () => {
    const app = t.appWith({ API_KEYS: 'key-one, key-two' });
    const none = await request(app).post('/api/v1/models').send(body);
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ code: 'UNAUTHORIZED', detail: expect.stringContaining('API key') });
    expect((await request(app).post('/api/v1/models').set('X-API-Key', 'key-three').send(body)).status).toBe(401);
    expect((await request(app).post('/api/v1/models').set('Authorization', 'Bearer key-on').send(body)).status).toBe(401);
    const viaHeader = await request(app).post('/api/v1/models').set('X-API-Key', 'key-two').send(body);
    expect(viaHeader.status).toBe(201);
    const viaBearer = await request(app).post('/api/v1/models').set('Authorization', 'Bearer key-one').send(body);
    expect(viaBearer.status).toBe(201);
    expect((await request(app).delete(`/api/v1/model/${viaHeader.body.model_id}?version=1`)).status).toBe(401);
    expect((await request(app).get('/api/v1/models')).status).toBe(401);
    expect((await request(app).get('/api/v1/models').set('X-API-Key', 'key-one')).status).toBe(200);
    expect((await request(app).get(`/api/v1/model/${viaHeader.body.model_id}`)).status).toBe(401);
    expect((await request(app).get('/health/live')).status).toBe(200);
  });

  it('when no API keys are configured, then mutating routes are open', async () => {
    expect((await request(t.app).post('/api/v1/models').send(body)).status).toBe(201);
  });

  it('when a correlation id is sent, then it is echoed (sanitised, at most 128 chars); else one is generated', async () => {
    const echoed = await request(t.app).get('/health/live').set('X-Correlation-ID', 'req-42.abc:1');
    expect(echoed.headers['x-correlation-id']).toBe('req-42.abc:1');
    const dirty = await request(t.app).get('/health/live').set('X-Correlation-ID', `a b<c>${'x'.repeat(300)}`);
    expect(dirty.headers['x-correlation-id']).toBe(`abc${'x'.repeat(125)}`);
    const generated = await request(t.app).get('/api/v1/models');
    expect(generated.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('when a request fails, then every log line of it carries its correlation id', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const boom = defineRoute({
      method: 'get',
      path: '/boom',
      mutates: false,
      summary: 'fails',
      tags: [],
      responses: {},
      async handler() {
        throw new Error('secret internals at db.internal:27017');
      },
    });
    const config = loadConfig({ NODE_ENV: 'production', ALLOW_ANONYMOUS: 'true' });
    const app = createApp({ services: t.services, logger: pino({ level: 'info' }, sink), config, routes: [...routes, boom] });
    const res = await request(app).get('/boom').set('X-Correlation-ID', 'trace-me');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ detail: 'internal error', code: 'INTERNAL' });
    expect(JSON.stringify(res.body)).not.toMatch(/secret|at |\.ts/);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.every((l) => l.correlation_id === 'trace-me')).toBe(true);
  });

  it('when the client goes away mid-request, then the handler signal is aborted', async () => {
    let aborted!: () => void;
    const abortedSeen = new Promise<void>((resolve) => {
      aborted = resolve;
    });
    const wait = defineRoute({
      method: 'get',
      path: '/wait',
      mutates: false,
      summary: 'waits for the client to leave',
      tags: [],
      responses: {},
      async handler({ ctx }) {
        await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve()));
        aborted();
        return { status: 204 };
      },
    });
    const config = loadConfig({ NODE_ENV: 'test' });
    const app = createApp({ services: t.services, logger: pino({ level: 'silent' }), config, routes: [wait] });
    await expect(request(app).get('/wait').timeout(200)).rejects.toThrow(/Timeout/);
    await abortedSeen;
  });

  it('when a route does not exist, then 404 JSON naming it', async () => {
    const res = await request(t.app).get('/api/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/json/);
    expect(res.body.detail).toBe('no route for GET /api/v1/nothing-here');
    expect((await request(t.app).patch('/api/v1/models').send({})).status).toBe(404);
  });

  it('when the body is larger than BODY_LIMIT, then 413 JSON', async () => {
    const app = t.appWith({ BODY_LIMIT: '1kb' });
    const res = await request(app).post('/api/v1/models').send({ ...body, name: 'x'.repeat(2_000) });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('when a body route gets another content type, then 415 JSON', async () => {
    const text = await request(t.app).post('/api/v1/models').set('Content-Type', 'text/plain').send('name=x');
    expect(text.status).toBe(415);
    expect(text.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const form = await request(t.app).post('/api/v1/models').type('form').send({ name: 'x' });
    expect(form.status).toBe(415);
  });

  it('when the JSON is malformed, then 400 JSON', async () => {
    const res = await request(t.app).post('/api/v1/models').set('Content-Type', 'application/json').send('{"name": ');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ detail: 'body: malformed JSON', code: 'MALFORMED_JSON' });
  });

  it('when the dependencies answer, then /health/ready is 200; /health/live is always 200', async () => {
    expect((await request(t.app).get('/health/live')).body).toEqual({ status: 'ok' });
    const ready = await request(t.app).get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready' });
  });

  it('when Redis fails or hangs, then /health/ready is 503 naming redis only', async () => {
    const config = loadConfig({ NODE_ENV: 'test' });
    const logger = pino({ level: 'silent' });
    const failing = { ...t.services, readiness: { ...t.services.readiness, redis: () => Promise.reject(new Error('ECONNREFUSED')) } };
    const res = await request(createApp({ services: failing, logger, config })).get('/health/ready');
    expect(res.status).toBe(503);
    expect(res.body.detail).toBe('redis: ECONNREFUSED');
    const hanging = { ...t.services, readiness: { ...t.services.readiness, redis: () => new Promise<void>(() => undefined) } };
    const slow = await request(createApp({ services: hanging, logger, config })).get('/health/ready');
    expect(slow.status).toBe(503);
    expect(slow.body.detail).toMatch(/^redis: no answer within/);
  });

  it('when CORS origins are configured, then preflights from them get 204 with the allowed methods; others get nothing', async () => {
    const config = loadConfig({ NODE_ENV: 'test' });
    const app = createApp({ services: t.services, logger: pino({ level: 'silent' }), config, corsOrigins: ['https://portal.example'] });
    const preflight = await request(app)
      .options('/api/v1/model/0123456789abcdef01234567')
      .set('Origin', 'https://portal.example')
      .set('Access-Control-Request-Method', 'PUT');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://portal.example');
    expect(preflight.headers['access-control-allow-methods']).toContain('PUT');
    expect(preflight.headers['access-control-allow-headers']).toContain('X-API-Key');
    const simple = await request(app).get('/api/v1/models').set('Origin', 'https://portal.example');
    expect(simple.headers['access-control-expose-headers']).toContain('X-Correlation-ID');
    const stranger = await request(app).get('/api/v1/models').set('Origin', 'https://evil.example');
    expect(stranger.headers['access-control-allow-origin']).toBeUndefined();
    const closed = await request(t.app).get('/api/v1/models').set('Origin', 'https://portal.example');
    expect(closed.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('when served, then helmet headers are present and x-powered-by is not', async () => {
    const res = await request(t.app).get('/api/v1/models');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-powered-by']).toBeUndefined();
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express from 'express';
import request from 'supertest';
import { createApp } from '../../src/api/app.js';
import { createDashboardRouter } from '../../src/api/dashboard/dashboard-router.js';
import { KeyRing } from '../../src/api/http/api-keys.js';
import { issueSession, verifySession } from '../../src/api/http/session.js';
import { routes } from '../../src/api/routes/index.js';
import { defineRoute } from '../../src/api/routes/route.js';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/observability/logger.js';
import { send, startLiveApi, type LiveApi } from './hostile/harness.js';

const keys = { READ_API_KEYS: 'viewer:r-secret-1', API_KEYS: 'w-secret-1,ops:w-secret:2', ADMIN_API_KEYS: 'a-secret-1' };

describe('when keys are parsed from the environment, then each has a name and a scope', () => {
  const ring = KeyRing.fromConfig(loadConfig(keys));

  it('when a key is listed as name:secret, then it carries that name; otherwise <scope>-<n>', () => {
    expect(ring.identify('r-secret-1')).toEqual({ name: 'viewer', scope: 'read' });
    expect(ring.identify('w-secret-1')).toEqual({ name: 'write-1', scope: 'write' });
    expect(ring.identify('w-secret:2')).toEqual({ name: 'ops', scope: 'write' });
    expect(ring.identify('a-secret-1')).toEqual({ name: 'admin-1', scope: 'admin' });
    expect(ring.identify('viewer:r-secret-1')).toBeUndefined();
    expect(ring.identify('')).toBeUndefined();
  });

  it('when one secret is in two lists, then the widest scope wins; a name used twice fails at start', () => {
    expect(KeyRing.fromLists({ READ_API_KEYS: ['same'], ADMIN_API_KEYS: ['same'] }).identify('same')?.scope).toBe('admin');
    expect(() => KeyRing.fromLists({ READ_API_KEYS: ['x:a'], API_KEYS: ['x:b'] })).toThrow(/API_KEYS: key name "x" is used twice/);
  });

  it('when a session token is forged, expired, or from a removed key, then it is not a caller', () => {
    const token = issueSession('read', 'r-secret-1', Date.now());
    expect(verifySession(ring, token)).toEqual({ name: 'viewer', scope: 'read' });
    expect(verifySession(ring, token.replace('.read.', '.admin.'))).toBeUndefined();
    expect(verifySession(ring, issueSession('read', 'r-secret-1', Date.now() - 9 * 3600_000))).toBeUndefined();
    expect(verifySession(KeyRing.fromLists({ READ_API_KEYS: ['other'] }), token)).toBeUndefined();
    expect(verifySession(ring, '%E0%A4%A')).toBeUndefined();
  });
});

describe('when NODE_ENV=production has no key, then the API refuses to start', () => {
  const logger = createLogger('silent', 'test');
  const services = {} as never;

  it('when no key and no ALLOW_ANONYMOUS, then createApp throws naming the way out', () => {
    expect(() => createApp({ services, logger, config: loadConfig({ NODE_ENV: 'production' }) })).toThrow(/ALLOW_ANONYMOUS=true/);
  });

  it('when ALLOW_ANONYMOUS=true or a key is set, then it starts', () => {
    expect(() => createApp({ services, logger, config: loadConfig({ NODE_ENV: 'production', ALLOW_ANONYMOUS: 'true' }) })).not.toThrow();
    expect(() => createApp({ services, logger, config: loadConfig({ NODE_ENV: 'production', READ_API_KEYS: 'k' }) })).not.toThrow();
  });
});

const whoami = defineRoute({
  method: 'get',
  path: '/api/v1/test-only/whoami',
  mutates: false,
  summary: 'test only: echoes the caller',
  tags: ['test'],
  responses: { 200: { description: 'The caller' } },
  handler: async ({ ctx }) => ({ body: ctx.caller ?? null }),
});

describe('when the run view signs in, then its cookie reads the API and writes nothing', () => {
  let api: LiveApi;
  beforeAll(async () => {
    const ring = KeyRing.fromConfig(loadConfig(keys));
    api = await startLiveApi('scopes', keys, { rateLimit: false, routes: [...routes, whoami], routers: [createDashboardRouter({ keys: ring })] });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('when a browser opens /dashboard/ without a session, then it is sent to sign in; a script gets 401', async () => {
    const page = await send(api.port, 'get', '/dashboard/', { headers: { Accept: 'text/html' } });
    expect(page.status).toBe(303);
    expect(page.headers.location).toBe('/dashboard/login');
    const script = await send(api.port, 'get', '/dashboard/js/api.js', { headers: { Accept: 'application/json' } });
    expect(script.status).toBe(401);
    const form = await send(api.port, 'get', '/dashboard/login');
    expect(form.text).toContain('<form method="post" action="/dashboard/login"');
  });

  it('when a read key signs in, then the cookie covers the app path, opens the view and GETs the API, but no write', async () => {
    const bad = await send(api.port, 'post', '/dashboard/login', { body: 'key=guess', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(bad.status).toBe(401);
    const login = await send(api.port, 'post', '/dashboard/login', { body: 'key=r-secret-1', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(login.status).toBe(303);
    const setCookie = String(login.headers['set-cookie']);
    expect(setCookie).toMatch(/^ogs_session=.*Path=\/;.*HttpOnly.*SameSite=Strict/);
    const cookie = setCookie.split(';')[0]!;
    expect((await send(api.port, 'get', '/dashboard/', { headers: { Cookie: cookie } })).status).toBe(200);
    expect((await send(api.port, 'get', '/api/v1/runs', { headers: { Cookie: cookie } })).status).toBe(200);
    const write = await send(api.port, 'post', '/api/v1/models', { body: '{"name":"csrf"}', headers: { Cookie: cookie, 'Content-Type': 'application/json' } });
    expect(write.status).toBe(401);
  });

  it('when an admin key signs in to the run view, then its cookie still only reads', async () => {
    const login = await send(api.port, 'post', '/dashboard/login', { body: 'key=a-secret-1', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    const write = await send(api.port, 'post', '/api/v1/runs', { body: '{"all":true}', headers: { Cookie: cookie, 'Content-Type': 'application/json' } });
    expect(write.status).toBe(401);
  });

  it('when a malformed session cookie is sent, then 401, not 500', async () => {
    const res = await send(api.port, 'get', '/api/v1/runs', { headers: { Cookie: 'ogs_session=%E0%A4%A' } });
    expect(res.status).toBe(401);
  });

  it('when an Idempotency-Key is longer than 200 characters, then 400 naming it (never silently cut)', async () => {
    const headers = { 'X-API-Key': 'w-secret-1', 'Content-Type': 'application/json', 'Idempotency-Key': 'k'.repeat(201) };
    const res = await send(api.port, 'post', '/api/v1/runs', { body: '{"all":true}', headers });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text).detail).toMatch(/^Idempotency-Key: at most 200/);
  });

  it('when two API keys send the same Idempotency-Key, then each gets its own run; a repeat gets its own back', async () => {
    const submit = (key: string) =>
      send(api.port, 'post', '/api/v1/runs', { body: '{"all":true}', headers: { 'X-API-Key': key, 'Content-Type': 'application/json', 'Idempotency-Key': 'shared-key' } });
    const first = await submit('w-secret-1');
    const other = await submit('w-secret:2');
    const again = await submit('w-secret-1');
    expect([first.status, other.status, again.status]).toEqual([202, 202, 200]);
    const id = (r: { text: string }) => (JSON.parse(r.text) as { run_id: string }).run_id;
    expect(id(other)).not.toBe(id(first));
    expect(id(again)).toBe(id(first));
  });

  it('when a handler runs, then it sees the calling key name', async () => {
    const res = await send(api.port, 'get', '/api/v1/test-only/whoami', { headers: { 'X-API-Key': 'w-secret:2' } });
    expect(JSON.parse(res.text)).toEqual({ name: 'ops', scope: 'write' });
  });
});

describe('when the queue board gets a malformed cookie, then it answers 401, not 500', () => {
  it('when ogs_admin is not valid percent-encoding, then 401', async () => {
    const { createQueueBoardRouter } = await import('../../src/api/admin/queue-board.js');
    const app = express();
    app.use(createQueueBoardRouter({ queues: [], keys: KeyRing.fromLists({ ADMIN_API_KEYS: ['boss'] }) }));
    const res = await request(app).get('/admin/queues/api/queues').set('Cookie', 'ogs_admin=%E0%A4%A');
    expect(res.status).toBe(401);
  });
});

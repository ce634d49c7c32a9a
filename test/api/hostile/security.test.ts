import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { routes } from '../../../src/api/routes/index.js';
import { accessOf } from '../../../src/api/http/mount-routes.js';
import { defineRoute } from '../../../src/api/routes/route.js';
import { paramNames } from './cases.js';
import { send, startLiveApi, type LiveApi, type RawResponse } from './harness.js';
import { hex24, sampleFor, seededRandom } from './sample.js';

const KEY = 'h7-secret-key-0123456789';
const mutating = routes.filter((r) => r.mutates);
const reading = routes.filter((r) => !r.mutates && accessOf(r) === 'read');
const open = routes.filter((r) => accessOf(r) === 'public');
const READ_KEY = 'h7-reader-key-0123456789';
const json = { 'Content-Type': 'application/json' };

function urlFor(route: (typeof routes)[number], id: string): string {
  let url = route.path;
  for (const name of paramNames(route.path)) url = url.replace(`{${name}}`, id);
  const query = route.query ? (sampleFor(route.query, seededRandom(1)) as Record<string, unknown>) : {};
  const qs = Object.entries(query).map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`).join('&');
  return qs ? `${url}?${qs}` : url;
}

function bodyFor(route: (typeof routes)[number]): string | undefined {
  return route.body ? JSON.stringify(sampleFor(route.body, seededRandom(2))) : undefined;
}

const detail = (res: RawResponse) => (JSON.parse(res.text) as { detail?: unknown }).detail;

describe('when API_KEYS is configured, then every mutating route in the table needs a key', () => {
  let api: LiveApi;
  let id: string;
  beforeAll(async () => {
    api = await startLiveApi('hostile_auth', { API_KEYS: KEY, READ_API_KEYS: READ_KEY }, { rateLimit: false });
    const created = await send(api.port, 'post', '/api/v1/models', {
      body: JSON.stringify({ name: 'auth', portfolios: ['p1'] }),
      headers: { ...json, 'X-API-Key': KEY },
    });
    id = (JSON.parse(created.text) as { model_id: string }).model_id;
  });
  afterAll(async () => {
    await api?.close();
  });

  it('when the table is read, then it has mutating routes to check', () => {
    expect(mutating.length).toBeGreaterThan(0);
  });

  it.each(mutating.map((r) => [`${r.method.toUpperCase()} ${r.path}`, r] as const))(
    'when %s comes without a key or with a wrong one, then 401 JSON; with the key, not 401',
    async (_name, route) => {
      const url = urlFor(route, hex24(seededRandom(3)));
      const body = bodyFor(route);
      const none = await send(api.port, route.method, url, { body, headers: json });
      expect(none.status).toBe(401);
      expect(detail(none)).toMatch(/API key/);
      const wrong = await send(api.port, route.method, url, { body, headers: { ...json, 'X-API-Key': `${KEY}x` } });
      expect(wrong.status).toBe(401);
      const bearerWrong = await send(api.port, route.method, url, { body, headers: { ...json, Authorization: 'Bearer nope' } });
      expect(bearerWrong.status).toBe(401);
      const withKey = await send(api.port, route.method, url, { body, headers: { ...json, 'X-API-Key': KEY } });
      expect(withKey.status).not.toBe(401);
      const bearer = await send(api.port, route.method, url, { body, headers: { ...json, Authorization: `Bearer ${KEY}` } });
      expect(bearer.status).not.toBe(401);
    },
  );

  it.each(reading.map((r) => [`${r.method.toUpperCase()} ${r.path}`, r] as const))(
    'when %s (a read of the book) comes without a key or with a wrong one, then 401; with a read key, not 401/403',
    async (_name, route) => {
      const url = urlFor(route, id);
      const body = bodyFor(route);
      const none = await send(api.port, route.method, url, { body, headers: json });
      expect(none.status).toBe(401);
      expect(none.text).not.toMatch(/portfolio_id|model_id|"items"/);
      const wrong = await send(api.port, route.method, url, { body, headers: { ...json, 'X-API-Key': `${READ_KEY}x` } });
      expect(wrong.status).toBe(401);
      const reader = await send(api.port, route.method, url, { body, headers: { ...json, 'X-API-Key': READ_KEY } });
      expect([401, 403]).not.toContain(reader.status);
    },
  );

  it.each(mutating.map((r) => [`${r.method.toUpperCase()} ${r.path}`, r] as const))(
    'when %s comes with a read-only key, then 403 naming the scope',
    async (_name, route) => {
      const res = await send(api.port, route.method, urlFor(route, id), { body: bodyFor(route), headers: { ...json, 'X-API-Key': READ_KEY } });
      expect(res.status).toBe(403);
      expect(detail(res)).toMatch(/scope read/);
    },
  );

  it('when a health route is called without a key, then it is open', async () => {
    expect(open.length).toBeGreaterThan(0);
    for (const route of open) {
      const res = await send(api.port, route.method, urlFor(route, id));
      expect({ route: route.path, status: res.status }).not.toEqual({ route: route.path, status: 401 });
    }
  });

  it('when a refused write was attempted, then nothing was written', async () => {
    const res = await send(api.port, 'post', '/api/v1/models', { body: JSON.stringify({ name: 'sneaky' }), headers: json });
    expect(res.status).toBe(401);
    expect(await api.database.db.collection('models').countDocuments({ name: 'sneaky' })).toBe(0);
  });
});

const boom = defineRoute({
  method: 'get',
  path: '/api/v1/test-only/boom',
  mutates: false,
  summary: 'test only: throws an internal error',
  tags: ['test'],
  responses: { 200: { description: 'never' } },
  handler: async () => {
    throw new TypeError('secret internals: Cannot read properties of undefined at /work/main/src/store/x.ts:12');
  },
});

describe('when NODE_ENV=production, then error bodies carry no internals', () => {
  let api: LiveApi;
  beforeAll(async () => {
    api = await startLiveApi('hostile_prod', { NODE_ENV: 'production', ALLOW_ANONYMOUS: 'true' }, { rateLimit: false, routes: [...routes, boom] });
  });
  afterAll(async () => {
    // The last test closes the client on purpose; reopen it so the database can be dropped.
    await api?.database.client.connect();
    await api?.close();
  });

  const expectOpaque = (res: RawResponse) => {
    expect(res.status).toBe(500);
    expect(JSON.parse(res.text)).toEqual({ detail: 'internal error', code: 'INTERNAL' });
    expect(res.text).not.toMatch(/secret|\/work\/|\.ts:|\bat \w|Mongo|Topology|stack/i);
  };

  it('when a handler throws an unexpected error, then the body is only "internal error"', async () => {
    expectOpaque(await send(api.port, 'get', '/api/v1/test-only/boom'));
  });

  it('when a 4xx comes from a generic error, then no framework message leaks and there is no X-Powered-By', async () => {
    const res = await send(api.port, 'post', '/api/v1/models', { body: '{"a":', headers: json });
    expect(res.status).toBe(400);
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.text).not.toMatch(/SyntaxError|Unexpected|position|\/work\//);
  });

  it('when MongoDB goes away under a request, then the answer is an opaque 5xx, not a driver message', async () => {
    await api.database.client.close();
    const res = await send(api.port, 'get', '/api/v1/models');
    expect(res.status).toBeGreaterThanOrEqual(500);
    expect(res.text).not.toMatch(/\/work\/|\.ts:|\bat \w|Topology|MongoClient|stack/i);
    expect(typeof detail(res)).toBe('string');
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { routes } from '../../../src/api/routes/index.js';
import { MODELS_COLLECTION } from '../../../src/store/models-repository.js';
import { casesFor, type HostileCase } from './cases.js';
import { collectionCounts, forbiddenKeys, send, startLiveApi, type LiveApi, type RawResponse } from './harness.js';
import { seededRandom } from './sample.js';

const SEED = Number(process.env.HOSTILE_SEED ?? Math.floor(Math.random() * 2 ** 31));
const BODY_LIMIT = '2mb';
const MIN_REQUESTS = 1_000;
const CONCURRENCY = 4;

interface Outcome {
  c: HostileCase;
  res?: RawResponse;
  error?: string;
}

/** Why an answer breaks the contract, or undefined when it keeps it. */
function problem(res: RawResponse): string | undefined {
  if (res.status >= 500) return `status ${res.status}`;
  if (res.status < 400) return undefined;
  if (!String(res.headers['content-type']).includes('application/json')) return `error without JSON (${res.headers['content-type']})`;
  let body: { detail?: unknown };
  try {
    body = JSON.parse(res.text) as { detail?: unknown };
  } catch {
    return 'error body is not JSON';
  }
  if (typeof body.detail !== 'string' || body.detail.trim().length < 3) return 'error body without a detail';
  // The production fallbacks say nothing about what was wrong with the request.
  if (/^(bad request|internal error)$/.test(body.detail)) return `detail does not name the problem (${body.detail})`;
  return undefined;
}

async function runAll(api: LiveApi, cases: HostileCase[]): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let next = 0;
  const lane = async () => {
    while (next < cases.length) {
      const c = cases[next++]!;
      try {
        outcomes.push({ c, res: await send(api.port, c.method, c.url, { body: c.body, headers: c.headers }) });
      } catch (error) {
        outcomes.push({ c, error: (error as Error).message });
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  return outcomes;
}

/** Status counts per route, for reading a run (`HOSTILE_SUMMARY=1`). */
function summary(all: Outcome[]): string {
  const table = new Map<string, Map<number | string, number>>();
  for (const o of all) {
    const key = `${o.c.method.toUpperCase()} ${o.c.route.path}`;
    const row = table.get(key) ?? new Map<number | string, number>();
    const status = o.res?.status ?? 'error';
    row.set(status, (row.get(status) ?? 0) + 1);
    table.set(key, row);
  }
  return [...table].map(([key, row]) => `${key}: ${[...row].map(([s, n]) => `${s}×${n}`).join(' ')}`).join('\n');
}

const describeCase = (o: Outcome) =>
  `${o.c.method.toUpperCase()} ${o.c.url.slice(0, 120)} [${o.c.label.slice(0, 80)}] → ${o.error ?? `${o.res!.status} ${o.res!.text.slice(0, 200)}`}`;

describe(`hostile input sweep over every route in the table (seed ${SEED}; replay with HOSTILE_SEED=${SEED})`, () => {
  let api: LiveApi;
  let before: Record<string, number>;
  let outcomes: Outcome[];
  let modelId: string;

  beforeAll(async () => {
    api = await startLiveApi('hostile_sweep', { BODY_LIMIT, NODE_ENV: process.env.HOSTILE_NODE_ENV ?? 'production', ALLOW_ANONYMOUS: 'true' }, { rateLimit: false });
    const created = await send(api.port, 'post', '/api/v1/models', {
      body: JSON.stringify({ name: 'hostile', positions: [], portfolios: ['p1'] }),
      headers: { 'Content-Type': 'application/json' },
    });
    modelId = (JSON.parse(created.text) as { model_id: string }).model_id;
    const run = await send(api.port, 'post', '/api/v1/runs', { body: JSON.stringify({ model_ids: [modelId] }), headers: { 'Content-Type': 'application/json' } });
    const runId = (JSON.parse(run.text) as { run_id?: string }).run_id;
    before = await collectionCounts(api.database.db);
    const random = seededRandom(SEED);
    const ctx = { random, existing: { model_id: modelId, portfolio_id: 'p1', ...(runId ? { run_id: runId } : {}) }, bodyLimitBytes: 2 * 1024 * 1024 };
    outcomes = await runAll(api, routes.flatMap((route) => casesFor(route, ctx)));
    if (process.env.HOSTILE_SUMMARY) console.log(summary(outcomes));
    if (process.env.HOSTILE_ACCEPTED) console.log(outcomes.filter((o) => o.c.route.mutates && o.res && o.res.status < 300).map(describeCase).join('\n'));
  }, 120_000);
  afterAll(async () => {
    await api?.close();
  });

  it('when the sweep ran, then it sent at least 1,000 requests and reached every route', () => {
    expect(outcomes.length).toBeGreaterThanOrEqual(MIN_REQUESTS);
    const reached = new Set(outcomes.map((o) => `${o.c.method} ${o.c.route.path}`));
    for (const route of routes) expect(reached).toContain(`${route.method} ${route.path}`);
  });

  it('when hostile requests arrive, then none gets a 5xx or a connection error, and every error is JSON with a detail', () => {
    const bad = outcomes.filter((o) => o.error !== undefined || problem(o.res!) !== undefined);
    const report = bad.slice(0, Number(process.env.HOSTILE_SHOW ?? 20)).map((o) => `${o.error ?? problem(o.res!)}: ${describeCase(o)}`);
    expect({ seed: SEED, failures: bad.length, first: report }).toEqual({ seed: SEED, failures: 0, first: [] });
  });

  it('when the sweep is over, then the process still answers its health checks', async () => {
    expect((await send(api.port, 'get', '/health/live')).status).toBe(200);
    expect((await send(api.port, 'get', '/health/ready')).status).toBe(200);
  });

  it('when the sweep is over, then nothing on Object.prototype was polluted', () => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('when the sweep is over, then collections grew only by accepted writes and hold no operator, dotted or __proto__ keys', async () => {
    const accepted = outcomes.filter((o) => o.c.route.mutates && o.res && o.res.status < 300);
    const createdModels = accepted.filter((o) => o.c.method === 'post' && o.c.route.path === '/api/v1/models' && o.res!.status === 201);
    const after = await collectionCounts(api.database.db);
    for (const [name, count] of Object.entries(after)) {
      const grew = count - (before[name] ?? 0);
      if (name === MODELS_COLLECTION) expect({ name, grew }).toEqual({ name, grew: createdModels.length });
      else expect({ name, grew: grew <= accepted.length }).toEqual({ name, grew: true });
    }
    expect(await forbiddenKeys(api.database.db)).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { MongoClient, type CommandStartedEvent } from 'mongodb';
import { createApp } from '../../src/api/app.js';
import { buildServices } from '../../src/api/services.js';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/observability/logger.js';
import { ensureIndexes } from '../../src/store/indexes.js';
import { rebalanceIdFor } from '../../src/store/rebalances-repository.js';
import { createTestDatabase, type TestDatabase } from '../support/mongo.js';
import { redisUrl, uniqueQueuePrefix } from '../support/redis.js';
import { send } from './hostile/harness.js';
import { seedRun, type SeededRun } from './support/seeded-run.js';

/** Collections whose pages must be read by `_id` equality only (the only read FerretDB v1 pushes down). */
/** Dozens of pages, each a few FerretDB round trips: generous for a loaded CI machine. */
const PAGING_TIMEOUT_MS = 120_000;
const KEYED = new Set(['run_results', 'orders', 'run_chunks', 'run_chunk_summaries', 'run_models', 'runs', 'rebalances']);

describe('when a run\'s results and orders are paged among many stored documents, then every read is keyed', () => {
  let t: TestDatabase;
  let monitored: MongoClient;
  let redis: Redis;
  let server: Server;
  let port: number;
  let run: SeededRun;
  const commands: CommandStartedEvent[] = [];
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    t = await createTestDatabase('bounded');
    await ensureIndexes(t.db);
    run = await seedRun(t.db, 1, 6, 100);
    await seedRun(t.db, 2, 20, 100); // other runs' documents: a scan would have to pass over them
    monitored = new MongoClient(t.url, { monitorCommands: true });
    monitored.on('commandStarted', (e) => commands.push(e));
    await monitored.connect();
    redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
    const config = loadConfig({ NODE_ENV: 'test', QUEUE_PREFIX: uniqueQueuePrefix('bounded'), CHUNK_SIZE: '100' });
    const services = buildServices({ config, db: monitored.db(t.name), redis, logger: createLogger('silent', 'test'), onClose: (c) => closers.push(c) });
    const app = createApp({ services, logger: createLogger('silent', 'test'), config, rateLimit: false });
    server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    port = (server.address() as AddressInfo).port;
  }, 120_000);
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    for (const close of closers.reverse()) await close();
    redis?.disconnect();
    await monitored?.close();
    await t?.drop();
  });

  async function get(path: string) {
    const res = await send(port, 'get', path);
    return { status: res.status, body: JSON.parse(res.text) as Record<string, unknown> & { items: Record<string, unknown>[]; next: string | null } };
  }

  /** Reads every page of a listing by following `next`, and the database commands it caused. */
  async function pageAll(path: string, limit: number) {
    commands.length = 0;
    const items: Record<string, unknown>[] = [];
    let next: string | null = null;
    let pages = 0;
    do {
      const sep = path.includes('?') ? '&' : '?';
      const res = await get(`${path}${sep}limit=${limit}${next ? `&after=${encodeURIComponent(next)}` : ''}`);
      expect(res.status).toBe(200);
      items.push(...res.body.items);
      next = res.body.next;
      pages++;
    } while (next && pages < 100);
    return { items, pages, commands: [...commands] };
  }

  function unkeyed(events: readonly CommandStartedEvent[]) {
    return events.filter((e) => {
      const cmd = e.command as Record<string, unknown>;
      if (e.commandName === 'count' || e.commandName === 'aggregate') return true;
      if (e.commandName !== 'find' || !KEYED.has(String(cmd.find))) return false;
      const filter = cmd.filter as Record<string, unknown>;
      return Object.keys(filter).length !== 1 || typeof filter._id !== 'string';
    }).map((e) => ({ name: e.commandName, command: JSON.stringify(e.command).slice(0, 200) }));
  }

  it('when every result page is followed with after, then each result comes once, in plan order, with its model name, and no read scans', async () => {
    const { items, commands: seen } = await pageAll(`/api/v1/runs/${run.runId}/results`, 70);
    expect(items.map((r) => r.portfolio_id)).toEqual(run.results.map((r) => r.portfolio_id));
    expect(items[0]).toMatchObject({ model_name: 'Model 1' });
    expect(unkeyed(seen)).toEqual([]);
    const first = await get(`/api/v1/runs/${run.runId}/results?limit=10`);
    expect(first.body.total).toBe(600);
  }, PAGING_TIMEOUT_MS);

  it('when results are asked as table rows (positions=omit), then the same rows come without positions, read with a projection', async () => {
    const full = await get(`/api/v1/runs/${run.runId}/results?limit=30`);
    commands.length = 0;
    const rows = await get(`/api/v1/runs/${run.runId}/results?limit=30&positions=omit`);
    expect(rows.status).toBe(200);
    expect(rows.body.items.map((r) => r.portfolio_id)).toEqual(full.body.items.map((r) => r.portfolio_id));
    expect(rows.body.items.every((r) => Array.isArray(r.positions) && r.positions.length === 0)).toBe(true);
    expect(full.body.items.some((r) => (r.positions as unknown[]).length > 0)).toBe(true);
    const { positions: _p, ...rest } = full.body.items[0]!;
    expect(rows.body.items[0]).toMatchObject(rest);
    const resultReads = commands.filter((e) => e.commandName === 'find' && (e.command as { find: string }).find === 'run_results');
    expect(resultReads.length).toBeGreaterThan(0);
    expect(resultReads.every((e) => (e.command as { projection?: Record<string, number> }).projection?.positions_json === 0)).toBe(true);
    expect(unkeyed(commands)).toEqual([]);
    const bad = await get(`/api/v1/runs/${run.runId}/results?positions=some`);
    expect(bad.status).toBe(400);
  });

  it('when not_optimal is paged, then it lists every non-optimal result (complete, not capped), by key', async () => {
    const { items, commands: seen } = await pageAll(`/api/v1/runs/${run.runId}/results?status=not_optimal`, 7);
    const expected = run.results.filter((r) => r.status !== 'optimal').map((r) => r.portfolio_id);
    expect(expected.length).toBe(60);
    expect(items.map((r) => r.portfolio_id)).toEqual(expected);
    expect(unkeyed(seen)).toEqual([]);
    expect((await get(`/api/v1/runs/${run.runId}/results?status=not_optimal&limit=1`)).body.total).toBe(60);
  }, PAGING_TIMEOUT_MS);

  it('when a run\'s orders are paged, then each order comes once and no read scans or counts', async () => {
    const { items, commands: seen } = await pageAll(`/api/v1/runs/${run.runId}/orders`, 33);
    expect(items.map((o) => o.order_id).sort()).toEqual(run.orders.map((o) => o._id).sort());
    expect(unkeyed(seen)).toEqual([]);
    const viaQuery = await get(`/api/v1/orders?run_id=${run.runId}&limit=5`);
    expect(viaQuery.body).toMatchObject({ total: run.orders.length });
    expect(viaQuery.body.items).toHaveLength(5);
  }, PAGING_TIMEOUT_MS);

  it('when orders are listed with neither run_id nor portfolio_id, then 400 names run_id', async () => {
    const res = await get('/api/v1/orders?limit=1000');
    expect(res.status).toBe(400);
    expect(res.body.detail).toMatch(/^run_id: required/);
  });

  it('when an old client pages with offset, then it still works within bounds, and a forged cursor is a 400', async () => {
    const page = await get(`/api/v1/runs/${run.runId}/results?offset=250&limit=5`);
    expect(page.body.items.map((r) => r.portfolio_id)).toEqual(run.results.slice(250, 255).map((r) => r.portfolio_id));
    const forged = await get(`/api/v1/runs/${run.runId}/results?after=bm9wZQ`);
    expect(forged.status).toBe(400);
    expect(forged.body.detail).toMatch(/^after:/);
    const tooFar = await get('/api/v1/runs?offset=5000');
    expect(tooFar.status).toBe(400);
  });

  it('when a stored rebalance pages its portfolios at any offset, then the reads are keyed and the count comes from the run', async () => {
    const id = rebalanceIdFor(run.runId, run.modelId);
    await t.db.collection('rebalances').insertOne({ _id: id, run_id: run.runId, model_id: run.modelId, model_name: 'Model 1', rebalance_date: new Date(0), version: 1, created_at: new Date(0) } as never);
    commands.length = 0;
    const page = await send(port, 'get', `/api/v1/rebalance/${id}/portfolios?offset=500&limit=3`);
    const optimal = run.results.filter((r) => r.status === 'optimal');
    expect((JSON.parse(page.text) as { portfolio_id: string }[]).map((p) => p.portfolio_id)).toEqual(optimal.slice(500, 503).map((r) => r.portfolio_id));
    const one = JSON.parse((await send(port, 'get', `/api/v1/rebalance/${id}?portfolio_limit=1`)).text) as { number_of_portfolios: number };
    expect(one.number_of_portfolios).toBe(540);
    expect(unkeyed(commands)).toEqual([]);
  });

  it('when the summary is asked, then it merges the chunk summaries: counts, decimal values, top securities', async () => {
    commands.length = 0;
    const res = await get(`/api/v1/runs/${run.runId}/summary`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ run_id: run.runId, processed: 600, buy_value: String(540 * 100), sell_value: String(540 * 100) });
    const top = res.body.top_securities as { security_id: string; orders: number }[];
    expect(top.map((s) => s.orders)).toEqual([540, 540]);
    const after = res.body.breach_after as { counts: number[] };
    expect(after.counts.reduce((a, b) => a + b, 0)).toBe(540);
    expect(unkeyed(commands)).toEqual([]);
  });
});

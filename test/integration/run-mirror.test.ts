import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { RunMirror, liveCounts } from '../../src/queue/index.js';
import { ZERO_COUNTS, type RunCounts, type RunDocument } from '../../src/store/run-documents.js';
import { redisUrl, uniqueQueuePrefix } from '../support/redis.js';

const at = new Date('2026-11-25T10:00:00Z');

function header(runId: string): RunDocument {
  return {
    _id: runId,
    status: 'queued',
    selection: { all: true },
    options: {},
    solve_options: {} as RunDocument['solve_options'],
    priority: 5,
    kind: 'native',
    total: 300,
    chunk_count: 3,
    enqueued_chunks: 0,
    model_ids: ['m'],
    final_counts: null,
    reason: null,
    created_at: at,
    started_at: null,
    finished_at: null,
  };
}

const counts = (processed: number, succeeded: number, orders: number): RunCounts => ({ ...ZERO_COUNTS, processed, succeeded, failed: processed - succeeded, orders });

describe('RunMirror (the Redis mirror of run headers and progress)', () => {
  let redis: Redis;
  let mirror: RunMirror;

  beforeAll(() => {
    redis = new Redis(redisUrl);
    mirror = new RunMirror(redis, uniqueQueuePrefix('mirror'));
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('when a run was never mirrored, then reading it gives nothing (readers fall back to MongoDB)', async () => {
    expect(await mirror.get('never')).toBeUndefined();
    expect((await mirror.read(['never'])).size).toBe(0);
  });

  it('when a chunk is recorded twice (a re-delivery), then it counts once', async () => {
    await mirror.open(header('r1'));
    await mirror.record('r1', 0, counts(100, 98, 400));
    await mirror.record('r1', 1, counts(100, 100, 410));
    await mirror.record('r1', 1, counts(100, 100, 410));
    const m = (await mirror.get('r1'))!;
    expect(m.chunksDone).toBe(2);
    expect(m.counts).toEqual({ ...ZERO_COUNTS, processed: 200, succeeded: 198, failed: 2, orders: 810 });
    expect(m.run).toMatchObject({ status: 'queued', created_at: at });
  });

  it('when a run starts and is settled final, then a late start does not undo it', async () => {
    await mirror.open(header('r2'));
    await mirror.started('r2', new Date('2026-11-25T10:00:01Z'));
    expect((await mirror.get('r2'))!.run).toMatchObject({ status: 'running', started_at: new Date('2026-11-25T10:00:01Z') });
    const finishedAt = new Date('2026-11-25T10:00:09Z');
    await mirror.settle('r2', { status: 'cancelled', final_counts: null, finished_at: finishedAt, reason: 'cancelled by request' });
    await mirror.started('r2', new Date());
    expect((await mirror.get('r2'))!.run).toMatchObject({ status: 'cancelled', final_counts: null, finished_at: finishedAt, reason: 'cancelled by request' });
    expect(await redis.ttl(`${(mirror as unknown as { prefix: string }).prefix}:ogs:run:r2`)).toBeLessThanOrEqual(3_600);
  });

  it('when two finishers claim a final status, then the first claim wins, and it shows only once settled', async () => {
    await mirror.open(header('r5'));
    const first = await mirror.claimFinal('r5', { status: 'completed', final_counts: counts(300, 300, 9), finished_at: at, reason: null });
    const second = await mirror.claimFinal('r5', { status: 'failed', final_counts: null, finished_at: new Date(), reason: 'x' });
    expect(first.won).toBe(true);
    expect(second).toEqual({ won: false, ending: first.ending });
    expect((await mirror.get('r5'))!.run!.status).toBe('queued');
    await mirror.settle('r5', second.ending);
    expect((await mirror.get('r5'))!.run).toMatchObject({ status: 'completed', final_counts: counts(300, 300, 9), finished_at: at });
  });

  it('when a run is opened with its plan, then it is listed as unstored until stored, and its dates survive', async () => {
    const plan = {
      chunks: [{ _id: 'r3:0', run_id: 'r3', index: 0, items: [{ model_id: 'm', portfolio_id: 'p' }] }],
      models: [],
      rebalances: [{ _id: 'x', run_id: 'r3', model_id: 'm', model_name: 'M', rebalance_date: at, version: 1, created_at: at }],
    };
    await mirror.open(header('r3'), plan);
    expect(await mirror.unstored()).toContain('r3');
    expect((await mirror.get('r3'))!.plan).toEqual(plan);
    await mirror.stored('r3');
    expect(await mirror.unstored()).not.toContain('r3');
    expect((await mirror.get('r3'))!.plan).toBeUndefined();
  });

  it('when a mirror write fails inside its transaction, then it rejects instead of looking done (a chunk must not complete uncounted)', async () => {
    const prefix = (mirror as unknown as { prefix: string }).prefix;
    await redis.set(`${prefix}:ogs:run:r6`, 'not a hash');
    await expect(mirror.record('r6', 0, counts(1, 1, 1))).rejects.toThrow(/WRONGTYPE/);
    await expect(mirror.open(header('r6'))).rejects.toThrow(/WRONGTYPE/);
  });

  it('when some runs are not mirrored, then live counts take those from the stored sums', async () => {
    await mirror.open(header('r4'));
    await mirror.record('r4', 0, counts(10, 10, 3));
    const fromMongo = counts(7, 5, 2);
    const live = await liveCounts(mirror, { countsOf: async (ids) => new Map(ids.map((id) => [id, fromMongo])) }, ['r4', 'old-run']);
    expect(live.get('r4')).toEqual(counts(10, 10, 3));
    expect(live.get('old-run')).toEqual(fromMongo);
  });
});

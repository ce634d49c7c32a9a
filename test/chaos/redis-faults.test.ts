import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MongoClient } from 'mongodb';
import { RUNS_COLLECTION } from '../../src/store/runs-repository.js';
import { Cluster, sleep, waitFor } from './support/cluster.js';
import { runViolations, type RunJsonLike } from './support/invariants.js';
import { PrivateRedis } from './support/private-redis.js';
import { seedModel } from './support/seed.js';

const PORTFOLIOS = Number(process.env.CHAOS_REDIS_PORTFOLIOS ?? 2_000);
const RUN_TIMEOUT_MS = 180_000;
const WORKERS = 2;
/** Small chunks, so the run is mid-way for long enough to be hit, and there is much to lose. */
const CHUNK_SIZE = '50';
/** The sweeper's interval (and grace) here; production's default is 30 s. */
const SWEEP_SECONDS = '2';
const describeChaos = process.env.OGS_CHAOS === '1' ? describe : describe.skip;

interface RunRecord extends RunJsonLike {
  run_id: string;
  processed: number;
}

/** Printed at the end for docs/RELIABILITY.md. */
const reports: Record<string, unknown>[] = [];

describeChaos(`chaos: Redis loses its data or fills up during a ${PORTFOLIOS}-portfolio run (a private redis-server)`, () => {
  const redis = new PrivateRedis();
  let cluster: Cluster;
  let modelId: string;
  let portfolioIds: string[];

  beforeAll(async () => {
    await redis.start();
    cluster = new Cluster(redis.url);
    await cluster.startFerret();
    ({ modelId, portfolioIds } = await seedModel(await cluster.db(), PORTFOLIOS));
    await cluster.startApi({ CHUNK_SIZE });
    for (let i = 0; i < WORKERS; i += 1) await cluster.startWorker({ RUN_SWEEP_SECONDS: SWEEP_SECONDS });
  }, 300_000);

  afterAll(async () => {
    console.log(`chaos results, Redis faults (${PORTFOLIOS} portfolios, ${WORKERS} workers, chunks of ${CHUNK_SIZE}, RUN_SWEEP_SECONDS=${SWEEP_SECONDS}):\n${reports.map((r) => JSON.stringify(r)).join('\n')}`);
    await redis.admin?.config('SET', 'maxmemory', '0').catch(() => undefined);
    await cluster?.close();
    await redis.stop();
  }, 60_000);

  async function getRun(runId: string): Promise<RunRecord> {
    for (;;) {
      const res = await fetch(`${cluster.apiUrl}/api/v1/runs/${runId}`).catch(() => undefined);
      if (res?.status === 200) return (await res.json()) as RunRecord;
      await sleep(250);
    }
  }

  function submit(): Promise<Response> {
    return fetch(`${cluster.apiUrl}/api/v1/runs`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ model_ids: [modelId] }) });
  }

  async function startedRun(): Promise<{ runId: string; started: number }> {
    const started = Date.now();
    const res = await submit();
    expect(res.status).toBe(202);
    const runId = ((await res.json()) as { run_id: string }).run_id;
    await waitFor(async () => (await getRun(runId)).processed >= PORTFOLIOS / 5, RUN_TIMEOUT_MS, 'run made no progress');
    return { runId, started };
  }

  /** Waits for the run to end; `recoveryMs` from `faultEnded` to the next progress. */
  async function finish(runId: string, started: number, faultEnded: number): Promise<{ run: RunRecord; recoveryMs: number; runMs: number; afterFaultMs: number }> {
    const before = (await getRun(runId)).processed;
    let recoveryMs = -1;
    let run = await getRun(runId);
    while (!['completed', 'completed_with_errors', 'failed', 'cancelled'].includes(run.status)) {
      if (Date.now() - started > RUN_TIMEOUT_MS) throw new Error(`run ${runId} not finished: ${JSON.stringify(run)}`);
      await sleep(200);
      run = await getRun(runId);
      if (recoveryMs < 0 && run.processed > before) recoveryMs = Date.now() - faultEnded;
    }
    if (recoveryMs < 0) recoveryMs = Date.now() - faultEnded;
    return { run, recoveryMs, runMs: Date.now() - started, afterFaultMs: Date.now() - faultEnded };
  }

  it('when Redis is flushed (FLUSHALL) mid-run, then the sweeper re-enqueues what was lost and the run completes once per portfolio', async () => {
    const { runId, started } = await startedRun();
    const processedAtFlush = (await getRun(runId)).processed;
    await redis.admin!.flushall();
    const flushed = Date.now();
    const { run, recoveryMs, runMs, afterFaultMs } = await finish(runId, started, flushed);
    const violations = await runViolations(await cluster.db(), runId, run, portfolioIds);
    reports.push({ fault: 'FLUSHALL mid-run', processedAtFlush, recoveryMs, flushToFinalMs: afterFaultMs, runMs, violations });
    expect(violations).toEqual([]);
  }, RUN_TIMEOUT_MS + 60_000);

  it('when Redis reaches maxmemory (noeviction), then submits answer 503 with Retry-After naming the cause, readiness says so, nothing is left queued, and once memory is freed the run completes', async () => {
    const { runId, started } = await startedRun();
    await redis.admin!.config('SET', 'maxmemory', String(Math.max(1, (await redis.usedMemory()) - 1024 * 1024)));
    const full = Date.now();
    const refused = await submit();
    const body = (await refused.json()) as { detail: string; code: string };
    const ready = await fetch(`${cluster.apiUrl}/health/ready`);
    const readyBody = (await ready.json()) as { detail: string };
    await sleep(3_000);
    await redis.admin!.config('SET', 'maxmemory', '0');
    const freed = Date.now();

    expect({ status: refused.status, retryAfter: refused.headers.get('retry-after'), code: body.code }).toEqual({ status: 503, retryAfter: '5', code: 'REDIS_REFUSED' });
    expect(body.detail).toMatch(/^Redis is out of memory \(maxmemory reached under noeviction\) and refuses writes/);
    expect(ready.status).toBe(503);
    expect(readyBody.detail).toMatch(/^not ready: redis \(Redis is out of memory/);

    const { run, recoveryMs, runMs, afterFaultMs } = await finish(runId, started, freed);
    const violations = await runViolations(await cluster.db(), runId, run, portfolioIds);
    // The refused bulk submit was recorded in MongoDB before Redis refused it: it must be final, not queued.
    const client = new MongoClient(cluster.mongoUrl);
    const others = await client.db(cluster.dbName).collection(RUNS_COLLECTION).find({ _id: { $ne: runId as never }, created_at: { $gte: new Date(full - 1_000) } }).toArray();
    await client.close();
    expect(others.map((r) => r.status)).not.toContain('queued');
    for (const other of others) expect(other).toMatchObject({ status: 'failed', reason: expect.stringMatching(/^not queued \(Redis is out of memory/) });
    expect((await fetch(`${cluster.apiUrl}/health/ready`)).status).toBe(200);
    reports.push({ fault: 'Redis at maxmemory for 3 s mid-run', fullForMs: freed - full, recoveryMs, freedToFinalMs: afterFaultMs, runMs, refusedRunsLeftQueued: others.filter((r) => r.status === 'queued').length, violations });
    expect(violations).toEqual([]);
  }, RUN_TIMEOUT_MS + 60_000);
});

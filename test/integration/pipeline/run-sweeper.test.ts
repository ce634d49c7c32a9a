import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import * as worker from '../../../src/worker/main.js';
import { REBALANCE_QUEUE, chunkJobId, createRebalanceQueue, type RebalanceQueue } from '../../../src/queue/index.js';
import { RESULTS_COLLECTION } from '../../../src/store/results-repository.js';
import { RUN_CHUNKS_COLLECTION, RUNS_COLLECTION } from '../../../src/store/runs-repository.js';
import { redisUrl } from '../../support/redis.js';
import { seedBook, type Book } from './support/book.js';
import { startPipeline, waitFinal, type Pipeline } from './support/harness.js';

/**
 * The run sweeper (src/worker/run-sweeper.ts) against real Redis and FerretDB: each case
 * submits a run with no worker running, breaks it the way a Redis loss or a lost record would,
 * then starts a worker whose sweeper runs every second, and expects the run to end.
 */
describe('the run sweeper', () => {
  let p: Pipeline;
  let book: Book;
  let queue: RebalanceQueue;
  let redis: Redis;
  const CHUNKS = 6;

  beforeAll(async () => {
    // 20 portfolios a chunk: 120 portfolios make 6 chunks, a bulk run stored in MongoDB first.
    p = await startPipeline('sweeper', { CHUNK_SIZE: '20', RUN_SWEEP_SECONDS: '1' }, { worker: false });
    book = await seedBook(p.t.db, { models: 1, portfoliosPerModel: 120, positionsPerModel: 4, seed: 5 });
    queue = createRebalanceQueue({ connection: { url: redisUrl }, prefix: p.prefix });
    redis = new Redis(redisUrl);
  }, 60_000);
  afterAll(async () => {
    await worker.stop();
    await queue?.close();
    redis?.disconnect();
    await p?.stop();
  });

  async function submit(): Promise<string> {
    const res = await request(p.app).post('/api/v1/runs').send({ model_ids: [book.modelIds[0]] });
    expect(res.status).toBe(202);
    expect(res.body.total).toBe(120);
    return res.body.run_id as string;
  }

  /** What Redis losing its data does to a run: its jobs and its mirror are gone. */
  async function loseRedisState(runId: string): Promise<void> {
    for (let i = 0; i < CHUNKS; i += 1) await queue.remove(chunkJobId(runId, i));
    await redis.del(`${p.prefix}:ogs:run:${runId}`);
  }

  async function runWorkerUntilFinal(runId: string): Promise<Record<string, unknown>> {
    await worker.start({ ...p.env, WORKER_HTTP_PORT: '0' }, { drainDelay: 1 });
    try {
      return await waitFinal(p.app, runId, 60);
    } finally {
      await worker.stop();
    }
  }

  const resultsOf = (runId: string) => p.t.db.collection(RESULTS_COLLECTION).find({ run_id: runId }).toArray();

  it('when a run lost every queued chunk (a Redis flush), then the sweeper enqueues them again and the run completes once per portfolio', async () => {
    const runId = await submit();
    await loseRedisState(runId);
    expect(await queue.getJobState(chunkJobId(runId, 0))).toBe('unknown');
    const run = await runWorkerUntilFinal(runId);
    expect(run).toMatchObject({ status: 'completed', processed: 120, succeeded: 120 });
    const results = await resultsOf(runId);
    expect(new Set(results.map((r) => r.portfolio_id)).size).toBe(120);
    expect(results).toHaveLength(120);
  }, 90_000);

  it('when a chunk failed for good and its failure was never recorded, then the sweeper records its portfolios as failed and the run ends', async () => {
    const runId = await submit();
    // A worker that fails one chunk for good and stops, as if its `failed` handler never ran.
    const poison = new Worker(REBALANCE_QUEUE, async () => {
      throw new UnrecoverableError('poisoned by the test');
    }, { connection: { url: redisUrl, maxRetriesPerRequest: null }, prefix: p.prefix, concurrency: 1, autorun: false });
    let poisoned = 0;
    const failedOnce = new Promise<void>((resolve) => poison.on('failed', () => ((poisoned += 1), resolve())));
    void poison.run();
    await failedOnce;
    // It may take one more chunk before it stops; each is failed for good.
    await poison.close();
    expect(poisoned).toBeGreaterThanOrEqual(1);
    const run = await runWorkerUntilFinal(runId);
    expect(run).toMatchObject({ status: 'completed_with_errors', processed: 120, failed: 20 * poisoned, succeeded: 120 - 20 * poisoned });
    const failed = (await resultsOf(runId)).filter((r) => r.status === 'failed');
    expect(failed).toHaveLength(20 * poisoned);
    expect(failed[0]).toMatchObject({ reason: 'chunk abandoned: poisoned by the test', error_code: 'CHUNK_ABANDONED' });
  }, 90_000);

  it('when every chunk is recorded but the run was never finished, then the sweeper finishes it', async () => {
    const runId = await submit();
    await runWorkerUntilFinal(runId);
    // The finisher "died" before the final status was stored, and Redis lost the mirror.
    await p.t.db.collection(RUNS_COLLECTION).updateOne({ _id: runId as never }, { $set: { status: 'running', final_counts: null, finished_at: null } });
    await redis.del(`${p.prefix}:ogs:run:${runId}`);
    expect((await request(p.app).get(`/api/v1/runs/${runId}`)).body.status).toBe('running');
    const run = await runWorkerUntilFinal(runId);
    expect(run).toMatchObject({ status: 'completed', processed: 120, succeeded: 120 });
  }, 120_000);

  it('when a lost chunk has no stored plan, then the run is failed with a reason saying so', async () => {
    const runId = await submit();
    await loseRedisState(runId);
    await p.t.db.collection(RUN_CHUNKS_COLLECTION).deleteOne({ _id: chunkJobId(runId, 3) as never });
    const run = await runWorkerUntilFinal(runId);
    expect(run.status).toBe('failed');
    expect(run.reason).toMatch(/^run could not proceed: the plan of chunk 3 is not stored; 0 of 120 portfolios were processed$/);
  }, 90_000);
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { UpstreamUnavailable } from '../../../src/errors/index.js';
import { createLogger } from '../../../src/observability/logger.js';
import { Redis } from 'ioredis';
import { RunMirror, chunkJobId, createRebalanceQueue, type ChunkJobData } from '../../../src/queue/index.js';
import type { SolverPool } from '../../../src/solver-pool/index.js';
import { HoldingsRepository } from '../../../src/store/holdings-repository.js';
import { ModelsRepository } from '../../../src/store/models-repository.js';
import { ORDERS_COLLECTION, OrdersRepository } from '../../../src/store/orders-repository.js';
import { PricesRepository } from '../../../src/store/prices-repository.js';
import { RESULTS_COLLECTION, ResultsRepository } from '../../../src/store/results-repository.js';
import { RebalancesRepository } from '../../../src/store/rebalances-repository.js';
import { RunsRepository } from '../../../src/store/runs-repository.js';
import { SnapshotMarketData } from '../../../src/market-data/snapshot-source.js';
import type { MarketDataSource } from '../../../src/market-data/types.js';
import { processChunk, type ChunkProcessorDeps } from '../../../src/worker/process-chunk.js';
import { RunModelCache } from '../../../src/worker/run-model-cache.js';
import type { StoredRebalance } from '../../../src/worker/stored-rebalance.js';
import { createWorkerSolverPool } from '../../../src/worker/worker-solver-pool.js';
import { redisUrl } from '../../support/redis.js';
import { seedBook, type Book } from './support/book.js';
import { runToCompletion, startPipeline, waitFinal, type Pipeline } from './support/harness.js';

describe('idempotent submits and deliveries, cancel, and upstream outages', () => {
  let p: Pipeline;
  let book: Book;
  let pool: SolverPool<StoredRebalance>;
  let redis: Redis;

  beforeAll(async () => {
    p = await startPipeline('idem');
    book = await seedBook(p.t.db, { models: 2, portfoliosPerModel: 150, positionsPerModel: 10, seed: 7 });
    pool = createWorkerSolverPool({ size: 1, defaultDeadlineMs: 5_000 });
    redis = new Redis(redisUrl);
  }, 60_000);
  afterAll(async () => {
    await redis?.quit();
    await pool?.close();
    await p?.stop();
  });

  function deps(marketData?: MarketDataSource): ChunkProcessorDeps {
    const db = p.t.db;
    const runs = new RunsRepository(db);
    return {
      runs,
      mirror: new RunMirror(redis, p.prefix),
      rebalances: new RebalancesRepository(db),
      results: new ResultsRepository(db),
      orders: new OrdersRepository(db),
      models: new ModelsRepository(db),
      modelCache: new RunModelCache(runs),
      marketData: marketData ?? new SnapshotMarketData(new HoldingsRepository(db), new PricesRepository(db)),
      pool,
      deadlineMs: 5_000,
      logger: createLogger('silent', 'test'),
    };
  }

  it('when a submit is repeated with the same Idempotency-Key, then the same run comes back (200) and another body is 409', async () => {
    const body = { model_ids: [book.modelIds[0]] };
    const first = await request(p.app).post('/api/v1/runs').set('Idempotency-Key', 'k-1').send(body);
    expect(first.status).toBe(202);
    expect(first.headers.location).toBe(`/api/v1/runs/${first.body.run_id}`);
    expect(first.headers['retry-after']).toBeDefined();
    const again = await request(p.app).post('/api/v1/runs').set('Idempotency-Key', 'k-1').send(body);
    expect(again.status).toBe(200);
    expect(again.body.run_id).toBe(first.body.run_id);
    const other = await request(p.app).post('/api/v1/runs').set('Idempotency-Key', 'k-1').send({ model_ids: [book.modelIds[1]] });
    expect(other.status).toBe(409);
    const run = await waitFinal(p.app, first.body.run_id as string);
    expect(run).toMatchObject({ status: 'completed', processed: 150, succeeded: 150 });
  }, 60_000);

  it('when a finished chunk is delivered again, then no order is duplicated and nothing is counted twice', async () => {
    const run = await runToCompletion(p.app, { model_ids: [book.modelIds[1]] });
    const ordersBefore = await p.t.db.collection(ORDERS_COLLECTION).countDocuments({ run_id: run.run_id });
    const chunk = await p.t.db.collection('run_chunks').findOne({ _id: chunkJobId(run.run_id as string, 0) as never });
    const data: ChunkJobData = { run_id: run.run_id as string, chunk_index: 0, items: chunk!.items.map((i: { model_id: string; portfolio_id: string }) => [i.model_id, i.portfolio_id]) };
    await processChunk(deps(), { id: 'again', data, attemptsMade: 0, opts: { attempts: 5 } });
    expect(await p.t.db.collection(ORDERS_COLLECTION).countDocuments({ run_id: run.run_id })).toBe(ordersBefore);
    expect(await p.t.db.collection(RESULTS_COLLECTION).countDocuments({ run_id: run.run_id })).toBe(150);
    const after = await request(p.app).get(`/api/v1/runs/${run.run_id}`);
    expect(after.body).toMatchObject({ processed: 150, succeeded: 150, status: 'completed' });
  }, 60_000);

  it('when a queued run is cancelled, then its remaining chunks are not processed', async () => {
    await p.worker!.worker.pause();
    const submitted = await request(p.app).post('/api/v1/runs').send({ all: true });
    expect(submitted.body.total).toBe(300);
    const cancelled = await request(p.app).post(`/api/v1/runs/${submitted.body.run_id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    p.worker!.worker.resume();
    const queue = createRebalanceQueue({ connection: { url: redisUrl }, prefix: p.prefix });
    expect(await queue.getJob(chunkJobId(submitted.body.run_id, 0))).toBeUndefined();
    await queue.close();
    const run = await waitFinal(p.app, submitted.body.run_id);
    expect(run).toMatchObject({ status: 'cancelled', processed: 0 });
    expect(await p.t.db.collection(RESULTS_COLLECTION).countDocuments({ run_id: submitted.body.run_id })).toBe(0);
  }, 60_000);

  it('when a run is cancelled while a chunk is in flight, then that chunk keeps its orders and each says after_cancel', async () => {
    await p.worker!.worker.pause();
    // A few portfolios: marking is one update over the run's orders, a scan on FerretDB.
    const submitted = await request(p.app).post('/api/v1/runs').send({ portfolio_ids: book.portfolioIds.slice(0, 4) });
    const runId = submitted.body.run_id as string;
    const queue = createRebalanceQueue({ connection: { url: redisUrl }, prefix: p.prefix });
    const data: ChunkJobData = (await queue.getJob(chunkJobId(runId, 0)))!.data;
    await queue.close();
    const snapshot = new SnapshotMarketData(new HoldingsRepository(p.t.db), new PricesRepository(p.t.db));
    // The cancel arrives while the chunk loads its market data: the chunk is in flight.
    const cancelling: MarketDataSource = {
      name: 'snapshot',
      loadPortfolios: async (ids) => {
        expect((await request(p.app).post(`/api/v1/runs/${runId}/cancel`)).body.status).toBe('cancelled');
        return snapshot.loadPortfolios(ids);
      },
      loadPrices: (ids) => snapshot.loadPrices(ids),
    };
    await processChunk(deps(cancelling), { id: 'inflight', data, attemptsMade: 0, opts: { attempts: 3 } });
    p.worker!.worker.resume();
    const orders = await p.t.db.collection(ORDERS_COLLECTION).find({ run_id: runId }).toArray();
    expect(orders.length).toBeGreaterThan(0);
    expect(orders.every((o) => o.after_cancel === true)).toBe(true);
    const page = await request(p.app).get(`/api/v1/runs/${runId}/orders?limit=5`);
    expect(page.body.items[0]).toMatchObject({ run_id: runId, after_cancel: true });
    expect((await waitFinal(p.app, runId)).status).toBe('cancelled');
  }, 60_000);

  it('when market data is unavailable, then the chunk is retried, and on its last attempt every portfolio is recorded as failed with the reason', async () => {
    await p.worker!.worker.pause();
    const submitted = await request(p.app).post('/api/v1/runs').send({ model_ids: [book.modelIds[0]] });
    const runId = submitted.body.run_id as string;
    const down: MarketDataSource = {
      name: 'globeco',
      loadPortfolios: async () => {
        throw new UpstreamUnavailable('portfolio accounting service unavailable: connection refused');
      },
      loadPrices: async () => new Map(),
    };
    const queue = createRebalanceQueue({ connection: { url: redisUrl }, prefix: p.prefix });
    const data: ChunkJobData = (await queue.getJob(chunkJobId(runId, 0)))!.data;
    await queue.close();
    await expect(processChunk(deps(down), { id: 'x', data, attemptsMade: 0, opts: { attempts: 3 } })).rejects.toBeInstanceOf(UpstreamUnavailable);
    expect(await p.t.db.collection(RESULTS_COLLECTION).countDocuments({ run_id: runId })).toBe(0);
    await processChunk(deps(down), { id: 'x', data, attemptsMade: 2, opts: { attempts: 3 } });
    p.worker!.worker.resume();
    const run = await waitFinal(p.app, runId);
    expect(run).toMatchObject({ status: 'completed_with_errors', processed: 150, failed: 100, succeeded: 50 });
    const failed = await request(p.app).get(`/api/v1/runs/${runId}/results?status=failed&limit=1`);
    expect(failed.body.items[0].reason).toBe('portfolio accounting service unavailable: connection refused');
  }, 60_000);
});

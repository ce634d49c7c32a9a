import type { Server } from 'node:http';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { loadConfig, type Config } from '../config/config.js';
import { createLogger, type Logger } from '../observability/logger.js';
import { instrumentMarketData } from '../observability/market-data-metrics.js';
import { createWorkerMetrics } from '../observability/worker-metrics.js';
import { REBALANCE_QUEUE, RunMirror, type ChunkJobData, type ChunkJobResult } from '../queue/index.js';
import { createWorkerSolverPool } from './worker-solver-pool.js';
import { ensureIndexes } from '../store/indexes.js';
import { ModelsRepository } from '../store/models-repository.js';
import { connectMongo, pingMongo } from '../store/mongo.js';
import { OrdersRepository } from '../store/orders-repository.js';
import { RebalancesRepository } from '../store/rebalances-repository.js';
import { ResultsRepository } from '../store/results-repository.js';
import { RunsRepository } from '../store/runs-repository.js';
import { marketDataFromConfig } from './market-data-from-config.js';
import { RunSummariesRepository } from '../store/run-summaries-repository.js';
import { processChunk, recordAbandonedChunk, type ChunkProcessorDeps } from './process-chunk.js';
import { RunModelCache } from './run-model-cache.js';
import { startWorkerHttp } from './worker-http.js';
import { startMaintenance } from './maintenance.js';
import { STALLED_SETTINGS, type WorkerTuning } from './worker-settings.js';
import { isMainModule, runAsMain } from '../process/run-as-main.js';
import { startSending } from '../orders-out/send-worker.js';
import { ExponentialBackoff, handleAll, retry } from 'cockatiel';

/** A running worker process. */
export interface RunningWorker {
  config: Config;
  logger: Logger;
  /** The bound probe/metrics port (the real one when `WORKER_HTTP_PORT=0`). */
  httpPort: number;
  worker: Worker<ChunkJobData, ChunkJobResult>;
}

/** Environment overrides merged over `process.env`, e.g. `{ DATABASE_NAME: 't_x', WORKER_HTTP_PORT: '0' }`. */
export type WorkerOverrides = Partial<Record<keyof Config, string>>;

let running: { handle: RunningWorker; closers: (() => Promise<void>)[] } | undefined;

/**
 * The worker's composition root: config, MongoDB, market data, the solver pool, the BullMQ
 * worker on the `rebalance` queue, and the probe/metrics port. One per process.
 */
export async function start(overrides: WorkerOverrides = {}, tuning: WorkerTuning = {}): Promise<RunningWorker> {
  if (running) throw new Error('the worker is already started in this process');
  const config = loadConfig({ ...process.env, ...overrides });
  const logger = createLogger(config.LOG_LEVEL, 'worker');
  const closers: (() => Promise<void>)[] = [];
  try {
    const mongo = await connectMongo({ url: config.MONGODB_URL, dbName: config.DATABASE_NAME, poolSize: config.CONNECTION_POOL_SIZE, logger });
    closers.push(() => mongo.close());
    await ensureIndexes(mongo.db);
    const pool = createWorkerSolverPool({ size: config.THREAD_POOL_MAX_WORKERS, defaultDeadlineMs: config.OPTIMIZATION_TIMEOUT * 1000, logger });
    closers.push(() => pool.close());
    const metrics = createWorkerMetrics();
    const runs = new RunsRepository(mongo.db);
    // A command that never answers would hold its chunk active forever (the lock keeps being
    // renewed): time it out, fail the job, and let BullMQ retry it.
    const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null, commandTimeout: 10_000 });
    closers.push(async () => void (await redis.quit().catch(() => redis.disconnect())));
    const deps: ChunkProcessorDeps = {
      runs,
      mirror: new RunMirror(redis, config.QUEUE_PREFIX),
      rebalances: new RebalancesRepository(mongo.db),
      results: new ResultsRepository(mongo.db),
      orders: new OrdersRepository(mongo.db),
      summaries: new RunSummariesRepository(mongo.db),
      models: new ModelsRepository(mongo.db),
      modelCache: new RunModelCache(runs),
      marketData: instrumentMarketData(marketDataFromConfig(config, mongo.db), metrics),
      pool,
      deadlineMs: config.OPTIMIZATION_TIMEOUT * 1000,
      logger,
      metrics,
    };
    const worker = new Worker<ChunkJobData, ChunkJobResult>(REBALANCE_QUEUE, (job) => processChunk(deps, job), {
      connection: { url: config.REDIS_URL, maxRetriesPerRequest: null },
      prefix: config.QUEUE_PREFIX,
      concurrency: config.WORKER_CONCURRENCY,
      ...STALLED_SETTINGS,
      ...tuning,
    });
    // Closed first on stop: no new jobs, active chunks finish, then the pool and clients close.
    closers.push(() => worker.close());
    const abandonRetry = retry(handleAll, { maxAttempts: 30, backoff: new ExponentialBackoff({ initialDelay: 500, maxDelay: 15_000 }) });
    abandonRetry.onRetry(({ attempt }) => logger.warn({ attempt }, 'recording an abandoned chunk failed; retrying'));
    worker.on('error', (error) => logger.error({ err: error }, 'worker error'));
    worker.on('failed', (job, error) => {
      if (!job) return;
      if (job.finishedOn === undefined) {
        logger.warn({ job_id: job.id, run_id: job.data.run_id, attempt: job.attemptsMade, err: error }, 'chunk attempt failed; retrying');
        return;
      }
      logger.error({ job_id: job.id, run_id: job.data.run_id, err: error }, 'chunk failed for good');
      // The chunk is settled only by this record; a database that is still down when the last
      // attempt failed must not lose it, so the record is retried for minutes, not dropped.
      abandonRetry
        .execute(() => recordAbandonedChunk(deps, job.data, `chunk abandoned: ${error.message}`))
        .catch((e: unknown) => logger.error({ job_id: job.id, err: e }, 'could not record the failed chunk'));
    });
    // The run sweeper and retention: src/worker/maintenance.ts.
    closers.push(await startMaintenance({ config, db: mongo.db, chunks: deps, logger }));
    // Sending to the Order Service (off unless ORDER_SERVICE_URL is set): src/orders-out/send-worker.ts.
    closers.push(await startSending({ config, db: mongo.db, logger, registry: metrics.registry }));
    const http = await startWorkerHttp(config.WORKER_HTTP_PORT, config.WORKER_HTTP_HOST, { mongodb: () => pingMongo(mongo.db), redis: () => redis.ping() }, metrics.registry);
    // Closed last (closers run in reverse): probes and /metrics keep answering while the
    // worker drains its active chunks on SIGTERM, which can take up to the solve deadline.
    closers.unshift(() => closeServer(http.server));
    const handle = { config, logger, httpPort: http.port, worker };
    running = { handle, closers };
    logger.info({ concurrency: config.WORKER_CONCURRENCY, threads: config.THREAD_POOL_MAX_WORKERS, http_port: http.port }, 'worker started');
    return handle;
  } catch (error) {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    throw error;
  }
}

/** Stops taking jobs, lets active chunks finish (`worker.close()`), then closes the pool and clients. */
export async function stop(): Promise<void> {
  if (!running) return;
  const { closers, handle } = running;
  running = undefined;
  for (const close of closers.reverse()) await close();
  handle.logger.info('worker stopped');
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

if (isMainModule(import.meta.url)) runAsMain('worker', () => start(), stop);

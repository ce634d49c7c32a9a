import { Queue, Worker, type Job } from 'bullmq';
import { ConsecutiveBreaker, circuitBreaker, handleAll } from 'cockatiel';
import type { Db } from 'mongodb';
import type { Registry } from 'prom-client';
import type { Config } from '../config/config.js';
import type { Logger } from '../observability/logger.js';
import { createSendMetrics } from '../observability/send-metrics.js';
import { OutboxRepository } from '../store/outbox-repository.js';
import { OrderServiceClient } from './order-service-client.js';
import { RetryLater, sendBatch } from './send-batch.js';
import { planAndEnqueue, sweep } from './send-sweeper.js';
import { STALLED_SETTINGS } from '../worker/worker-settings.js';

/** The queue of send jobs (one per batch) and of the repeatable sweep. */
export const SEND_QUEUE = 'order-send';
/** Consecutive outages (503, timeouts, resets) that open the breaker. */
const BREAKER_THRESHOLD = 5;
/** How long an open breaker waits before letting one trial POST through. */
const HALF_OPEN_AFTER_MS = 10_000;
/** Backoff cap for outcomes without a `Retry-After`. */
const MAX_BACKOFF_MS = 30_000;
/** A batch is retried this many times before it stays failed on the queue board for an operator. */
const SEND_ATTEMPTS = 500;

/** The data of a job on the send queue: a batch to send (`send`), a run to plan (`plan`), or nothing (`sweep`). */
export interface SendJobData {
  batch_id?: string;
  run_id?: string;
}

/**
 * Starts sending when `ORDER_SERVICE_URL` is set (otherwise does nothing): the `order-send`
 * queue with its repeatable sweep, and a BullMQ worker for its jobs. Returns the closer.
 */
export async function startSending(ctx: { config: Config; db: Db; logger: Logger; registry: Registry }): Promise<() => Promise<void>> {
  const { config } = ctx;
  if (config.ORDER_SERVICE_URL === undefined) return async () => undefined;
  const connection = { url: config.REDIS_URL, maxRetriesPerRequest: null };
  const queue = new Queue<SendJobData>(SEND_QUEUE, {
    connection,
    prefix: config.QUEUE_PREFIX,
    defaultJobOptions: { attempts: SEND_ATTEMPTS, backoff: { type: 'send' }, removeOnComplete: { count: 10_000 }, removeOnFail: { count: 10_000 } },
  });
  await queue.upsertJobScheduler('send-sweep', { every: config.SEND_SWEEP_SECONDS * 1000 }, { name: 'sweep', opts: { attempts: 1, removeOnComplete: true, removeOnFail: 100 } });
  const outbox = new OutboxRepository(ctx.db);
  const logger = ctx.logger.child({ component: 'sender' });
  const metrics = createSendMetrics(ctx.registry, () => oldestPendingSeconds(queue));
  const sendDeps = {
    outbox,
    client: new OrderServiceClient(config.ORDER_SERVICE_URL.replace(/\/+$/, ''), config.ORDER_SERVICE_TIMEOUT_MS),
    breaker: circuitBreaker(handleAll, { halfOpenAfter: HALF_OPEN_AFTER_MS, breaker: new ConsecutiveBreaker(BREAKER_THRESHOLD) }),
    halfOpenAfterMs: HALF_OPEN_AFTER_MS,
    metrics,
    logger,
  };
  const sweepDeps = { db: ctx.db, outbox, queue, batchSize: config.SEND_BATCH_SIZE, logger };
  const worker = new Worker<SendJobData, unknown>(
    SEND_QUEUE,
    (job: Job<SendJobData>): Promise<unknown> => {
      if (job.name === 'sweep') return sweep(sweepDeps);
      if (job.name === 'plan') return planAndEnqueue(sweepDeps, job.data.run_id!);
      return sendBatch(sendDeps, job.data.batch_id!);
    },
    {
      connection,
      prefix: config.QUEUE_PREFIX,
      concurrency: config.SEND_CONCURRENCY,
      // A killed worker's batch is back within about lockDuration + stalledInterval; resuming it
      // is safe (it is reconciled first), so it may stall more often than a chunk.
      ...STALLED_SETTINGS,
      maxStalledCount: 10,
      settings: { backoffStrategy: (attemptsMade, _type, err) => retryDelayMs(attemptsMade, err, config.ORDER_SERVICE_TIMEOUT_MS) },
    },
  );
  worker.on('error', (error) => logger.error({ err: error }, 'send worker error'));
  worker.on('failed', (job, error) => logger.warn({ job_id: job?.id, attempts: job?.attemptsMade, err: error.message }, 'send attempt failed; retried later'));
  return async () => {
    await worker.close();
    await queue.close();
  };
}

/**
 * `Retry-After` when the Order Service (or the open breaker) gave one; otherwise exponential,
 * but never sooner than the request timeout, so that a request the Order Service was still
 * working on when this side gave up has finished before reconciliation asks for its orders.
 */
export function retryDelayMs(attemptsMade: number, err: Error | undefined, timeoutMs: number): number {
  if (err instanceof RetryLater && err.delayMs !== null) return err.delayMs;
  return Math.max(timeoutMs, Math.min(MAX_BACKOFF_MS, 500 * 2 ** attemptsMade));
}

async function oldestPendingSeconds(queue: Queue<SendJobData>): Promise<number> {
  const jobs = await queue.getJobs(['waiting', 'prioritized', 'delayed', 'active'], 0, 500, true);
  const oldest = Math.min(...jobs.filter((j) => j.name === 'send').map((j) => j.timestamp));
  return Number.isFinite(oldest) ? Math.max(0, (Date.now() - oldest) / 1000) : 0;
}

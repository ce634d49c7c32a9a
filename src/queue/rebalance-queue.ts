import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import type { ChunkJobData, ChunkJobResult } from './chunk-job.js';

/** The one queue every run goes through (the HPA scales workers on its backlog). */
export const REBALANCE_QUEUE = 'rebalance';

/** Job name of a chunk (shown by bull-board). */
export const CHUNK_JOB = 'chunk';

/**
 * Retries are for transient IO (MongoDB, market data upstream): 7 attempts, 1 s, 2 s, … 32 s
 * apart, so an outage of about a minute (a database restart that takes a while to accept
 * connections again) is ridden out. Infeasible or invalid portfolios are results, not errors,
 * and are never retried. Finished jobs are trimmed so Redis does not grow with history.
 */
export const CHUNK_JOB_OPTIONS: JobsOptions = {
  attempts: 7,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { age: 3_600, count: 5_000 },
  removeOnFail: { age: 7 * 24 * 3_600 },
};

/**
 * Chunks of a v1 rebalance, whose caller waits a few seconds for the answer: two quick attempts,
 * so an upstream outage becomes a clear failure (503) within the wait instead of a 202.
 */
export const INTERACTIVE_JOB_OPTIONS: Pick<JobsOptions, 'attempts' | 'backoff'> = {
  attempts: 2,
  backoff: { type: 'fixed', delay: 500 },
};

export type RebalanceQueue = Queue<ChunkJobData, ChunkJobResult, typeof CHUNK_JOB>;

/** Options of {@link createRebalanceQueue}. */
export interface RebalanceQueueOptions {
  connection: ConnectionOptions;
  /** BullMQ key prefix (`QUEUE_PREFIX`). */
  prefix: string;
}

export function createRebalanceQueue(options: RebalanceQueueOptions): RebalanceQueue {
  return new Queue<ChunkJobData, ChunkJobResult, typeof CHUNK_JOB>(REBALANCE_QUEUE, {
    connection: options.connection,
    prefix: options.prefix,
    defaultJobOptions: CHUNK_JOB_OPTIONS,
  });
}

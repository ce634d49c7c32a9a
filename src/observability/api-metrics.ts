import type { RequestHandler } from 'express';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Logger } from './logger.js';
import {
  METRIC_NAMES,
  QUEUE_STATES,
  createProcessRegistry,
  defineRunsCounter,
  type QueueState,
  type RunFinalStatus,
} from './metrics.js';
import { defineHttpHistogram, httpMetricsMiddleware } from './http-metrics.js';

/** What the queue-depth gauge needs from a BullMQ `Queue`. */
export interface QueueCountsSource {
  readonly name: string;
  getJobCounts(...states: QueueState[]): Promise<Record<string, number>>;
}

/** Options of {@link createApiMetrics}. */
export interface ApiMetricsOptions {
  /** The `rebalance` queue; without it `ogs_queue_jobs` has no series. */
  queue?: QueueCountsSource;
  /** How long a scrape waits for Redis before giving up on the queue depth. @defaultValue 1000 */
  queueTimeoutMs?: number;
  logger?: Logger;
}

/** The API process's metrics: HTTP durations, finished runs, and the queue depth the HPA scales on. */
export interface ApiMetrics {
  readonly registry: Registry;
  /** Mount before the routers: times every request by matched route and status. */
  readonly httpMiddleware: RequestHandler;
  /** Call once when the API moves a run to a final status (e.g. cancel). */
  recordRunFinished(status: RunFinalStatus): void;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Queue depth by state, read from Redis at scrape time. Only the API exports it: the workers
 * are what the HPA scales, so they must not be the ones reporting the backlog. When Redis
 * does not answer, the series are removed (absent beats stale for an autoscaler) and an
 * error counter goes up.
 */
function defineQueueGauge(registry: Registry, options: ApiMetricsOptions): void {
  const { queue, logger } = options;
  const timeoutMs = options.queueTimeoutMs ?? 1000;
  const errors = new Counter({
    name: METRIC_NAMES.queueScrapeErrors,
    help: 'Scrapes in which the queue depth could not be read from Redis.',
    registers: [registry],
  });
  new Gauge({
    name: METRIC_NAMES.queueJobs,
    help: 'Jobs in the queue by state, read from Redis at scrape time (exported by the API only).',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      if (!queue) return;
      try {
        const counts = await withTimeout(queue.getJobCounts(...QUEUE_STATES), timeoutMs);
        for (const state of QUEUE_STATES) this.set({ queue: queue.name, state }, counts[state] ?? 0);
      } catch (error) {
        this.reset();
        errors.inc();
        logger?.warn({ err: error }, 'queue depth unavailable for /metrics');
      }
    },
  });
}

export function createApiMetrics(options: ApiMetricsOptions = {}): ApiMetrics {
  const registry = createProcessRegistry('api');
  const http = defineHttpHistogram(registry);
  const runs = defineRunsCounter(registry);
  defineQueueGauge(registry, options);
  return {
    registry,
    httpMiddleware: httpMetricsMiddleware(http),
    recordRunFinished: (status) => runs.inc({ status }),
  };
}

import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RequestHandler, Router } from 'express';
import type { Config } from '../../config/config.js';
import type { Logger } from '../../observability/logger.js';
import { REBALANCE_QUEUE } from '../../queue/rebalance-queue.js';
import { createApiMetrics, type ApiMetrics } from '../../observability/api-metrics.js';
import { metricsRouter } from '../../observability/metrics.js';
import { createDashboardRouter } from '../dashboard/dashboard-router.js';
import { healthDepsFromConfig } from '../health/from-config.js';
import { createHealthRouter } from '../health/health-router.js';
import { METRICS_PATH } from '../health/paths.js';
import { KeyRing } from '../http/api-keys.js';
import { createQueueBoardRouter } from './queue-board.js';

/** What the API's composition root already holds. */
export interface OperationsHandles {
  db: { command(cmd: Record<string, unknown>): Promise<unknown> };
  redis: Redis;
  logger: Logger;
  /** The pipeline's `rebalance` queue; when absent, one is opened on `redis` and closed by `close()`. */
  queue?: Queue;
}

/** Everything operational the API mounts, ready for `createApp({ middleware, routers })`. */
export interface Operations {
  metrics: ApiMetrics;
  middleware: RequestHandler[];
  routers: Router[];
  close(): Promise<void>;
}

/**
 * Metrics, health, the queue dashboard and the run view, built from config and open handles:
 * `createApp({ …, middleware: ops.middleware, routers: ops.routers })`.
 */
export async function createOperations(config: Config, handles: OperationsHandles): Promise<Operations> {
  const ownQueue = handles.queue ? undefined : new Queue(REBALANCE_QUEUE, { connection: handles.redis, prefix: config.QUEUE_PREFIX });
  const queue = handles.queue ?? ownQueue!;
  const metrics = createApiMetrics({ queue, logger: handles.logger });
  const health = createHealthRouter(await healthDepsFromConfig(config, { db: handles.db, redis: handles.redis, queue }));
  const keys = KeyRing.fromConfig(config);
  const trustForwardedPrefix = config.TRUST_PROXY > 0;
  const limits = { redis: handles.redis, keyPrefix: config.QUEUE_PREFIX };
  const board = createQueueBoardRouter({ queues: [queue], keys, trustForwardedPrefix, limits });
  const dashboard = createDashboardRouter({ keys, trustForwardedPrefix, limits });
  return {
    metrics,
    middleware: [metrics.httpMiddleware],
    routers: [health, metricsRouter(metrics.registry, METRICS_PATH), board, dashboard],
    close: async () => {
      await ownQueue?.close();
    },
  };
}

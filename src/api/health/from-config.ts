import type { Config } from '../../config/config.js';
import type { QueueCountsSource } from '../../observability/api-metrics.js';
import { httpReachable, mongoPing, redisWritable, type RedisProbeClient } from './checks.js';
import { createFleetReader, type FleetReader } from './fleet.js';
import type { HealthDeps } from './health-router.js';

/** The live handles a composition root already holds. */
export interface HealthHandles {
  db: { command(cmd: Record<string, unknown>): Promise<unknown> };
  redis: RedisProbeClient;
  queue?: QueueCountsSource;
  solverPool?: () => unknown;
}

/**
 * The fleet view: only inside Kubernetes. When the in-cluster config cannot be loaded
 * (no service account token mounted), every read reports that error instead.
 */
async function fleetFromConfig(config: Config): Promise<FleetReader | undefined> {
  if (!config.KUBERNETES_SERVICE_HOST) return undefined;
  try {
    return await createFleetReader({
      namespace: config.POD_NAMESPACE,
      deploymentName: config.WORKER_DEPLOYMENT_NAME,
      hpaName: config.WORKER_HPA_NAME,
    });
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    return async () => {
      throw new Error(`kubernetes client unavailable: ${text}`);
    };
  }
}

/** Builds {@link HealthDeps} for the API from config and its open connections. */
export async function healthDepsFromConfig(config: Config, handles: HealthHandles): Promise<HealthDeps> {
  const upstream =
    config.MARKET_DATA_SOURCE === 'globeco'
      ? {
          portfolio_accounting: httpReachable(config.PORTFOLIO_ACCOUNTING_SERVICE_URL),
          security: httpReachable(config.SECURITY_SERVICE_URL),
          pricing: httpReachable(config.PRICING_SERVICE_URL),
        }
      : undefined;
  return {
    mongodb: mongoPing(handles.db),
    redis: redisWritable(handles.redis, `${config.QUEUE_PREFIX}:ogs:ready-probe`),
    queue: handles.queue,
    solverPool: handles.solverPool,
    upstream,
    fleet: await fleetFromConfig(config),
  };
}

import { Router, type Request, type Response } from 'express';
import type { QueueCountsSource } from '../../observability/api-metrics.js';
import { QUEUE_STATES } from '../../observability/metrics.js';
import { DEFAULT_CHECK_TIMEOUT_MS, runCheck, runChecks, type Check, type CheckResult } from './checks.js';
import type { FleetReader, FleetStatus } from './fleet.js';
import { HEALTH_PATHS } from './paths.js';
import { serviceVersion } from './version.js';

/** What the health endpoints look at. Every field but `mongodb` and `redis` is optional. */
export interface HealthDeps {
  /** Readiness dependencies: `/health/ready` is 503 when either fails. */
  mongodb: Check;
  redis: Check;
  /** The `rebalance` queue, for counts by state. */
  queue?: QueueCountsSource;
  /** Solver pool status, when this process has one. */
  solverPool?: () => unknown;
  /** Upstream GlobeCo services by name (only when `MARKET_DATA_SOURCE=globeco`). */
  upstream?: Record<string, Check>;
  /** The worker fleet; absent outside Kubernetes. */
  fleet?: FleetReader;
  /** Per-check timeout. @defaultValue 1000 */
  timeoutMs?: number;
  /** Process start, for `uptime_seconds`. @defaultValue module load time */
  startedAt?: number;
}

const moduleLoadedAt = Date.now();

function failing(results: Record<string, CheckResult>): string[] {
  return Object.entries(results)
    .filter(([, r]) => r.status === 'down')
    .map(([name]) => name);
}

async function queueCounts(queue: QueueCountsSource, timeoutMs: number): Promise<unknown> {
  let counts: Record<string, number> = {};
  const check = await runCheck(async () => {
    counts = await queue.getJobCounts(...QUEUE_STATES);
  }, timeoutMs);
  if (check.status === 'down') return { name: queue.name, error: check.error };
  return { name: queue.name, counts };
}

async function fleetStatus(fleet: FleetReader | undefined): Promise<unknown> {
  if (!fleet) return 'not in Kubernetes';
  try {
    return await fleet();
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

function hasError(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'error' in value;
}

/** The fleet view failed as a whole, or its Deployment or HPA read did. */
function fleetHasError(fleet: unknown): boolean {
  if (hasError(fleet)) return true;
  const f = fleet as Partial<FleetStatus> | string;
  return typeof f === 'object' && (hasError(f.worker_deployment) || hasError(f.worker_hpa));
}

function solverPoolStatus(status: (() => unknown) | undefined): unknown {
  if (!status) return undefined;
  try {
    return status();
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * The full health report. `status` is `unhealthy` (HTTP 503) when MongoDB or Redis is down,
 * `degraded` when only an upstream service or the fleet view has a problem.
 */
export async function healthReport(deps: HealthDeps): Promise<{ code: number; body: Record<string, unknown> }> {
  const timeoutMs = deps.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const [core, upstream, queue, kubernetes] = await Promise.all([
    runChecks({ mongodb: deps.mongodb, redis: deps.redis }, timeoutMs),
    deps.upstream ? runChecks(deps.upstream, timeoutMs) : Promise.resolve(undefined),
    deps.queue ? queueCounts(deps.queue, timeoutMs) : Promise.resolve(undefined),
    fleetStatus(deps.fleet),
  ]);
  const down = failing(core);
  const upstreamDown = upstream ? failing(upstream) : [];
  const fleetError = fleetHasError(kubernetes);
  const status = down.length > 0 ? 'unhealthy' : upstreamDown.length > 0 || fleetError ? 'degraded' : 'healthy';
  const body: Record<string, unknown> = {
    status,
    version: serviceVersion(),
    uptime_seconds: Math.round((Date.now() - (deps.startedAt ?? moduleLoadedAt)) / 1000),
    timestamp: new Date().toISOString(),
    dependencies: { ...core, ...(upstream ? { upstream } : {}) },
    queue,
    solver_pool: solverPoolStatus(deps.solverPool),
    kubernetes,
  };
  return { code: down.length > 0 ? 503 : 200, body };
}

/** Liveness, readiness and the full report at the paths in {@link HEALTH_PATHS}. */
export function createHealthRouter(deps: HealthDeps): Router {
  const router = Router();
  const timeoutMs = deps.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  router.get(HEALTH_PATHS.live, (_req: Request, res: Response) => {
    res.json({ status: 'ok' });
  });
  router.get(HEALTH_PATHS.ready, async (_req: Request, res: Response) => {
    const results = await runChecks({ mongodb: deps.mongodb, redis: deps.redis }, timeoutMs);
    const down = failing(results);
    if (down.length === 0) {
      res.json({ status: 'ready', dependencies: results });
      return;
    }
    res.status(503).json({ status: 'not ready', detail: `not ready: ${down.map((name) => `${name} (${results[name]!.error})`).join(', ')}`, dependencies: results });
  });
  router.get(HEALTH_PATHS.health, async (_req: Request, res: Response) => {
    const { code, body } = await healthReport(deps);
    res.status(code).json(body);
  });
  return router;
}

import { Counter, Registry, collectDefaultMetrics, type Histogram } from 'prom-client';
import { Router, type Request, type Response } from 'express';

/**
 * Metric names shared by the API and the worker. The Kubernetes HPA / prometheus-adapter
 * rule and the KEDA trigger refer to {@link METRIC_NAMES.queueJobs} by exactly this name.
 */
export const METRIC_NAMES = {
  httpDuration: 'ogs_http_request_duration_seconds',
  runs: 'ogs_runs_total',
  portfolios: 'ogs_portfolios_total',
  solveDuration: 'ogs_solve_duration_seconds',
  chunkDuration: 'ogs_chunk_duration_seconds',
  marketDataRequests: 'ogs_market_data_requests_total',
  queueJobs: 'ogs_queue_jobs',
  queueScrapeErrors: 'ogs_queue_scrape_errors_total',
  ordersSent: 'ogs_orders_sent_total',
  ordersRejected: 'ogs_orders_rejected_total',
  ordersInFlight: 'ogs_orders_in_flight',
  outboxOldestPending: 'ogs_outbox_oldest_pending_seconds',
} as const;

/** Outcome of one portfolio in a run (the `outcome` label of `ogs_portfolios_total`). */
export const PORTFOLIO_OUTCOMES = ['optimal', 'infeasible', 'timeout', 'invalid', 'failed'] as const;
export type PortfolioOutcome = (typeof PORTFOLIO_OUTCOMES)[number];

/** Terminal run statuses (the `status` label of `ogs_runs_total`). */
export const RUN_FINAL_STATUSES = ['completed', 'completed_with_errors', 'failed', 'cancelled'] as const;
export type RunFinalStatus = (typeof RUN_FINAL_STATUSES)[number];

/** Queue states exported as `ogs_queue_jobs{state}`; `prioritized` is BullMQ's second waiting list. */
export const QUEUE_STATES = ['waiting', 'prioritized', 'active', 'delayed', 'failed'] as const;
export type QueueState = (typeof QUEUE_STATES)[number];

/** Outcome label of `ogs_market_data_requests_total`: the load answered, or it threw. */
export type MarketDataOutcome = 'success' | 'error';

/**
 * A registry per process, with Node's default process metrics and a `process` label
 * (`api` or `worker`) so one dashboard can tell them apart.
 */
export function createProcessRegistry(processName: 'api' | 'worker'): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ process: processName });
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** Counts finished runs by final status. Whoever moves a run to a final status records it, once. */
export function defineRunsCounter(registry: Registry): Counter<'status'> {
  return new Counter({
    name: METRIC_NAMES.runs,
    help: 'Runs that reached a final status, by status.',
    labelNames: ['status'],
    registers: [registry],
  });
}

/** Seconds buckets from 1 ms to 60 s: a fast-path solve is microseconds, the deadline is 30 s. */
export const SECONDS_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** Express handler that serves a registry in the Prometheus text format. */
export function metricsHandler(registry: Registry) {
  return async (_req: Request, res: Response): Promise<void> => {
    const body = await registry.metrics();
    res.set('Content-Type', registry.contentType).send(body);
  };
}

/** Observes a duration given in milliseconds on a seconds histogram. */
export function observeMs<T extends string>(histogram: Histogram<T>, ms: number, labels?: Partial<Record<T, string>>): void {
  if (!Number.isFinite(ms) || ms < 0) return;
  if (labels) histogram.observe(labels, ms / 1000);
  else histogram.observe(ms / 1000);
}

/** A router serving `registry` at `path` (`/metrics` on both the API and the worker probe port). */
export function metricsRouter(registry: Registry, path = '/metrics'): Router {
  const router = Router();
  router.get(path, metricsHandler(registry));
  return router;
}

/**
 * Probe and metrics paths, shared by the API router, the worker's probe server and
 * the Kubernetes manifests' tests, so a renamed route cannot silently break a probe.
 */
export const HEALTH_PATHS = {
  /** Process is up (liveness and startup probes). */
  live: '/health/live',
  /** Redis and MongoDB are reachable (readiness probe). */
  ready: '/health/ready',
  /** Every dependency with detail, queue counts and the worker fleet. */
  health: '/health/health',
} as const;

/** Prometheus scrape path on both the API port and the worker probe port. */
export const METRICS_PATH = '/metrics';

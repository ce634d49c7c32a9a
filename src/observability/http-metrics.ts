import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { Histogram, type Registry } from 'prom-client';
import { METRIC_NAMES } from './metrics.js';

/** Label used when no route matched (404s, probes by scanners): one series, not one per URL. */
export const UNMATCHED_ROUTE = 'unmatched';

/** Request durations are short; the long-poll `?wait=N` tops out at 30 s. */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export function defineHttpHistogram(registry: Registry): Histogram<'method' | 'route' | 'status'> {
  return new Histogram({
    name: METRIC_NAMES.httpDuration,
    help: 'HTTP request duration in seconds, by method, matched route pattern and status code.',
    labelNames: ['method', 'route', 'status'],
    buckets: HTTP_BUCKETS,
    registers: [registry],
  });
}

/**
 * The matched route pattern (`/api/v1/runs/:id`), never the raw URL, so ids do not
 * become label values. Mounted sub-apps without a route (static files) report their mount path.
 */
export function routeLabel(req: Request): string {
  const route = (req as Request & { route?: { path?: unknown } }).route;
  const base = req.baseUrl ?? '';
  if (route && typeof route.path === 'string') return `${base}${route.path}` || '/';
  return base !== '' ? base : UNMATCHED_ROUTE;
}

/** Express middleware timing every request; mount it before any router. */
export function httpMetricsMiddleware(histogram: Histogram<'method' | 'route' | 'status'>): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const end = histogram.startTimer();
    res.once('finish', () => {
      end({ method: req.method, route: routeLabel(req), status: String(res.statusCode) });
    });
    next();
  };
}

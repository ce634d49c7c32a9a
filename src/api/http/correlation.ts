import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../../observability/logger.js';

export const CORRELATION_HEADER = 'X-Correlation-ID';
const MAX_LENGTH = 128;
/** Probes and scrapes arrive every few seconds; at info level they would drown the log. */
const QUIET_PATHS = /^\/(health|metrics)(\/|$)/;

declare module 'express-serve-static-core' {
  interface Locals {
    /** Child logger with this request's `correlation_id`; use it for every log line. */
    log: Logger;
    correlationId: string;
  }
}

/** Keeps a caller's id only if something usable survives: visible ASCII without separators, ≤ 128. */
export function sanitizeCorrelationId(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const cleaned = raw.replace(/[^A-Za-z0-9._:\-]/g, '').slice(0, MAX_LENGTH);
  return cleaned.length > 0 ? cleaned : undefined;
}

/**
 * Accepts or generates the correlation id, echoes it, puts a child logger on
 * `res.locals.log` and logs one line per request when the response is done.
 */
export function correlation(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const correlationId = sanitizeCorrelationId(req.get(CORRELATION_HEADER)) ?? randomUUID();
    const log = logger.child({ correlation_id: correlationId });
    res.locals.correlationId = correlationId;
    res.locals.log = log;
    res.setHeader(CORRELATION_HEADER, correlationId);
    const started = performance.now();
    res.on('finish', () => {
      const fields = {
        method: req.method,
        path: req.path,
        status: res.statusCode,
        duration_ms: Math.round((performance.now() - started) * 10) / 10,
      };
      if (res.statusCode >= 500) log.error(fields, 'request failed');
      else if (QUIET_PATHS.test(req.path)) log.debug(fields, 'request');
      else log.info(fields, 'request');
    });
    next();
  };
}

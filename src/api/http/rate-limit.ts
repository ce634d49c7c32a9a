import type { Request, RequestHandler } from 'express';
import type { ErrorBody } from './error-response.js';

/**
 * A second line behind the Ingress: an in-process token bucket per client IP. It protects
 * one API process from one noisy client; the Ingress stays the real limit across replicas.
 */
export interface RateLimitOptions {
  /** Tokens added per second per client (the sustained rate). @defaultValue 50 */
  ratePerSecond?: number;
  /** Bucket size: how many requests a quiet client may send at once. @defaultValue 100 */
  burst?: number;
  /** Clients tracked at once; beyond it the least recently seen is forgotten (memory bound). @defaultValue 10000 */
  maxClients?: number;
  /** Only requests whose path starts with this are counted. @defaultValue `/api/` */
  pathPrefix?: string;
  /** Milliseconds clock, for tests. @defaultValue `performance.now` */
  now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export const RATE_LIMIT_DEFAULTS = { ratePerSecond: 50, burst: 100, maxClients: 10_000, pathPrefix: '/api/' } as const;

/** Validates up front so a bad setting fails at start-up, not on the first request. */
function settings(options: RateLimitOptions) {
  const merged = { ...RATE_LIMIT_DEFAULTS, now: () => performance.now(), ...options };
  if (!(merged.ratePerSecond > 0) || !Number.isFinite(merged.ratePerSecond)) throw new Error('rate limit: ratePerSecond must be > 0');
  if (!(merged.burst >= 1) || !Number.isFinite(merged.burst)) throw new Error('rate limit: burst must be ≥ 1');
  if (!Number.isInteger(merged.maxClients) || merged.maxClients < 1) throw new Error('rate limit: maxClients must be a positive integer');
  return merged;
}

/**
 * Token bucket keyed by `req.ip`, which honours Express `trust proxy` (the Ingress's
 * `X-Forwarded-For`). Over the limit: 429 with `Retry-After` (whole seconds) and the usual
 * JSON error body.
 */
export function rateLimit(options: RateLimitOptions = {}): RequestHandler {
  const { ratePerSecond, burst, maxClients, pathPrefix, now } = settings(options);
  const perMs = ratePerSecond / 1000;
  const prefix = pathPrefix.toLowerCase();
  // A Map iterates in insertion order; re-inserting on every hit makes the first key the least recently seen.
  const buckets = new Map<string, Bucket>();
  return (req, res, next) => {
    // Express routes case-insensitively (`/API/v1/…` reaches the same handler), so the limiter must too.
    if (!req.path.toLowerCase().startsWith(prefix)) {
      next();
      return;
    }
    const key = clientKey(req);
    const at = now();
    const previous = buckets.get(key);
    const tokens = previous ? Math.min(burst, previous.tokens + (at - previous.at) * perMs) : burst;
    buckets.delete(key);
    if (tokens >= 1) {
      buckets.set(key, { tokens: tokens - 1, at });
      if (buckets.size > maxClients) buckets.delete(buckets.keys().next().value as string);
      next();
      return;
    }
    buckets.set(key, { tokens, at });
    const retryAfter = Math.max(1, Math.ceil((1 - tokens) / perMs / 1000));
    const body: ErrorBody = {
      detail: `too many requests from this client: limit ${ratePerSecond}/s (burst ${burst}); retry after ${retryAfter} s`,
      code: 'RATE_LIMITED',
    };
    res.setHeader('Retry-After', String(retryAfter));
    res.status(429).json(body);
  };
}

function clientKey(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

import type { Request, RequestHandler, Response } from 'express';
import { RateLimiterRes } from 'rate-limiter-flexible';
import type { ErrorBody } from './error-response.js';
import { counterLimiter, type LimiterStore } from './rate-limiters.js';

/**
 * A second line behind the Ingress: a request budget per client IP on `/api/`, counted in
 * Redis so every API replica spends the same budget (`rate-limiter-flexible`).
 */
export interface RateLimitOptions extends LimiterStore {
  /** Sustained requests per second per client. @defaultValue 50 */
  ratePerSecond?: number;
  /** Requests a quiet client may send at once; the window is `burst / ratePerSecond` seconds, rounded up to whole seconds. @defaultValue 100 */
  burst?: number;
  /** Only requests whose path starts with this (any case) are counted. @defaultValue `/api/` */
  pathPrefix?: string;
}

export const RATE_LIMIT_DEFAULTS = { ratePerSecond: 50, burst: 100, pathPrefix: '/api/' } as const;

/** Validates up front so a bad setting fails at start-up, not on the first request. */
function settings(options: RateLimitOptions) {
  const merged = { ...RATE_LIMIT_DEFAULTS, ...options };
  if (!(merged.ratePerSecond > 0) || !Number.isFinite(merged.ratePerSecond)) throw new Error('rate limit: ratePerSecond must be > 0');
  if (!Number.isInteger(merged.burst) || merged.burst < 1) throw new Error('rate limit: burst must be a whole number ≥ 1');
  return merged;
}

/** The window the settings give: `burst` requests per `ceil(burst / ratePerSecond)` whole seconds. */
export function limitWindow(options: RateLimitOptions = {}): { burst: number; windowSeconds: number } {
  const { ratePerSecond, burst } = settings(options);
  return { burst, windowSeconds: Math.max(1, Math.ceil(burst / ratePerSecond)) };
}

/** The 429 every limiter answers: JSON body, `Retry-After` in whole seconds. */
export function tooManyRequests(res: Response, limited: RateLimiterRes, what: string): void {
  const retryAfter = Math.max(1, Math.ceil(limited.msBeforeNext / 1000));
  const body: ErrorBody = { detail: `too many ${what} from this client; retry after ${retryAfter} s`, code: 'RATE_LIMITED' };
  res.setHeader('Retry-After', String(retryAfter));
  res.status(429).json(body);
}

/**
 * A window of `burst` requests per `ceil(burst / ratePerSecond)` seconds, keyed by `req.ip`,
 * which honours Express `trust proxy`: behind the Ingress that is the client's address from
 * `X-Forwarded-For`, so the API must be reachable only through the Ingress (the NetworkPolicy
 * in `k8s/`); see `TRUST_PROXY` in docs/OPERATIONS.md. Over the limit: 429 with `Retry-After`.
 */
export function rateLimit(options: RateLimitOptions = {}): RequestHandler {
  const { burst, windowSeconds } = limitWindow(options);
  const { pathPrefix } = settings(options);
  const limiter = counterLimiter(options, 'api', burst, windowSeconds);
  const prefix = pathPrefix.toLowerCase();
  const what = `requests (limit ${burst} per ${windowSeconds} s)`;
  return (req, res, next) => {
    // Express routes case-insensitively (`/API/v1/…` reaches the same handler), so the limiter must too.
    if (!req.path.toLowerCase().startsWith(prefix)) {
      next();
      return;
    }
    limiter.consume(clientKey(req)).then(
      () => next(),
      (rejection: unknown) => (rejection instanceof RateLimiterRes ? tooManyRequests(res, rejection, what) : next(rejection)),
    );
  };
}

/** The client's address as Express sees it through `trust proxy`. */
export function clientKey(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

import corsMiddleware from 'cors';
import type { RequestHandler } from 'express';

const ALLOW_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];
const ALLOW_HEADERS = ['Content-Type', 'Authorization', 'X-API-Key', 'X-Correlation-ID', 'Idempotency-Key'];
const EXPOSE_HEADERS = ['X-Correlation-ID', 'Location', 'Retry-After', 'X-Total-Count'];

const noCors: RequestHandler = (_req, _res, next) => next();

/**
 * CORS for a browser portal on another origin (the predecessor allowed configured
 * origins), through the `cors` package. `*` allows any origin; no origins means no CORS
 * headers at all. Credentials are never allowed: API keys travel in headers, not cookies.
 */
export function cors(origins: readonly string[]): RequestHandler {
  if (origins.length === 0) return noCors;
  return corsMiddleware({
    origin: origins.includes('*') ? '*' : [...origins],
    methods: ALLOW_METHODS,
    allowedHeaders: ALLOW_HEADERS,
    exposedHeaders: EXPOSE_HEADERS,
    credentials: false,
    maxAge: 600,
    optionsSuccessStatus: 204,
  });
}

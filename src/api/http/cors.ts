import type { RequestHandler } from 'express';

const ALLOW_METHODS = 'GET, POST, PUT, DELETE, PATCH, OPTIONS';
const ALLOW_HEADERS = 'Content-Type, Authorization, X-API-Key, X-Correlation-ID, Idempotency-Key';
const EXPOSE_HEADERS = 'X-Correlation-ID, Location, Retry-After, X-Total-Count';

/**
 * CORS for a browser portal on another origin (the predecessor allowed configured
 * origins). `*` allows any origin; no origins means no CORS headers at all. Credentials
 * are never allowed: API keys travel in headers, not cookies.
 */
export function cors(origins: readonly string[]): RequestHandler {
  const any = origins.includes('*');
  const allowed = new Set(origins);
  return (req, res, next) => {
    const origin = req.get('Origin');
    if (!origin || (!any && !allowed.has(origin))) {
      next();
      return;
    }
    res.setHeader('Access-Control-Allow-Origin', any ? '*' : origin);
    if (!any) res.append('Vary', 'Origin');
    res.setHeader('Access-Control-Expose-Headers', EXPOSE_HEADERS);
    if (req.method === 'OPTIONS' && req.get('Access-Control-Request-Method')) {
      res.setHeader('Access-Control-Allow-Methods', ALLOW_METHODS);
      res.setHeader('Access-Control-Allow-Headers', ALLOW_HEADERS);
      res.setHeader('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    next();
  };
}

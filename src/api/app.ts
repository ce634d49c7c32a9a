import express, { type Express, type RequestHandler, type Router } from 'express';
import type { Config } from '../config/config.js';
import { NotFound } from '../errors/index.js';
import type { Logger } from '../observability/logger.js';
import { docsRouter } from './docs-page.js';
import { serviceVersion } from './health/version.js';
import { accessCheck } from './http/access.js';
import { KeyRing } from './http/api-keys.js';
import { DASHBOARD_COOKIE } from './dashboard/dashboard-router.js';
import { correlation } from './http/correlation.js';
import { cors } from './http/cors.js';
import { errorHandler } from './http/error-response.js';
import { mountRoutes } from './http/mount-routes.js';
import { rateLimit, type RateLimitOptions } from './http/rate-limit.js';
import { assertSafeKeys } from './http/safe-keys.js';
import { securityHeaders } from './http/security-headers.js';
import { buildOpenApiDocument } from './openapi.js';
import { routes as defaultRoutes } from './routes/index.js';
import type { RouteDefinition } from './routes/route.js';
import type { ApiServices } from './services.js';

export const OPENAPI_PATH = '/api/v1/openapi.json';

/** Everything the HTTP app needs; it opens nothing and reads no environment itself. */
export interface AppDeps {
  services: ApiServices;
  logger: Logger;
  config: Pick<Config, 'NODE_ENV' | 'API_KEYS' | 'READ_API_KEYS' | 'ADMIN_API_KEYS' | 'ALLOW_ANONYMOUS' | 'BODY_LIMIT' | 'TRUST_PROXY'>;
  /** @defaultValue the route table in `routes/index.ts` */
  routes?: readonly RouteDefinition[];
  /** Run on every request after the correlation id is set (e.g. HTTP metrics). */
  middleware?: RequestHandler[];
  /** Browser origins allowed to call the API (`*` for any). @defaultValue none: no CORS headers */
  corsOrigins?: readonly string[];
  /**
   * Routers that are not route-table JSON endpoints (`/metrics`, `/health/*`, bull-board,
   * the dashboard). Mounted in front of the route table, so they win on equal paths.
   */
  routers?: Router[];
  /**
   * Per-client-IP request budget on `/api/` routes (a second line behind the Ingress), in Redis when
   * `redis` is given so replicas share it; `false` turns it off.
   * @defaultValue 100 per 2 s per IP, counted in this process (`RATE_LIMIT_DEFAULTS`)
   */
  rateLimit?: RateLimitOptions | false;
}

/**
 * Builds the Express app. Listening is the composition root's job. Throws when
 * `NODE_ENV=production` has no key configured and `ALLOW_ANONYMOUS` is not set: the book
 * would be open to anyone who reaches the Ingress.
 */
export function createApp(deps: AppDeps): Express {
  const routes = deps.routes ?? defaultRoutes;
  const production = deps.config.NODE_ENV === 'production';
  const keys = KeyRing.fromConfig(deps.config);
  if (production && keys.empty && !deps.config.ALLOW_ANONYMOUS) {
    throw new Error('NODE_ENV=production with no API key configured: set API_KEYS, READ_API_KEYS or ADMIN_API_KEYS, or ALLOW_ANONYMOUS=true to run open');
  }
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.config.TRUST_PROXY);
  app.use(securityHeaders());
  app.use(correlation(deps.logger));
  app.use(cors(deps.corsOrigins ?? []));
  for (const middleware of deps.middleware ?? []) app.use(middleware);
  // Before body parsing, so a limited client's body is never read.
  if (deps.rateLimit !== false) app.use(rateLimit(deps.rateLimit ?? {}));
  app.use(express.json({ limit: deps.config.BODY_LIMIT, type: 'application/json' }));
  app.use(rejectUnsafeKeys);

  const openApi = buildOpenApiDocument(routes, serviceVersion());
  app.get(OPENAPI_PATH, (_req, res) => {
    res.json(openApi);
  });
  app.use(docsRouter(OPENAPI_PATH));
  for (const router of deps.routers ?? []) app.use(router);
  app.use(mountRoutes(routes, deps.services, accessCheck(keys, DASHBOARD_COOKIE)));

  app.use((req, _res, next) => {
    next(new NotFound(`no route for ${req.method} ${req.path.slice(0, 200)}`));
  });
  app.use(errorHandler(production));
  return app;
}

const rejectUnsafeKeys: RequestHandler = (req, _res, next) => {
  assertSafeKeys(req.query, 'query');
  assertSafeKeys(req.body, 'body');
  next();
};

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';
import type { KeyRing } from '../http/api-keys.js';
import type { LimiterStore } from '../http/rate-limiters.js';
import { browserCaller, failedSignInLimiter, refuse, signInRouter, type SignInOptions } from '../http/sign-in.js';

/** The run view's session cookie. Its path is the whole app, so the page's API calls carry it (reads only). */
export const DASHBOARD_COOKIE = 'ogs_session';

/** Options of {@link createDashboardRouter}. */
export interface DashboardOptions {
  /** @defaultValue `/dashboard` */
  mountPath?: string;
  /** Folder with index.html and its assets. @defaultValue {@link resolveStaticDir} */
  staticDir?: string;
  /** With any key configured, the view needs a sign-in (any scope). @defaultValue none: open */
  keys?: KeyRing;
  /** Honour `X-Forwarded-Prefix` for the cookie path and redirects (config `TRUST_PROXY`). @defaultValue true */
  trustForwardedPrefix?: boolean;
  /** Where failed sign-ins are counted (Redis in the API, so replicas share the count). @defaultValue this process */
  limits?: LimiterStore;
}

/**
 * The static assets: next to this module when the build copied them into `dist`,
 * otherwise the source folder (three levels up from both `src/api/dashboard` and `dist/api/dashboard`).
 */
export function resolveStaticDir(): string {
  const candidates = [new URL('./static/', import.meta.url), new URL('../../../src/api/dashboard/static/', import.meta.url)];
  for (const candidate of candidates) {
    const dir = fileURLToPath(candidate);
    if (existsSync(`${dir}index.html`)) return dir;
  }
  throw new Error('dashboard assets not found: expected src/api/dashboard/static or dist/api/dashboard/static');
}

/**
 * The run view for people: plain HTML, CSS and JS reading the runs API. The page uses
 * relative URLs only (`../api/v1/…`), so it works unchanged behind an Ingress sub-path.
 * With keys configured it signs in like the queue board (`…/login`, then a session cookie).
 */
export function createDashboardRouter(options: DashboardOptions = {}): Router {
  const mountPath = options.mountPath ?? '/dashboard';
  const dir = options.staticDir ?? resolveStaticDir();
  const router = Router();
  // A relative Location keeps any sub-path prefix the browser used.
  router.get(mountPath, (req, res, next) => {
    if (req.path !== mountPath) return next();
    const last = mountPath.split('/').pop() ?? '';
    res.redirect(301, `${last}/`);
  });
  if (options.keys && !options.keys.empty) {
    const signIn: SignInOptions = {
      ring: options.keys,
      mountPath,
      cookie: DASHBOARD_COOKIE,
      title: 'run view',
      hint: 'Enter an API key (any scope). The page then reads the API with a session cookie that allows reads only.',
      cookieScope: 'app',
      trustForwardedPrefix: options.trustForwardedPrefix,
      failedSignIns: failedSignInLimiter(options.limits),
    };
    router.use(signInRouter(signIn));
    router.use(mountPath, (req, res, next) => {
      if (browserCaller(req, res, signIn)) next();
      else refuse(req, res, signIn, 'the run view');
    });
  }
  router.use(mountPath, express.static(dir, { index: 'index.html', redirect: false, maxAge: '5m', fallthrough: true }));
  return router;
}

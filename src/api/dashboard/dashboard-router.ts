import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';

/** Options of {@link createDashboardRouter}. */
export interface DashboardOptions {
  /** @defaultValue `/dashboard` */
  mountPath?: string;
  /** Folder with index.html and its assets. @defaultValue {@link resolveStaticDir} */
  staticDir?: string;
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
  router.use(mountPath, express.static(dir, { index: 'index.html', redirect: false, maxAge: '5m', fallthrough: true }));
  return router;
}

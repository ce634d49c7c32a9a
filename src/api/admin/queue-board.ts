import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import {
  SESSION_COOKIE,
  SESSION_TTL_MS,
  issueSession,
  presentedKey,
  readCookie,
  roleForKey,
  verifySession,
  type AdminKeys,
  type AdminRole,
} from './admin-auth.js';
import { loginPage } from './login-page.js';

/** Options of {@link createQueueBoardRouter}. */
export interface QueueBoardOptions {
  queues: readonly Queue[];
  keys: AdminKeys;
  /** Where the board is mounted on this app. @defaultValue `/admin/queues` */
  mountPath?: string;
  /** Fixed external prefix (e.g. the Ingress sub-path); wins over `X-Forwarded-Prefix`. */
  basePath?: string;
  /** Honour `X-Forwarded-Prefix` from the Ingress (config `TRUST_PROXY`). @defaultValue true */
  trustForwardedPrefix?: boolean;
}

type BoardServerAdapter = Parameters<typeof createBullBoard>[0]['serverAdapter'];

/** Base paths are path segments only: anything else in the header is ignored. */
const PREFIX = /^(\/[A-Za-z0-9._~-]+)*$/;
/** One board per (prefix, role); a handful of prefixes at most, so the cache is capped. */
const MAX_BOARDS = 16;

function externalPrefix(req: Request, options: QueueBoardOptions): string {
  const candidate = options.basePath ?? (options.trustForwardedPrefix === false ? '' : (req.get('x-forwarded-prefix') ?? ''));
  const trimmed = candidate.replace(/\/+$/, '');
  return trimmed.length <= 200 && PREFIX.test(trimmed) ? trimmed : '';
}

function boardFor(queues: readonly Queue[], basePath: string, role: AdminRole): express.Express {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(basePath);
  createBullBoard({
    queues: queues.map((q) => new BullMQAdapter(q, { readOnlyMode: role !== 'admin' })),
    // @bull-board/express 9.10.1 nests its own @bull-board/api 9.10.1 beside our 9.10.2: the
    // adapter is the same at runtime, only the two copies' private fields differ in type.
    serverAdapter: serverAdapter as unknown as BoardServerAdapter,
    options: { uiConfig: { boardTitle: 'GlobeCo OGS queues' } },
  });
  return serverAdapter.getRouter() as express.Express;
}

/**
 * Who the caller is: open viewer when no key is configured at all; otherwise a valid key
 * header (which also sets the session cookie) or a valid session cookie.
 */
function authenticate(req: Request, res: Response, keys: AdminKeys, cookiePath: string): AdminRole | undefined {
  if (keys.admin.length === 0 && keys.viewer.length === 0) return 'viewer';
  const key = presentedKey(req);
  if (key !== undefined) {
    const role = roleForKey(keys, key);
    if (role) setSessionCookie(req, res, issueSession(role, key), cookiePath);
    return role;
  }
  const token = readCookie(req, SESSION_COOKIE);
  return token ? verifySession(keys, token) : undefined;
}

function setSessionCookie(req: Request, res: Response, token: string, path: string): void {
  res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: req.secure, path, maxAge: SESSION_TTL_MS });
}

/**
 * bull-board at `/admin/queues`. Read-only unless the caller holds an `ADMIN_API_KEYS` key.
 * Browsers sign in once at `…/login` (a form posting the key), which sets an HttpOnly,
 * SameSite=Strict session cookie scoped to the board; scripts may send the key as a header.
 */
export function createQueueBoardRouter(options: QueueBoardOptions): Router {
  const mountPath = options.mountPath ?? '/admin/queues';
  const boards = new Map<string, express.Express>();
  const router = Router();

  router.get(`${mountPath}/login`, (req, res) => {
    res.type('html').send(loginPage(`${externalPrefix(req, options)}${mountPath}/login`, false));
  });
  router.post(`${mountPath}/login`, express.urlencoded({ extended: false, limit: '2kb' }), (req, res) => {
    const base = `${externalPrefix(req, options)}${mountPath}`;
    const key = typeof req.body?.key === 'string' ? req.body.key : '';
    const role = key ? roleForKey(options.keys, key) : undefined;
    if (!role) {
      res.status(401).type('html').send(loginPage(`${base}/login`, true));
      return;
    }
    setSessionCookie(req, res, issueSession(role, key), base);
    res.redirect(303, `${base}/`);
  });

  router.use(mountPath, (req: Request, res: Response, next: NextFunction) => {
    const prefix = externalPrefix(req, options);
    const base = `${prefix}${mountPath}`;
    const role = authenticate(req, res, options.keys, base);
    if (!role) {
      const wantsHtml = req.method === 'GET' && !req.path.startsWith('/api/') && req.accepts(['html', 'json']) === 'html';
      if (wantsHtml) res.redirect(303, `${base}/login`);
      else res.status(401).json({ detail: 'an API key is required for the queue dashboard' });
      return;
    }
    if (role === 'viewer' && req.method !== 'GET' && req.method !== 'HEAD') {
      res.status(403).json({ detail: 'the queue dashboard is read-only for this key' });
      return;
    }
    const id = `${role}:${base}`;
    let board = boards.get(id);
    if (!board) {
      if (boards.size >= MAX_BOARDS) boards.delete(boards.keys().next().value as string);
      board = boardFor(options.queues, base, role);
      boards.set(id, board);
    }
    board(req, res, next);
  });
  return router;
}

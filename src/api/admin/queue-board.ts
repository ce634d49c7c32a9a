import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { KeyRing } from '../http/api-keys.js';
import type { LimiterStore } from '../http/rate-limiters.js';
import { browserCaller, externalPrefix, failedSignInLimiter, refuse, signInRouter, type SignInOptions } from '../http/sign-in.js';

/** Options of {@link createQueueBoardRouter}. */
export interface QueueBoardOptions {
  queues: readonly Queue[];
  /** Keys that open the board: an `admin` key acts (retry, clean, pause), any other only views. */
  keys: KeyRing;
  /** Where the board is mounted on this app. @defaultValue `/admin/queues` */
  mountPath?: string;
  /** Fixed external prefix (e.g. the Ingress sub-path); wins over `X-Forwarded-Prefix`. */
  basePath?: string;
  /** Honour `X-Forwarded-Prefix` from the Ingress (config `TRUST_PROXY`). @defaultValue true */
  trustForwardedPrefix?: boolean;
  /** Where failed sign-ins are counted (Redis in the API, so replicas share the count). @defaultValue this process */
  limits?: LimiterStore;
}

type BoardServerAdapter = Parameters<typeof createBullBoard>[0]['serverAdapter'];

/** One board per (prefix, role); a handful of prefixes at most, so the cache is capped. */
const MAX_BOARDS = 16;

/** What a caller may do on the board. */
type AdminRole = 'admin' | 'viewer';

/** Name of the board's session cookie, scoped to the board's path. */
export const BOARD_COOKIE = 'ogs_admin';

/** Open and read-only when no key is configured at all; otherwise by the caller's key scope. */
function roleOf(req: Request, res: Response, signIn: SignInOptions): AdminRole | undefined {
  if (signIn.ring.empty) return 'viewer';
  const caller = browserCaller(req, res, signIn);
  if (!caller) return undefined;
  return caller.scope === 'admin' ? 'admin' : 'viewer';
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
 * bull-board at `/admin/queues`. Read-only unless the caller holds an `admin` key (`ADMIN_API_KEYS`).
 * Browsers sign in once at `…/login` (a form posting the key), which sets an HttpOnly,
 * SameSite=Strict session cookie scoped to the board; scripts may send the key as a header.
 */
export function createQueueBoardRouter(options: QueueBoardOptions): Router {
  const mountPath = options.mountPath ?? '/admin/queues';
  const boards = new Map<string, express.Express>();
  const router = Router();

  const signIn: SignInOptions = {
    ring: options.keys,
    mountPath,
    cookie: BOARD_COOKIE,
    title: 'queue dashboard',
    hint: 'Enter an API key. An admin key (ADMIN_API_KEYS) allows retrying and cleaning jobs; any other key gives a read-only view.',
    cookieScope: 'area',
    basePath: options.basePath,
    trustForwardedPrefix: options.trustForwardedPrefix,
    failedSignIns: failedSignInLimiter(options.limits),
  };
  router.use(signInRouter(signIn));

  router.use(mountPath, (req: Request, res: Response, next: NextFunction) => {
    const base = `${externalPrefix(req, signIn)}${mountPath}`;
    const role = roleOf(req, res, signIn);
    if (!role) {
      refuse(req, res, signIn, 'the queue dashboard');
      return;
    }
    if (role === 'viewer' && req.method !== 'GET' && req.method !== 'HEAD') {
      res.status(403).json({ detail: 'the queue dashboard is read-only for this key', code: 'FORBIDDEN' });
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

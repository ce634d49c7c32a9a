import express, { Router, type Request, type Response } from 'express';
import { loginPage } from '../admin/login-page.js';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { presentedKey, type Caller, type KeyRing } from './api-keys.js';
import { clientKey, tooManyRequests } from './rate-limit.js';
import { counterLimiter, type LimiterStore } from './rate-limiters.js';
import { issueSession, readCookie, setSessionCookie, verifySession } from './session.js';

/** A browser area (the queue board, the run view) that signs in with a key once and then carries a cookie. */
export interface SignInOptions {
  ring: KeyRing;
  /** Where the area is mounted, e.g. `/admin/queues`. */
  mountPath: string;
  cookie: string;
  /** Heading and one line of help on the sign-in form. */
  title: string;
  hint: string;
  /** The cookie's path below the external prefix: the area only, or the whole app (so API calls carry it). */
  cookieScope: 'area' | 'app';
  /** Fixed external prefix (e.g. the Ingress sub-path); wins over `X-Forwarded-Prefix`. */
  basePath?: string;
  /** Honour `X-Forwarded-Prefix` from the Ingress (config `TRUST_PROXY`). @defaultValue true */
  trustForwardedPrefix?: boolean;
  /** Failed sign-ins per client IP ({@link failedSignInLimiter}); past it the form answers 429. */
  failedSignIns: RateLimiterAbstract;
}

/** Failed sign-ins a client IP may make per window, across the queue board and the run view. */
export const SIGN_IN_LIMIT = { failures: 10, windowSeconds: 900 } as const;

/** The failed-sign-in counter, in Redis when given so every API replica counts the same failures. */
export function failedSignInLimiter(store: LimiterStore = {}): RateLimiterAbstract {
  return counterLimiter(store, 'sign-in', SIGN_IN_LIMIT.failures, SIGN_IN_LIMIT.windowSeconds);
}

/** Base paths are path segments only: anything else in the header is ignored. */
const PREFIX = /^(\/[A-Za-z0-9._~-]+)*$/;

/** The external prefix the browser used (Ingress sub-path), validated; '' when none. */
export function externalPrefix(req: Request, options: Pick<SignInOptions, 'basePath' | 'trustForwardedPrefix'>): string {
  const candidate = options.basePath ?? (options.trustForwardedPrefix === false ? '' : (req.get('x-forwarded-prefix') ?? ''));
  const trimmed = candidate.replace(/\/+$/, '');
  return trimmed.length <= 200 && PREFIX.test(trimmed) ? trimmed : '';
}

function cookiePath(req: Request, options: SignInOptions): string {
  const prefix = externalPrefix(req, options);
  return options.cookieScope === 'area' ? `${prefix}${options.mountPath}` : `${prefix}/`;
}

/**
 * The caller of a browser-area request: a valid key header (which also sets the session
 * cookie, so a script's first call signs the browser in) or a valid session cookie.
 */
export function browserCaller(req: Request, res: Response, options: SignInOptions): Caller | undefined {
  const key = presentedKey(req);
  if (key !== undefined) {
    const caller = options.ring.identify(key);
    if (caller) setSessionCookie(req, res, options.cookie, issueSession(caller.scope, key), cookiePath(req, options));
    return caller;
  }
  const token = readCookie(req, options.cookie);
  return token ? verifySession(options.ring, token) : undefined;
}

/** Unauthenticated: a browser asking for a page goes to the form; anything else gets 401 JSON. */
export function refuse(req: Request, res: Response, options: SignInOptions, what: string): void {
  const base = `${externalPrefix(req, options)}${options.mountPath}`;
  const wantsHtml = req.method === 'GET' && !req.path.startsWith('/api/') && req.accepts(['html', 'json']) === 'html';
  if (wantsHtml) res.redirect(303, `${base}/login`);
  else res.status(401).json({ detail: `an API key is required for ${what}`, code: 'UNAUTHORIZED' });
}

/** `GET|POST <mount>/login`: a script-free form posting the key; success sets the cookie and goes to the area. */
export function signInRouter(options: SignInOptions): Router {
  const router = Router();
  const login = `${options.mountPath}/login`;
  const page = (req: Request, failed: boolean) =>
    loginPage({ action: `${externalPrefix(req, options)}${login}`, failed, title: options.title, hint: options.hint });
  router.get(login, (req, res) => {
    res.type('html').send(page(req, false));
  });
  router.post(login, express.urlencoded({ extended: false, limit: '2kb' }), async (req, res) => {
    const client = clientKey(req);
    const spent = await options.failedSignIns.get(client);
    if (spent && spent.remainingPoints <= 0) {
      tooManyRequests(res, spent, `failed sign-ins (limit ${SIGN_IN_LIMIT.failures} per ${SIGN_IN_LIMIT.windowSeconds} s)`);
      return;
    }
    const key = typeof req.body?.key === 'string' ? req.body.key : '';
    const caller = key ? options.ring.identify(key) : undefined;
    if (!caller) {
      // A rejection only says the budget is now spent; the next attempt is refused above.
      await options.failedSignIns.consume(client).catch(() => undefined);
      res.status(401).type('html').send(page(req, true));
      return;
    }
    await options.failedSignIns.delete(client);
    setSessionCookie(req, res, options.cookie, issueSession(caller.scope, key), cookiePath(req, options));
    res.redirect(303, `${externalPrefix(req, options)}${options.mountPath}/`);
  });
  return router;
}

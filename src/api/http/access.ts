import type { Request } from 'express';
import { Forbidden, Unauthorized } from '../../errors/index.js';
import { grants, presentedKey, type Caller, type KeyRing, type Scope } from './api-keys.js';
import { readCookie, verifySession } from './session.js';

/** What a route needs: a key of at least this scope, or nothing (`public`: health probes). */
export type Access = Scope | 'public';

/** Checks a request against a route's access; returns the caller (undefined when anonymous). */
export type AccessCheck = (req: Request, needed: Access) => Caller | undefined;

const READS = new Set(['GET', 'HEAD']);

/**
 * The API's access check. With no key configured everything is open. Otherwise the caller
 * presents a key (`X-API-Key` or `Authorization: Bearer`) whose scope covers the route, or,
 * for a GET, the run view's session cookie: a cookie authorises reads only, so a request a
 * browser is tricked into sending can change nothing.
 */
export function accessCheck(ring: KeyRing, sessionCookie: string): AccessCheck {
  return (req, needed) => {
    if (needed === 'public' || ring.empty) return undefined;
    const key = presentedKey(req);
    const caller = key !== undefined ? ring.identify(key) : sessionCaller(ring, req, sessionCookie);
    if (!caller) {
      if (key !== undefined) throw new Unauthorized('the API key is not valid');
      throw new Unauthorized('an API key is required (X-API-Key or Authorization: Bearer)');
    }
    if (!grants(caller.scope, needed)) throw new Forbidden(`the API key "${caller.name}" has scope ${caller.scope}; this route needs ${needed}`);
    return caller;
  };
}

function sessionCaller(ring: KeyRing, req: Request, cookie: string): Caller | undefined {
  if (!READS.has(req.method)) return undefined;
  const token = readCookie(req, cookie);
  const caller = token ? verifySession(ring, token) : undefined;
  return caller && { name: caller.name, scope: 'read' };
}

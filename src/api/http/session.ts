import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Caller, KeyRing, Scope } from './api-keys.js';

/** A browser session lasts a working day. @defaultValue 8 h */
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;

const SCOPES: readonly string[] = ['read', 'write', 'admin'];

function sign(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(`ogs-session:${payload}`).digest('base64url');
}

/** Constant-time comparison: hashing first makes the lengths equal. */
function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

/**
 * A stateless session token `expiry.scope.mac`, MAC'd with the key that signed in, so every
 * API replica can verify it without shared state and removing a key ends its sessions.
 */
export function issueSession(scope: Scope, secret: string, now = Date.now()): string {
  const payload = `${now + SESSION_TTL_MS}.${scope}`;
  return `${payload}.${sign(secret, payload)}`;
}

/** The caller of a valid, unexpired session token; undefined for anything else, however malformed. */
export function verifySession(ring: KeyRing, token: string, now = Date.now()): Caller | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [expiry, scope, mac] = parts as [string, string, string];
  if (!/^\d{1,15}$/.test(expiry) || Number(expiry) < now || !SCOPES.includes(scope)) return undefined;
  const payload = `${expiry}.${scope}`;
  const key = ring.secretsOf(scope as Scope).find((k) => sameSecret(sign(k.secret, payload), mac));
  return key && { name: key.name, scope: scope as Scope };
}

/**
 * Reads one cookie without a cookie-parser dependency. A value that is not valid
 * percent-encoding is treated as absent (it cannot be a token this service issued).
 */
export function readCookie(req: Request, name: string): string | undefined {
  const header = req.get('cookie');
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** Sets an HttpOnly, SameSite=Strict session cookie on `path`. */
export function setSessionCookie(req: Request, res: Response, name: string, token: string, path: string): void {
  res.cookie(name, token, { httpOnly: true, sameSite: 'strict', secure: req.secure, path, maxAge: SESSION_TTL_MS });
}

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';

/** What an authenticated caller may do on the queue dashboard. */
export type AdminRole = 'admin' | 'viewer';

/** Keys that open the queue dashboard. */
export interface AdminKeys {
  /** `ADMIN_API_KEYS`: full access (retry, clean, pause). */
  admin: readonly string[];
  /** `API_KEYS`: read-only access. */
  viewer: readonly string[];
}

/** Name of the session cookie set after one successful key authentication. */
export const SESSION_COOKIE = 'ogs_admin';
/** A dashboard session lasts a working day. @defaultValue 8 h */
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Constant-time comparison: hashing first makes the lengths equal. */
function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/** The key sent as `X-API-Key` or `Authorization: Bearer …`, if any. */
export function presentedKey(req: Request): string | undefined {
  const header = req.get('x-api-key');
  if (header) return header;
  const auth = req.get('authorization');
  const match = auth ? /^Bearer\s+(.+)$/i.exec(auth) : null;
  return match?.[1];
}

/** The role a key grants, or undefined when it is not a configured key. */
export function roleForKey(keys: AdminKeys, key: string): AdminRole | undefined {
  if (keys.admin.some((k) => sameSecret(k, key))) return 'admin';
  if (keys.viewer.some((k) => sameSecret(k, key))) return 'viewer';
  return undefined;
}

function sign(key: string, payload: string): string {
  return createHmac('sha256', key).update(`ogs-admin-session:${payload}`).digest('base64url');
}

/**
 * A stateless session token `expiry.role.mac`, MAC'd with the key that was presented, so
 * every API replica can verify it without shared state and revoking a key ends its sessions.
 */
export function issueSession(role: AdminRole, key: string, now = Date.now()): string {
  const payload = `${now + SESSION_TTL_MS}.${role}`;
  return `${payload}.${sign(key, payload)}`;
}

/** The role carried by a valid, unexpired session token. */
export function verifySession(keys: AdminKeys, token: string, now = Date.now()): AdminRole | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [expiry, role, mac] = parts as [string, string, string];
  if (!/^\d+$/.test(expiry) || Number(expiry) < now) return undefined;
  if (role !== 'admin' && role !== 'viewer') return undefined;
  const payload = `${expiry}.${role}`;
  const candidates = role === 'admin' ? keys.admin : keys.viewer;
  return candidates.some((k) => sameSecret(sign(k, payload), mac)) ? role : undefined;
}

/** Reads one cookie without a cookie-parser dependency. */
export function readCookie(req: Request, name: string): string | undefined {
  const header = req.get('cookie');
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

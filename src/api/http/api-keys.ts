import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { Unauthorized } from '../../errors/index.js';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Returns a check for mutating requests. With no keys configured every request passes
 * (mutating routes are open); otherwise `X-API-Key: <key>` or `Authorization: Bearer <key>`
 * must match one. Keys are compared as SHA-256 digests with `timingSafeEqual`, against
 * every key, so neither length nor position leaks through timing.
 */
export function apiKeyCheck(keys: readonly string[]): (req: Request) => void {
  const digests = keys.map(digest);
  return (req) => {
    if (digests.length === 0) return;
    const presented = presentedKey(req);
    if (presented === undefined) throw new Unauthorized('an API key is required (X-API-Key or Authorization: Bearer)');
    const candidate = digest(presented);
    let matched = false;
    for (const known of digests) matched = timingSafeEqual(candidate, known) || matched;
    if (!matched) throw new Unauthorized('the API key is not valid');
  };
}

function presentedKey(req: Request): string | undefined {
  const header = req.get('X-API-Key');
  if (header) return header;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('Authorization') ?? '');
  return match?.[1];
}

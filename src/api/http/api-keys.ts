import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import type { Config } from '../../config/config.js';

/** What a key may do. Each scope includes the ones before it: `admin` ⊃ `write` ⊃ `read`. */
export type Scope = 'read' | 'write' | 'admin';

const RANK: Record<Scope, number> = { read: 1, write: 2, admin: 3 };

/** Whether a caller holding `held` may use a route that needs `needed`. */
export function grants(held: Scope, needed: Scope): boolean {
  return RANK[held] >= RANK[needed];
}

/** Who is calling: the name of the key presented (for "approved by" and logs) and its scope. */
export interface Caller {
  name: string;
  scope: Scope;
}

interface StoredKey extends Caller {
  secret: string;
  digest: Buffer;
}

/** The variables that carry keys, and the scope each grants. */
export const KEY_VARIABLES = { READ_API_KEYS: 'read', API_KEYS: 'write', ADMIN_API_KEYS: 'admin' } as const satisfies Record<string, Scope>;

type KeyLists = Partial<Record<keyof typeof KEY_VARIABLES, readonly string[]>>;

/** `name:secret`: a name of letters, digits, `_` or `-` before the first colon. */
const NAMED = /^([A-Za-z][A-Za-z0-9_-]{0,63}):(.+)$/;

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Every configured API key with its name and scope: the one place keys are parsed. An entry
 * is `secret` or `name:secret`; unnamed keys are called `<scope>-<n>` (1-based, per variable).
 */
export class KeyRing {
  private constructor(private readonly keys: readonly StoredKey[]) {}

  static fromConfig(config: Pick<Config, 'API_KEYS' | 'READ_API_KEYS' | 'ADMIN_API_KEYS'>): KeyRing {
    return KeyRing.fromLists(config);
  }

  /** Throws, naming the variable, on a duplicate key name. */
  static fromLists(lists: KeyLists): KeyRing {
    const keys: StoredKey[] = [];
    for (const [variable, scope] of Object.entries(KEY_VARIABLES) as [keyof typeof KEY_VARIABLES, Scope][]) {
      (lists[variable] ?? []).forEach((entry, i) => {
        const named = NAMED.exec(entry);
        const name = named ? named[1]! : `${scope}-${i + 1}`;
        const secret = named ? named[2]! : entry;
        if (keys.some((k) => k.name === name)) throw new Error(`${variable}: key name "${name}" is used twice`);
        keys.push({ name, scope, secret, digest: digest(secret) });
      });
    }
    return new KeyRing(keys);
  }

  /** No key configured at all: the API is anonymous (refused in production unless ALLOW_ANONYMOUS). */
  get empty(): boolean {
    return this.keys.length === 0;
  }

  /**
   * The caller a presented secret belongs to. Compared as SHA-256 digests with `timingSafeEqual`
   * against every key, so neither length nor position leaks through timing. When one secret is
   * listed under several scopes, the widest wins.
   */
  identify(presented: string): Caller | undefined {
    const candidate = digest(presented);
    let found: StoredKey | undefined;
    for (const key of this.keys) {
      const same = timingSafeEqual(candidate, key.digest);
      if (same && (!found || RANK[key.scope] > RANK[found.scope])) found = key;
    }
    return found && { name: found.name, scope: found.scope };
  }

  /** Keys of exactly this scope, with their secrets (to sign and verify sessions). */
  secretsOf(scope: Scope): readonly { name: string; secret: string }[] {
    return this.keys.filter((k) => k.scope === scope);
  }
}

/** The key sent as `X-API-Key` or `Authorization: Bearer …`, if any. */
export function presentedKey(req: Request): string | undefined {
  const header = req.get('X-API-Key');
  if (header) return header;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('Authorization') ?? '');
  return match?.[1];
}

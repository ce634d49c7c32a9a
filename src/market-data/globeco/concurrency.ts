import type { TtlCache } from './ttl-cache.js';

/** Runs at most `limit` tasks at once; the rest wait in FIFO order. */
export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a whole number ≥ 1, got ${limit}`);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active += 1;
    try {
      return await task();
    } finally {
      this.active -= 1;
      this.waiting.shift()?.();
    }
  }
}

/**
 * Loads values by key through a cache, sharing one in-flight request between identical
 * concurrent lookups (a 10,000-portfolio run asks for the same few hundred prices
 * thousands of times). Failures are not cached.
 */
export class CachedLoader<V> {
  private readonly inFlight = new Map<string, Promise<V>>();

  constructor(
    private readonly cache: TtlCache<string, V> | null,
    private readonly limiter: Limiter,
    private readonly load: (key: string) => Promise<V>,
  ) {}

  get(key: string): Promise<V> {
    const hit = this.cache?.get(key);
    if (hit) return Promise.resolve(hit.value);
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const promise = this.limiter
      .run(() => this.load(key))
      .then((value) => {
        this.cache?.set(key, value);
        return value;
      })
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, promise);
    return promise;
  }
}

/** Loads every key and collects the values; rejects with the first failure. */
export async function loadAll<V>(keys: readonly string[], loader: CachedLoader<V>): Promise<Map<string, V>> {
  const unique = [...new Set(keys)];
  const values = await Promise.all(unique.map((key) => loader.get(key)));
  return new Map(unique.map((key, i) => [key, values[i] as V]));
}

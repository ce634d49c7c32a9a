import type { LRUCache } from 'lru-cache';
import type { Limit } from 'p-limit';

/**
 * Loads values by key through a cache, sharing one in-flight request between identical
 * concurrent lookups (a 10,000-portfolio run asks for the same few hundred prices
 * thousands of times). Failures are not cached. `limit` (`p-limit`) bounds the requests in
 * flight across loaders.
 */
export class CachedLoader<V> {
  private readonly inFlight = new Map<string, Promise<V>>();

  constructor(
    private readonly cache: LRUCache<string, { value: V }> | null,
    private readonly limit: Limit,
    private readonly load: (key: string) => Promise<V>,
  ) {}

  get(key: string): Promise<V> {
    const hit = this.cache?.get(key);
    if (hit) return Promise.resolve(hit.value);
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const promise = this.limit(() => this.load(key))
      .then((value: V) => {
        this.cache?.set(key, { value });
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

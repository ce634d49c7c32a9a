/** Options for `TtlCache`. */
export interface TtlCacheOptions {
  /** How long an entry stays fresh, milliseconds. */
  ttlMs: number;
  /** Entries kept at most; the least recently used goes first. @defaultValue 10000 */
  maxEntries?: number;
  /** Clock, injectable for tests. @defaultValue `Date.now` */
  now?: () => number;
}

/**
 * A small LRU with a time-to-live per entry. A `Map` keeps insertion order, so re-inserting
 * on every hit makes its first key the least recently used one.
 */
export class TtlCache<K, V> {
  private readonly entries = new Map<K, { value: V; expiresAt: number }>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: TtlCacheOptions) {
    this.ttlMs = options.ttlMs;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** The fresh entry for `key`, if any. `has` tells a cached `undefined` from a miss. */
  get(key: K): { value: V } | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= this.now()) return undefined;
    this.entries.set(key, entry);
    return { value: entry.value };
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: this.now() + this.ttlMs });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}

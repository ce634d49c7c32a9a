import { describe, expect, it } from '@jest/globals';
import { TtlCache } from '../../../src/market-data/globeco/ttl-cache.js';

describe('the TTL cache', () => {
  it('when more entries than the bound are set, then the least recently used one is evicted', () => {
    const cache = new TtlCache<string, number>({ ttlMs: 1000, maxEntries: 2 });
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toEqual({ value: 1 });
    cache.set('c', 3);
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toEqual({ value: 1 });
    expect(cache.get('c')).toEqual({ value: 3 });
  });

  it('when an entry is older than its TTL, then it is a miss, and a cached null is a hit', () => {
    let now = 0;
    const cache = new TtlCache<string, string | null>({ ttlMs: 100, now: () => now });
    cache.set('gone', null);
    now = 99;
    expect(cache.get('gone')).toEqual({ value: null });
    now = 100;
    expect(cache.get('gone')).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});

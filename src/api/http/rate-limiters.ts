import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';

/** Where limit counters live: Redis (shared by every API replica) or, without it, this process. */
export interface LimiterStore {
  /** The API's Redis connection. @defaultValue none: counters are per process (tests, one-process runs) */
  redis?: Redis;
  /** Key namespace, so deployments sharing one Redis count apart (config `QUEUE_PREFIX`). @defaultValue `ogs` */
  keyPrefix?: string;
}

/**
 * A fixed-window counter from `rate-limiter-flexible`: `points` per `durationSeconds` per key.
 * With Redis the window is shared by all API replicas (one Lua INCR+EXPIRE per check). When
 * Redis is not connected or a call fails, an in-memory limiter with the same settings answers
 * instead (the library's insurance limiter): the limit degrades to per-process rather than
 * failing every request or letting everything through.
 */
export function counterLimiter(store: LimiterStore, name: string, points: number, durationSeconds: number): RateLimiterAbstract {
  const memory = new RateLimiterMemory({ keyPrefix: name, points, duration: durationSeconds });
  if (!store.redis) return memory;
  return new RateLimiterRedis({
    storeClient: store.redis,
    keyPrefix: `${store.keyPrefix ?? 'ogs'}:ogs:rl:${name}`,
    points,
    duration: durationSeconds,
    // The API's connection queues commands while reconnecting (maxRetriesPerRequest: null); a limiter must not wait for that.
    rejectIfRedisNotReady: true,
    insuranceLimiter: memory,
  });
}

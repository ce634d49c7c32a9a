import type { Redis } from 'ioredis';

/** How long an `Idempotency-Key` is remembered. */
export const IDEMPOTENCY_KEY_TTL_SECONDS = 24 * 3_600;

/** How long a submit may plan a run before a duplicate with the same key takes over. */
export const PLANNING_LEASE_MS = 30_000;

/** An `Idempotency-Key` claimed by a run submission. */
export interface RunKeyClaim {
  run_id: string;
  /** SHA-256 of the canonical request body: the same key with another body is a conflict. */
  request_hash: string;
}

/**
 * `Idempotency-Key` claims, in Redis: `SET NX` is atomic, durable where Redis persists (as the
 * queue itself requires), and answers without waiting behind the workers' database writes.
 * A key is remembered for {@link IDEMPOTENCY_KEY_TTL_SECONDS}.
 */
export class RunKeys {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /**
   * Takes the right to plan the key's run for {@link PLANNING_LEASE_MS}: the submit that claimed
   * the key takes it first, so duplicates racing in before the run is recorded wait for that
   * plan instead of rewriting it; once the lease lapses (its holder died) one of them takes over.
   */
  async takePlanningLease(key: string): Promise<boolean> {
    return (await this.redis.set(`${this.prefix}:ogs:idempotency:${key}:planning`, '1', 'PX', PLANNING_LEASE_MS, 'NX')) === 'OK';
  }

  /** Forgets the key if it still names `runId` (a submit that failed, so its retry starts afresh). */
  async release(key: string, runId: string): Promise<void> {
    const name = `${this.prefix}:ogs:idempotency:${key}`;
    const existing = await this.redis.get(name);
    if (existing !== null && (JSON.parse(existing) as RunKeyClaim).run_id === runId) await this.redis.del(name, `${name}:planning`);
  }

  /** Claims the key for this submit, or returns the claim another submit made first. */
  async claim(key: string, claim: RunKeyClaim): Promise<RunKeyClaim> {
    const name = `${this.prefix}:ogs:idempotency:${key}`;
    const set = await this.redis.set(name, JSON.stringify(claim), 'EX', IDEMPOTENCY_KEY_TTL_SECONDS, 'NX');
    if (set === 'OK') return claim;
    const existing = await this.redis.get(name);
    if (existing === null) throw new Error(`Idempotency-Key ${key} expired while being claimed; retry`);
    return JSON.parse(existing) as RunKeyClaim;
  }
}

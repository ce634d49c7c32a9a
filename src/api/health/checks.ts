import { redisRefusal } from '../../queue/redis-refusal.js';

/** Result of one dependency check, as `/health/health` reports it. */
export interface CheckResult {
  status: 'up' | 'down';
  latency_ms: number;
  /** Why the check failed; absent when up. */
  error?: string;
}

/** A dependency check: resolves when the dependency answers, rejects otherwise. */
export type Check = () => Promise<unknown>;

/** Per-check timeout: a probe must answer well inside the kubelet's 1 s default. @defaultValue 1000 */
export const DEFAULT_CHECK_TIMEOUT_MS = 1000;

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs a check with a timeout and measures it. Never rejects: a hanging dependency
 * (ioredis queues commands while reconnecting) becomes `down` after `timeoutMs`.
 */
export async function runCheck(check: Check, timeoutMs = DEFAULT_CHECK_TIMEOUT_MS): Promise<CheckResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([check(), timeout]);
    return { status: 'up', latency_ms: elapsed(started) };
  } catch (error) {
    return { status: 'down', latency_ms: elapsed(started), error: message(error) };
  } finally {
    clearTimeout(timer);
  }
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 100) / 100;
}

/** Runs named checks concurrently. */
export async function runChecks(
  checks: Record<string, Check>,
  timeoutMs = DEFAULT_CHECK_TIMEOUT_MS,
): Promise<Record<string, CheckResult>> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => [name, await runCheck(check, timeoutMs)] as const),
  );
  return Object.fromEntries(entries);
}

/** MongoDB `ping` on the given database handle. */
export function mongoPing(db: { command(cmd: Record<string, unknown>): Promise<unknown> }): Check {
  return () => db.command({ ping: 1 });
}

/** What {@link redisWritable} needs of an ioredis client. */
export interface RedisProbeClient {
  set(key: string, value: string, px: 'PX', ms: number): Promise<unknown>;
}

/**
 * Redis answers and accepts a write: a Redis at `maxmemory` under `noeviction`, or a
 * read-only replica, still answers `PING` but refuses every submit, so readiness writes one
 * short-lived key (`probeKey`) and reports the refusal by its cause.
 */
export function redisWritable(client: RedisProbeClient, probeKey: string): Check {
  // One round trip: the SET's reply proves Redis answers, and its refusal says why it does not accept writes.
  return async () => {
    try {
      await client.set(probeKey, String(Date.now()), 'PX', 10_000);
    } catch (error) {
      const refusal = redisRefusal(error);
      throw refusal ? new Error(refusal, { cause: error }) : error;
    }
  };
}

/**
 * Reachability of an upstream HTTP service: any answer below 500 means it is up
 * (the GlobeCo services have no common health path, and a 404 still proves the service answers).
 */
export function httpReachable(url: string): Check {
  return async () => {
    const res = await fetch(url, { method: 'GET', redirect: 'manual' });
    await res.body?.cancel();
    if (res.status >= 500) throw new Error(`HTTP ${res.status}`);
  };
}

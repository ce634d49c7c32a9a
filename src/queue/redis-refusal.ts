/**
 * Why Redis refused a command, from the error code of its reply: the Redis protocol puts a
 * stable code as the first word of every error reply (`OOM command not allowed …`), and ioredis
 * passes the reply text on as the error message without a separate code field.
 */
const REFUSALS: Record<string, string> = {
  OOM: 'Redis is out of memory (maxmemory reached under noeviction) and refuses writes',
  READONLY: 'Redis is a read-only replica (a failover may be in progress) and refuses writes',
  MISCONF: 'Redis cannot persist to disk and refuses writes',
  NOREPLICAS: 'Redis has too few replicas in sync and refuses writes',
  MASTERDOWN: 'Redis lost its primary and refuses commands',
  LOADING: 'Redis is loading its dataset and refuses commands',
  BUSY: 'Redis is busy running a script and refuses commands',
};

/** Seconds a client is asked to wait before retrying a request Redis refused. */
export const REDIS_REFUSAL_RETRY_AFTER_SECONDS = 5;

/**
 * The cause, in words, when `error` (or its cause) is a Redis refusal; undefined otherwise. A
 * MULTI whose commands were refused fails as `EXECABORT`, and ioredis keeps the refusals in
 * `previousErrors`.
 */
export function redisRefusal(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 3; e = e.cause, depth += 1) {
    const code = /^([A-Z]+)\b/.exec(e.message)?.[1];
    if (code !== undefined && REFUSALS[code] !== undefined) return `${REFUSALS[code]} (Redis said: ${e.message.split('\n')[0]!.slice(0, 120)})`;
    const previous = (e as { previousErrors?: unknown }).previousErrors;
    if (code === 'EXECABORT' && Array.isArray(previous)) {
      for (const p of previous) {
        const refusal = redisRefusal(p);
        if (refusal) return refusal;
      }
    }
  }
  return undefined;
}

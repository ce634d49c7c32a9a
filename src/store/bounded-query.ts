/**
 * How long a read that is not a keyed `_id` lookup may hold the database. Past it the server
 * stops the query (`maxTimeMS`) and the API answers 503 naming the cause, instead of one
 * request stalling everyone else's reads.
 */
export const BOUNDED_QUERY_MS = 1_000;

/** Largest count a listing reports; beyond it `total` says "at least this many". */
export const COUNT_CAP = 10_000;

/** MongoDB's `MaxTimeMSExpired` (FerretDB answers with the same code). */
export function isQueryTimeout(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 50;
}

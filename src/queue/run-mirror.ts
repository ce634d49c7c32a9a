import type { Redis } from 'ioredis';
import type { RebalanceDocument } from '../store/rebalances-repository.js';
import {
  ZERO_COUNTS,
  type RunChunkDocument,
  type RunCounts,
  type RunDocument,
  type RunModelDocument,
  type RunStatus,
} from '../store/run-documents.js';

const COUNT_KEYS = Object.keys(ZERO_COUNTS) as (keyof RunCounts)[];

/** How long a live run's mirror is kept after its last write. */
const LIVE_TTL_SECONDS = 7 * 24 * 3_600;
/** Once a run is final and stored in MongoDB, the mirror only serves polls for a while. */
const FINISHED_TTL_SECONDS = 3_600;

const HEAD = 'head';
const PLAN = 'plan';
const ENQUEUED = 'enqueued';
const STARTED = 'started';
const FINAL = 'final';
const FINAL_CLAIM = 'final-claim';
const CHUNK = 'c:';

/** What a run's creation stores besides its header; kept in the mirror until MongoDB has it. */
export interface RunPlan {
  chunks: RunChunkDocument[];
  models: RunModelDocument[];
  rebalances: RebalanceDocument[];
}

/** How a run ended, as mirrored (first final status wins, as in MongoDB). */
export interface RunEnding {
  status: RunStatus;
  final_counts: RunCounts | null;
  finished_at: Date;
  reason: string | null;
}

/** How a stored final run ended, for its mirror. */
export function endingOf(run: RunDocument): RunEnding {
  return { status: run.status, final_counts: run.final_counts, finished_at: run.finished_at ?? new Date(), reason: run.reason };
}

/** A run as the mirror holds it. */
export interface MirroredRun {
  /** The header with its mirrored transitions applied; absent for a run mirrored only for its progress. */
  run?: RunDocument;
  /** Sums of the mirrored chunk outcomes. */
  counts: RunCounts;
  chunksDone: number;
  /** Indexes of the chunks whose outcome is mirrored (the ones `counts` sums). */
  doneChunks: ReadonlySet<number>;
  /** Whether every chunk is known to be in the queue. */
  enqueued: boolean;
  /** The plan, for a run created in Redis first and not yet known to be stored in MongoDB. */
  plan?: RunPlan;
}

/**
 * A Redis hash per run that answers polls without MongoDB: the header as created, its
 * transitions (started, the final status) and one field per finished chunk with that chunk's
 * counts as stored in MongoDB.
 *
 * Why: on this repository's MongoDB-protocol server (FerretDB v1, SQLite backend) only `_id`
 * equality is pushed down, so summing a run's chunk outcomes scans every outcome ever stored
 * (1.3 s with 50,000), and every query queues behind the workers' bulk writes on one busy
 * process (a 1 ms `_id` read took 69 ms at the median under load). One HGETALL does not.
 *
 * MongoDB stays the record. Every field is written after the MongoDB write it mirrors, and is
 * idempotent (the same chunk writes the same value; `started` and `final` keep their first
 * value), so retries converge. A run without a `head` field (created before the mirror existed,
 * or lost with Redis) is read from MongoDB instead.
 */
export class RunMirror {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(runId: string): string {
    return `${this.prefix}:ogs:run:${runId}`;
  }

  /** Runs created in Redis first and not yet known to be stored in MongoDB, by creation time. */
  private get unstoredKey(): string {
    return `${this.prefix}:ogs:runs-unstored`;
  }

  /** Mirrors a new run's header and, for a run created in Redis first, its plan. */
  async open(run: RunDocument, plan?: RunPlan): Promise<void> {
    const key = this.key(run._id);
    const fields: Record<string, string> = { [HEAD]: JSON.stringify(run) };
    if (plan) fields[PLAN] = JSON.stringify(plan);
    const write = this.redis.multi().hset(key, fields).expire(key, LIVE_TTL_SECONDS);
    if (plan) write.zadd(this.unstoredKey, String(run.created_at.getTime()), run._id);
    await committed(write.exec());
  }

  async markEnqueued(runId: string): Promise<void> {
    await this.redis.hset(this.key(runId), ENQUEUED, '1');
  }

  /** MongoDB has the run and its plan: the mirror need not carry the plan any longer. */
  async stored(runId: string): Promise<void> {
    // Not a MULTI: a Redis at maxmemory refuses every command queued in a MULTI, but not HDEL or ZREM.
    await applied(this.redis.pipeline().hdel(this.key(runId), PLAN).zrem(this.unstoredKey, runId).exec());
  }

  /** Runs created in Redis first that MongoDB may not have yet, oldest first. */
  async unstored(limit = 1_000): Promise<string[]> {
    return this.redis.zrange(this.unstoredKey, '0', String(limit - 1));
  }

  /**
   * Drops the run's mirror (and its "unstored" mark); reads fall back to MongoDB. `DEL` and
   * `ZREM` outside a MULTI are accepted by a Redis at `maxmemory`, where {@link settle} is not.
   */
  async forget(runId: string): Promise<void> {
    await applied(this.redis.pipeline().del(this.key(runId)).zrem(this.unstoredKey, runId).exec());
  }

  /** Runs created in Redis first before `at` that MongoDB may not have yet, oldest first. */
  async unstoredBefore(at: Date, limit = 1_000): Promise<string[]> {
    return this.redis.zrangebyscore(this.unstoredKey, '-inf', `(${at.getTime()}`, 'LIMIT', 0, limit);
  }

  async started(runId: string, at: Date): Promise<void> {
    await this.redis.hsetnx(this.key(runId), STARTED, at.toISOString());
  }

  /** Mirrors one chunk's outcome as stored in MongoDB. */
  async record(runId: string, chunkIndex: number, counts: RunCounts): Promise<void> {
    const key = this.key(runId);
    const value = JSON.stringify(COUNT_KEYS.map((k) => counts[k]));
    await committed(this.redis.multi().hset(key, `${CHUNK}${chunkIndex}`, value).expire(key, LIVE_TTL_SECONDS).exec());
  }

  /**
   * Claims the run's final status; the first claim wins and is what every later claimant stores.
   * `HSETNX` is atomic, which FerretDB v1's status-filtered update is not (two finishers can both
   * "win" it), so the claim is what decides who reports the run finished. Not visible to readers
   * until {@link settle}, after MongoDB has the final run. Returns the winning ending and whether
   * it is this call's.
   */
  async claimFinal(runId: string, ending: RunEnding): Promise<{ ending: RunEnding; won: boolean }> {
    const key = this.key(runId);
    const [set] = await committed(this.redis.multi().hsetnx(key, FINAL_CLAIM, JSON.stringify(ending)).expire(key, LIVE_TTL_SECONDS).exec());
    if (set === 1) return { ending, won: true };
    const claimed = await this.redis.hget(key, FINAL_CLAIM);
    return { ending: claimed === null ? ending : reviveEnding(JSON.parse(claimed) as RunEnding), won: false };
  }

  /** Mirrors the final status MongoDB holds, replacing any other (MongoDB is the record). */
  async settle(runId: string, ending: RunEnding): Promise<void> {
    const key = this.key(runId);
    await committed(this.redis.multi().hset(key, FINAL, JSON.stringify(ending)).expire(key, FINISHED_TTL_SECONDS).exec());
  }

  /** The mirrored runs among `runIds` (a run the mirror does not know has no entry). */
  async read(runIds: readonly string[]): Promise<Map<string, MirroredRun>> {
    const found = new Map<string, MirroredRun>();
    if (runIds.length === 0) return found;
    const pipeline = this.redis.pipeline();
    for (const runId of runIds) pipeline.hgetall(this.key(runId));
    const replies = (await pipeline.exec()) ?? [];
    runIds.forEach((runId, i) => {
      const [error, hash] = replies[i] ?? [new Error('no reply from Redis')];
      if (error) throw error;
      const mirrored = fromHash(hash as Record<string, string>);
      if (mirrored) found.set(runId, mirrored);
    });
    return found;
  }

  async get(runId: string): Promise<MirroredRun | undefined> {
    return fromHash(await this.redis.hgetall(this.key(runId)));
  }
}

/**
 * The results of a MULTI, or an error: ioredis resolves `exec()` with per-command errors inside
 * the reply (and with null for an aborted transaction) instead of rejecting, so an unchecked
 * mirror write that failed would look done, and its chunk would complete without being counted
 * (found by the chaos suite: a run stuck at 9,800 of 10,000 after Redis connections were dropped).
 */
async function committed(replies: Promise<[Error | null, unknown][] | null>): Promise<unknown[]> {
  const results = await replies;
  if (!results) throw new Error('Redis transaction aborted');
  for (const [error] of results) if (error) throw error;
  return results.map(([, value]) => value);
}

/** The replies of a pipeline, or the first error among them. */
async function applied(replies: Promise<[Error | null, unknown][] | null>): Promise<void> {
  for (const [error] of (await replies) ?? []) if (error) throw error;
}

function fromHash(fields: Record<string, string>): MirroredRun | undefined {
  if (fields[HEAD] === undefined) return undefined;
  const counts = { ...ZERO_COUNTS };
  let chunksDone = 0;
  const doneChunks = new Set<number>();
  for (const [field, value] of Object.entries(fields)) {
    if (!field.startsWith(CHUNK)) continue;
    const values = JSON.parse(value) as number[];
    COUNT_KEYS.forEach((k, j) => (counts[k] += values[j] ?? 0));
    chunksDone += 1;
    doneChunks.add(Number(field.slice(CHUNK.length)));
  }
  const head = reviveRun(JSON.parse(fields[HEAD]) as RunDocument);
  const enqueued = fields[ENQUEUED] !== undefined || head.enqueued_chunks >= head.chunk_count;
  const run: RunDocument = { ...head, enqueued_chunks: enqueued ? head.chunk_count : head.enqueued_chunks };
  if (fields[STARTED] !== undefined && run.status === 'queued') {
    run.status = 'running';
    run.started_at = new Date(fields[STARTED]);
  }
  if (fields[FINAL] !== undefined) Object.assign(run, reviveEnding(JSON.parse(fields[FINAL]) as RunEnding));
  const plan = fields[PLAN] === undefined ? undefined : revivePlan(JSON.parse(fields[PLAN]) as RunPlan);
  return { run, counts, chunksDone, doneChunks, enqueued, ...(plan ? { plan } : {}) };
}

function reviveEnding(ending: RunEnding): RunEnding {
  return { status: ending.status, final_counts: ending.final_counts, finished_at: new Date(ending.finished_at), reason: ending.reason };
}

function reviveRun(run: RunDocument): RunDocument {
  const date = (value: Date | string | null) => (value === null ? null : new Date(value));
  return { ...run, created_at: new Date(run.created_at), started_at: date(run.started_at), finished_at: date(run.finished_at) };
}

function revivePlan(plan: RunPlan): RunPlan {
  return {
    ...plan,
    rebalances: plan.rebalances.map((r) => ({ ...r, rebalance_date: new Date(r.rebalance_date), created_at: new Date(r.created_at) })),
  };
}

/** Where a run's progress is summed when the mirror has none (`RunsRepository.countsOf`). */
export interface StoredCounts {
  countsOf(runIds: readonly string[]): Promise<Map<string, RunCounts>>;
}

/** Live counts of runs in progress: from the mirror, and summed from MongoDB for any run it does not cover. */
export async function liveCounts(mirror: RunMirror, stored: StoredCounts, runIds: readonly string[]): Promise<Map<string, RunCounts>> {
  const mirrored = await mirror.read(runIds);
  const counts = new Map<string, RunCounts>([...mirrored].map(([id, m]) => [id, m.counts]));
  const missing = runIds.filter((id) => !mirrored.has(id));
  for (const [id, c] of await stored.countsOf(missing)) counts.set(id, c);
  return counts;
}

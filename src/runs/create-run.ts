import { createHash } from 'node:crypto';
import { ObjectId } from 'mongodb';
import { Conflict } from '../errors/index.js';
import type { Logger } from '../observability/logger.js';
import {
  INTERACTIVE_JOB_OPTIONS,
  PLANNING_LEASE_MS,
  redisRefusal,
  enqueueChunks,
  priorityForRun,
  type PlannedChunk,
  type RebalanceQueue,
  type RunKeys,
  type RunMirror,
  type RunPlan,
} from '../queue/index.js';
import type { RebalancesRepository } from '../store/rebalances-repository.js';
import { ZERO_COUNTS, type RunChunkDocument, type RunDocument, type RunMode, type RunSelection } from '../store/run-documents.js';
import type { RunsRepository } from '../store/runs-repository.js';
import { planChunks, toChunkDocuments, toModelDocuments, toRebalanceDocuments } from './plan-run.js';
import { resolveSelection, type ModelIndexSource } from './resolve-selection.js';
import { recordedOptions, toSolveOptions, type RunOptionsInput } from './run-options.js';
import { storeMirroredRun } from './store-mirrored-run.js';

/**
 * Runs of up to this many chunks are created in Redis first (see {@link createRun}); their plan
 * travels in the mirror, so it is kept small.
 */
export const REDIS_FIRST_MAX_CHUNKS = 5;

/** How often a duplicate submit looks whether the run it waits for is recorded. */
const PLANNING_POLL_MS = 100;

/** What a submission asks for. */
export interface RunRequest {
  selection: RunSelection;
  options: RunOptionsInput;
  kind?: RunDocument['kind'];
  /** @defaultValue `execute` */
  mode?: RunMode;
  idempotencyKey?: string;
}

/** The run, and whether this call created it (202) or found it (200). */
export interface CreatedRun {
  run: RunDocument;
  created: boolean;
}

/** What creating a run touches. */
export interface CreateRunDeps {
  runs: RunsRepository;
  keys: RunKeys;
  /** Every run is mirrored in Redis, so polls never wait on MongoDB. */
  mirror: RunMirror;
  rebalances: RebalancesRepository;
  /** The model catalog selections are resolved against. */
  models: ModelIndexSource;
  queue: RebalanceQueue;
  chunkSize: number;
  /** An Order Service is configured: executed runs are marked for sending. @defaultValue false */
  sendOrders?: boolean;
  logger: Logger;
  now?: () => Date;
}

/**
 * Resolves the selection and plans the run, then records it one of two ways.
 *
 * - **Redis first** (up to {@link REDIS_FIRST_MAX_CHUNKS} chunks: a portfolio manager's submit):
 *   the run header and its plan go into the run's Redis mirror and the chunks into the queue;
 *   MongoDB is not touched, because on a busy MongoDB-protocol server every query waits behind
 *   the workers' bulk writes (hundreds of milliseconds under load). The run is written to MongoDB
 *   by the first worker that takes one of its chunks, or earlier by any read that needs MongoDB
 *   to have it (listing runs or rebalances, cancelling): see `storeMirroredRun`. Redis is where
 *   the queued work lives anyway, so accepting a run there loses nothing the queue would not.
 * - **MongoDB first** (bulk runs): the plan (chunks, model snapshots, rebalance headers), then
 *   the run header as the commit point, then the mirror, then the queue.
 *
 * With an `Idempotency-Key`, a repeated submit returns the same run and finishes whatever a
 * crash interrupted: a run not recorded anywhere is planned again, chunks not yet recorded as
 * enqueued are enqueued again (deterministic job ids make that harmless). Without a key there is
 * nothing to resume by; the caller resubmits.
 */
export async function createRun(deps: CreateRunDeps, request: RunRequest): Promise<CreatedRun> {
  const now = deps.now ?? (() => new Date());
  let runId = new ObjectId().toHexString();
  if (request.idempotencyKey !== undefined) {
    const hash = requestHash(request);
    const claim = await deps.keys.claim(request.idempotencyKey, { run_id: runId, request_hash: hash });
    if (claim.request_hash !== hash) throw new Conflict('Idempotency-Key was already used with a different request body');
    if (claim.run_id === runId) {
      await deps.keys.takePlanningLease(request.idempotencyKey);
    } else {
      runId = claim.run_id;
      const existing = await recordedRunOncePlanned(deps, request.idempotencyKey, runId);
      if (existing) return { run: await resumeEnqueue(deps, existing.run, existing.chunks, !existing.chunks), created: false };
      // The submit that claimed the key died before recording its run: plan it afresh here.
      await deps.runs.clearPlan(runId);
    }
  }
  const { run, plan } = await planRun(deps, runId, request, now());
  if (plan.chunks.length <= REDIS_FIRST_MAX_CHUNKS) {
    await deps.mirror.open(run, plan);
    try {
      return { run: await resumeEnqueue(deps, run, plan.chunks, false), created: true };
    } catch (error) {
      throw await abandonCreation(deps, run, request, error, now());
    }
  }
  await Promise.all([deps.runs.writePlan(plan.chunks, plan.models), deps.rebalances.insertMany(plan.rebalances)]);
  const inserted = await deps.runs.insertRun(run);
  // A concurrent resume of the same Idempotency-Key may have written the header first: theirs stands.
  const stored = inserted ? run : ((await deps.runs.get(runId)) ?? run);
  try {
    await deps.mirror.open(stored);
    return { run: await resumeEnqueue(deps, stored, plan.chunks, true), created: true };
  } catch (error) {
    // Only the call that wrote the header gives it up; a resumed one leaves it to the sweeper.
    if (!inserted) throw error;
    throw await abandonCreation(deps, stored, request, error, now());
  }
}

/**
 * A submit that fails after its run is recorded (Redis refused the mirror or the enqueue) is
 * answered with an error, so the run must not go ahead behind the caller's back: it is stored
 * as `failed` with the cause (chunks already queued skip a final run), and its Idempotency-Key
 * is released, so the retry the error asks for creates a fresh run. Returns `error` to rethrow.
 */
async function abandonCreation(deps: CreateRunDeps, run: RunDocument, request: RunRequest, error: unknown, at: Date): Promise<unknown> {
  const cause = redisRefusal(error) ?? (error instanceof Error ? error.message : String(error));
  const ending = { status: 'failed' as const, final_counts: { ...ZERO_COUNTS }, finished_at: at, reason: `not queued (${cause.slice(0, 200)}); nothing was processed, submit again` };
  try {
    if ((await deps.runs.get(run._id)) === null) await storeMirroredRun(deps, run._id, ending);
    else await deps.runs.finish(run._id, ending.status, ending.final_counts, at, ending.reason);
    // HSET is refused by a full Redis, DEL is not: a poll then reads the failed run from MongoDB.
    await deps.mirror.settle(run._id, ending).catch(() => deps.mirror.forget(run._id));
    if (request.idempotencyKey !== undefined) await deps.keys.release(request.idempotencyKey, run._id);
    deps.logger.warn({ run_id: run._id, err: error }, 'run not queued: stored as failed');
  } catch (cleanup) {
    // The sweeper re-enqueues a recorded run that nothing took up; the caller was told to retry.
    deps.logger.error({ run_id: run._id, err: cleanup }, 'could not give up a run that was not queued');
  }
  return error;
}

async function planRun(deps: CreateRunDeps, runId: string, request: RunRequest, at: Date): Promise<{ run: RunDocument; plan: RunPlan }> {
  const { items, models } = await resolveSelection(request.selection, deps.models);
  const chunks = planChunks(items, deps.chunkSize);
  const kind = request.kind ?? 'native';
  const empty = items.length === 0;
  const run: RunDocument = {
    _id: runId,
    status: empty ? 'completed' : 'queued',
    selection: request.selection,
    options: recordedOptions(request.options, at),
    solve_options: toSolveOptions(request.options, at),
    priority: priorityForRun(items.length, kind !== 'native'),
    kind,
    mode: request.mode ?? 'execute',
    send_orders: (deps.sendOrders ?? false) && (request.mode ?? 'execute') === 'execute',
    total: items.length,
    chunk_count: chunks.length,
    enqueued_chunks: 0,
    model_ids: models.map((m) => m.modelId),
    final_counts: empty ? { ...ZERO_COUNTS } : null,
    reason: empty ? 'the selection has no portfolios' : null,
    created_at: at,
    started_at: empty ? at : null,
    finished_at: empty ? at : null,
  };
  deps.logger.info({ run_id: runId, total: run.total, chunks: run.chunk_count, priority: run.priority }, 'run created');
  return { run, plan: { chunks: toChunkDocuments(runId, chunks), models: toModelDocuments(runId, models), rebalances: toRebalanceDocuments(runId, models, items, at) } };
}

/**
 * The key's run once the submit planning it has recorded it; undefined when that submit's
 * planning lease lapsed without a record (this call now holds the lease and plans it).
 */
async function recordedRunOncePlanned(deps: CreateRunDeps, key: string, runId: string): Promise<Awaited<ReturnType<typeof recordedRun>>> {
  const deadline = Date.now() + PLANNING_LEASE_MS + 5_000;
  for (;;) {
    const existing = await recordedRun(deps, runId);
    if (existing) return existing;
    if (await deps.keys.takePlanningLease(key)) return undefined;
    if (Date.now() > deadline) throw new Conflict('Idempotency-Key: a submit with this key is still being planned; retry shortly');
    await new Promise((resolve) => setTimeout(resolve, PLANNING_POLL_MS));
  }
}

/** A run recorded by an earlier submit with the same key: in the mirror (with its plan if not yet stored) or in MongoDB. */
async function recordedRun(deps: CreateRunDeps, runId: string): Promise<{ run: RunDocument; chunks?: RunChunkDocument[] } | undefined> {
  const mirrored = await deps.mirror.get(runId);
  if (mirrored?.run) return { run: mirrored.run, chunks: mirrored.plan?.chunks };
  const stored = await deps.runs.get(runId);
  return stored ? { run: stored } : undefined;
}

/**
 * Enqueues what is not yet recorded as enqueued: the chunks given, or else the plan stored in
 * MongoDB. When MongoDB holds the run (`stored`), its header records the enqueue too.
 */
async function resumeEnqueue(deps: CreateRunDeps, run: RunDocument, chunks: readonly RunChunkDocument[] | undefined, stored: boolean): Promise<RunDocument> {
  if (run.enqueued_chunks >= run.chunk_count) return run;
  const plan = chunks ?? (await deps.runs.planOf(run._id, run.chunk_count));
  await enqueueChunks(deps.queue, run._id, plan.map(toPlannedChunk), run.priority, run.kind === 'native' ? {} : INTERACTIVE_JOB_OPTIONS);
  await deps.mirror.markEnqueued(run._id);
  if (stored) await deps.runs.markEnqueued(run._id, run.chunk_count);
  return { ...run, enqueued_chunks: run.chunk_count };
}

function toPlannedChunk(chunk: RunChunkDocument): PlannedChunk {
  return { index: chunk.index, items: chunk.items.map((i) => ({ modelId: i.model_id, portfolioId: i.portfolio_id })) };
}

/** Canonical JSON (sorted keys) hashed, so key order in the body does not matter. */
function requestHash(request: RunRequest): string {
  return createHash('sha256').update(canonical({ selection: request.selection, options: request.options, kind: request.kind ?? 'native', mode: request.mode === 'propose' ? 'propose' : undefined })).digest('hex');
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

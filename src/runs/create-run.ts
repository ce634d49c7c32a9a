import { createHash } from 'node:crypto';
import { ObjectId } from 'mongodb';
import { Conflict } from '../errors/index.js';
import type { Logger } from '../observability/logger.js';
import { INTERACTIVE_JOB_OPTIONS, enqueueChunks, priorityForRun, type RebalanceQueue } from '../queue/index.js';
import type { ModelsRepository } from '../store/models-repository.js';
import type { RebalancesRepository } from '../store/rebalances-repository.js';
import { ZERO_COUNTS, type RunDocument, type RunSelection } from '../store/run-documents.js';
import type { RunIdempotencyRepository } from '../store/run-idempotency-repository.js';
import type { RunsRepository } from '../store/runs-repository.js';
import { planChunks, toChunkDocuments, toModelDocuments, toRebalanceDocuments } from './plan-run.js';
import { resolveSelection } from './resolve-selection.js';
import { toSolveOptions, type RunOptionsInput } from './run-options.js';

/** What a submission asks for. */
export interface RunRequest {
  selection: RunSelection;
  options: RunOptionsInput;
  kind?: RunDocument['kind'];
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
  keys: RunIdempotencyRepository;
  rebalances: RebalancesRepository;
  models: Pick<ModelsRepository, 'findByIds' | 'list'>;
  queue: RebalanceQueue;
  chunkSize: number;
  logger: Logger;
  now?: () => Date;
}

/**
 * Resolves the selection, writes the plan (chunks, model snapshots, rebalance headers) and then
 * the run header — the commit point — and enqueues the chunks. With an `Idempotency-Key`, a
 * repeated submit returns the same run and finishes whatever a crash interrupted: a missing run
 * header is re-planned, chunks not yet recorded as enqueued are enqueued again (deterministic job
 * ids make that harmless). Without a key there is nothing to resume by; the caller resubmits.
 */
export async function createRun(deps: CreateRunDeps, request: RunRequest): Promise<CreatedRun> {
  const now = deps.now ?? (() => new Date());
  let runId = new ObjectId().toHexString();
  if (request.idempotencyKey !== undefined) {
    const hash = requestHash(request);
    const claim = await deps.keys.claim({ _id: request.idempotencyKey, run_id: runId, request_hash: hash, created_at: now() });
    if (claim.request_hash !== hash) throw new Conflict('Idempotency-Key was already used with a different request body');
    if (claim.run_id !== runId) {
      runId = claim.run_id;
      const existing = await deps.runs.get(runId);
      if (existing) return { run: await resumeEnqueue(deps, existing), created: false };
      await deps.runs.clearPlan(runId);
    }
  }
  const run = await planAndRecord(deps, runId, request, now());
  return { run: await resumeEnqueue(deps, run), created: true };
}

async function planAndRecord(deps: CreateRunDeps, runId: string, request: RunRequest, at: Date): Promise<RunDocument> {
  const { items, models } = await resolveSelection(request.selection, deps.models);
  const chunks = planChunks(items, deps.chunkSize);
  await deps.runs.writePlan(toChunkDocuments(runId, chunks), toModelDocuments(runId, models));
  await deps.rebalances.insertMany(toRebalanceDocuments(runId, models, items, at));
  const kind = request.kind ?? 'native';
  const empty = items.length === 0;
  const run: RunDocument = {
    _id: runId,
    status: empty ? 'completed' : 'queued',
    selection: request.selection,
    options: { ...request.options },
    solve_options: toSolveOptions(request.options),
    priority: priorityForRun(items.length, kind !== 'native'),
    kind,
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
  await deps.runs.insertRun(run);
  deps.logger.info({ run_id: runId, total: run.total, chunks: run.chunk_count, priority: run.priority }, 'run created');
  return (await deps.runs.get(runId)) ?? run;
}

async function resumeEnqueue(deps: CreateRunDeps, run: RunDocument): Promise<RunDocument> {
  if (run.enqueued_chunks >= run.chunk_count) return run;
  const plan = await deps.runs.planOf(run._id);
  await enqueueChunks(
    deps.queue,
    run._id,
    plan.map((c) => ({ index: c.index, items: c.items.map((i) => ({ modelId: i.model_id, portfolioId: i.portfolio_id })) })),
    run.priority,
    run.kind === 'native' ? {} : INTERACTIVE_JOB_OPTIONS,
  );
  await deps.runs.markEnqueued(run._id, run.chunk_count);
  return { ...run, enqueued_chunks: run.chunk_count };
}

/** Canonical JSON (sorted keys) hashed, so key order in the body does not matter. */
function requestHash(request: RunRequest): string {
  return createHash('sha256').update(canonical({ selection: request.selection, options: request.options, kind: request.kind ?? 'native' })).digest('hex');
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

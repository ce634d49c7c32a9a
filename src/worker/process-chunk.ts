import { UnrecoverableError } from 'bullmq';
import { AppError } from '../errors/index.js';
import type { MarketDataSource, PortfolioSnapshot, SecurityQuote } from '../market-data/types.js';
import type { Logger } from '../observability/logger.js';
import { chunkJobId, endingOf, fromJobItems, liveCounts, type ChunkJobData, type ChunkJobResult, type RunItem, type RunMirror } from '../queue/index.js';
import type { SolverPool } from '../solver-pool/index.js';
import type { ModelsRepository } from '../store/models-repository.js';
import type { OrdersRepository } from '../store/orders-repository.js';
import type { ResultDocument, ResultsRepository } from '../store/results-repository.js';
import { FINAL_RUN_STATUSES, type RunCounts, type RunDocument, type RunStatus } from '../store/run-documents.js';
import type { RebalancesRepository } from '../store/rebalances-repository.js';
import type { RunsRepository } from '../store/runs-repository.js';
import type { RunSummariesRepository } from '../store/run-summaries-repository.js';
import { summarizeChunk } from '../runs/chunk-summary.js';
import { storeMirroredRun } from '../runs/store-mirrored-run.js';
import type { WorkerMetrics } from '../observability/worker-metrics.js';
import { buildProblems, securitiesOf } from './build-problems.js';
import { countStatuses, documentsForSolve, resultDocument, type ChunkContext, type ChunkLabels } from './chunk-documents.js';
import type { RunModelCache } from './run-model-cache.js';
import type { StoredRebalance } from './stored-rebalance.js';

/** What processing a chunk needs; built once by the worker's composition root. */
export interface ChunkProcessorDeps {
  runs: RunsRepository;
  /** The runs' Redis mirror: what polls read, and where Redis-first runs wait to be stored. */
  mirror: RunMirror;
  rebalances: Pick<RebalancesRepository, 'insertMany'>;
  results: ResultsRepository;
  orders: OrdersRepository;
  models: Pick<ModelsRepository, 'setLastRebalanceDate'>;
  modelCache: RunModelCache;
  marketData: MarketDataSource;
  /** Loads `solver-module.ts`, so optimal answers arrive in their stored form. */
  pool: SolverPool<StoredRebalance>;
  /** Per-portfolio solve deadline (`OPTIMIZATION_TIMEOUT` × 1000). */
  deadlineMs: number;
  logger: Logger;
  /** Worker metrics (`src/observability/worker-metrics.ts`); absent in tests that do not scrape. */
  metrics?: Pick<WorkerMetrics, 'recordChunk' | 'recordSolves' | 'recordRunFinished'>;
  /** Per-chunk summaries for the run view, written before the chunk counts as done. */
  summaries?: Pick<RunSummariesRepository, 'record'>;
}

/** The part of a BullMQ job the processor reads. */
export interface ChunkJob {
  id?: string;
  data: ChunkJobData;
  attemptsMade: number;
  opts: { attempts?: number };
}

/**
 * One chunk: load market data in one go, solve on the pool, write results and orders
 * idempotently, record the chunk's counts exactly once, and finish the run after its last chunk.
 * Transient failures throw (BullMQ retries with backoff); on the last attempt the chunk's
 * portfolios are recorded as failed with the reason instead, so nothing is dropped silently.
 */
export async function processChunk(deps: ChunkProcessorDeps, job: ChunkJob): Promise<ChunkJobResult> {
  const started = process.hrtime.bigint();
  const { run_id: runId, chunk_index: index } = job.data;
  const log = deps.logger.child({ job_id: job.id ?? chunkJobId(runId, index), run_id: runId });
  const { run, stored } = await runOf(deps, runId);
  if (!run) throw new UnrecoverableError(`run ${runId} does not exist`);
  const items = fromJobItems(job.data.items);
  // A cancelled run, or one given up (not queued, or expired by the sweeper), takes no more work.
  if (FINAL_RUN_STATUSES.includes(run.status)) {
    // A retry of a chunk whose marking below failed: its orders are marked now.
    if (run.status === 'cancelled' && run.mode !== 'propose' && job.attemptsMade > 0) await deps.orders.markAfterCancel(runId, items);
    log.info({ status: run.status }, 'run is final: chunk skipped');
    return { outcome: 'cancelled', portfolios: items.length };
  }
  if (run.status === 'queued') {
    const at = new Date();
    if (stored) await deps.runs.markRunning(runId, at);
    await deps.mirror.started(runId, at);
  }
  const ctx: ChunkContext = { runId, tradeDate: run.created_at, now: new Date() };
  const timings: ChunkTimings = { load_ms: 0, holdings_ms: 0, prices_ms: 0, solve_ms: 0, write_ms: 0 };
  let docs: ResultDocument[];
  try {
    docs = await solveChunk(deps, run, items, ctx, timings);
  } catch (error) {
    const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    if (!last) throw error;
    log.error({ err: error }, 'chunk failed on its last attempt: portfolios recorded as failed');
    docs = items.map((item) => resultDocument(ctx, item, 'failed', reasonOf(error), null, codeOf(error)));
  }
  const writing = Date.now();
  const written = await writeResults(deps, docs);
  await deps.summaries?.record(runId, index, summarizeChunk(written.stored));
  const counts = await recordOutcome(deps, run, index, written.counts, log);
  if (run.mode !== 'propose') await markIfCancelledMeanwhile(deps, runId, items);
  timings.write_ms += Date.now() - writing;
  const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
  deps.metrics?.recordChunk({ durationMs, outcomes: outcomesOf(docs) });
  log.debug({ ...counts, ...timings, duration_ms: durationMs }, 'chunk done');
  return { outcome: 'processed', portfolios: items.length };
}

/**
 * A chunk in flight when its run was cancelled finishes and keeps its orders; they are marked
 * `after_cancel` so nothing mistakes them for orders of a live run. Checked after the chunk is
 * recorded: a cancel that lands later found the chunk already done.
 */
async function markIfCancelledMeanwhile(deps: ChunkProcessorDeps, runId: string, items: readonly RunItem[]): Promise<void> {
  if ((await runOf(deps, runId)).run?.status === 'cancelled') await deps.orders.markAfterCancel(runId, items);
}

/**
 * For a chunk BullMQ gave up on without the processor finishing it (stalled too often): its
 * portfolios without a stored result are recorded as failed, so the run still completes.
 */
export async function recordAbandonedChunk(deps: ChunkProcessorDeps, data: ChunkJobData, reason: string): Promise<void> {
  const { run } = await runOf(deps, data.run_id);
  if (!run || run.status === 'cancelled') return;
  const ctx: ChunkContext = { runId: run._id, tradeDate: run.created_at, now: new Date() };
  const docs = fromJobItems(data.items).map((item) => resultDocument(ctx, item, 'failed', reason, null, 'CHUNK_ABANDONED'));
  const written = await writeResults(deps, docs);
  await deps.summaries?.record(run._id, data.chunk_index, summarizeChunk(written.stored));
  await recordOutcome(deps, run, data.chunk_index, written.counts, deps.logger.child({ run_id: run._id }));
}

/** Where a chunk's time went (logged at debug; the pipeline benchmark reads it). */
interface ChunkTimings {
  load_ms: number;
  /** Of `load_ms`: the portfolios' holdings, and the prices of their securities. */
  holdings_ms: number;
  prices_ms: number;
  solve_ms: number;
  write_ms: number;
}

async function solveChunk(deps: ChunkProcessorDeps, run: RunDocument, items: RunItem[], ctx: ChunkContext, timings: ChunkTimings): Promise<ResultDocument[]> {
  let mark = Date.now();
  const models = await deps.modelCache.get(run._id, items.map((i) => i.modelId));
  let part = Date.now();
  const portfolios = await deps.marketData.loadPortfolios([...new Set(items.map((i) => i.portfolioId))]);
  timings.holdings_ms += Date.now() - part;
  part = Date.now();
  const prices = await deps.marketData.loadPrices(securitiesOf(models.values(), portfolios.values()));
  timings.prices_ms += Date.now() - part;
  ctx.labels = labelsOf(portfolios.values(), prices);
  const priceOf = new Map([...prices].map(([id, quote]) => [id, quote.price]));
  const { solvable, unsolvable } = buildProblems(items, models, portfolios, priceOf, run.solve_options);
  timings.load_ms += Date.now() - mark;
  mark = Date.now();
  const solved = await deps.pool.solveMany(solvable.map((s) => s.problem), deps.deadlineMs, { derive: true });
  deps.metrics?.recordSolves(solved.flatMap((r) => (r.path ? [{ path: r.path, solveMs: r.solveMs }] : [])));
  const docs = unsolvable.map((u) => resultDocument(ctx, u.item, 'failed', u.reason, null, u.code));
  const orders = [];
  for (let i = 0; i < solvable.length; i++) {
    const { item, problem } = solvable[i]!;
    const written = documentsForSolve(ctx, item, problem, solved[i]!);
    docs.push(written.result);
    orders.push(...written.orders);
  }
  timings.solve_ms += Date.now() - mark;
  mark = Date.now();
  // Orders before results: a stored result implies its orders are stored too. A proposal
  // writes none: approval writes them from the results (src/runs/approve-run.ts).
  if (run.mode !== 'propose') await deps.orders.insertMany(orders);
  timings.write_ms += Date.now() - mark;
  return docs;
}

/** Writes the results (first write wins) and counts what is stored, so counts always match the results. */
async function writeResults(deps: ChunkProcessorDeps, docs: ResultDocument[]): Promise<{ counts: RunCounts; stored: ResultDocument[] }> {
  const written = await deps.results.insertMany(docs);
  if (written.duplicates.length === 0) return { counts: countStatuses(docs), stored: docs };
  // A redelivered chunk: the first write stays, so its counts and its summary describe what is stored.
  const byId = new Map((await deps.results.byIds(docs.map((d) => d._id))).map((d) => [d._id, d] as const));
  const stored = docs.map((d) => byId.get(d._id) ?? d);
  return { counts: countStatuses(stored), stored };
}

/**
 * Records the chunk's counts exactly once in MongoDB, mirrors what is stored there to Redis (on
 * every attempt, so a mirror write lost to a crash is redone by the retry), and finishes the run
 * after its last chunk.
 */
async function recordOutcome(deps: ChunkProcessorDeps, run: RunDocument, index: number, counts: RunCounts, log: Logger): Promise<RunCounts> {
  const stored = await deps.runs.recordChunkOutcome(run._id, chunkJobId(run._id, index), counts, new Date());
  await deps.mirror.record(run._id, index, stored);
  await finishIfDone(deps, run, log);
  return stored;
}

/**
 * The run as MongoDB has it (`stored`), or else, for a run accepted in Redis first, as its
 * mirror has it, with its model snapshots handed to the model cache. Such a run is written to
 * MongoDB only when it finishes (see {@link finishIfDone}), once and final.
 */
async function runOf(deps: ChunkProcessorDeps, runId: string): Promise<{ run: RunDocument | null; stored: boolean }> {
  const stored = await deps.runs.get(runId);
  if (stored) return { run: stored, stored: true };
  const mirrored = await deps.mirror.get(runId);
  if (!mirrored?.run) return { run: null, stored: false };
  // No plan left in the mirror means someone stored the run after the read above.
  if (!mirrored.plan) return { run: await deps.runs.get(runId), stored: true };
  deps.modelCache.remember(mirrored.plan.models);
  return { run: mirrored.run, stored: false };
}

/**
 * Finishes the run when every portfolio is processed. Also called by the run sweeper
 * (`run-sweeper.ts`) for a run whose chunks all have outcomes but which was never finished.
 */
export async function finishIfDone(deps: ChunkProcessorDeps, run: RunDocument, log: Logger): Promise<void> {
  const counts = (await liveCounts(deps.mirror, deps.runs, [run._id])).get(run._id);
  if (!counts || counts.processed < run.total) return;
  // Before the run is reported final, so a poller that sees it final sees the date too; a failure
  // here fails the chunk, whose retry (or the sweeper) does it again: it cannot be lost.
  if (run.kind === 'v1-model' && (await runOf(deps, run._id)).run?.status !== 'cancelled') {
    for (const modelId of run.model_ids) await deps.models.setLastRebalanceDate(modelId, run.created_at);
  }
  // The first claim decides the ending and who reports it; every claimant writes that same ending,
  // so a finisher that dies half-way is completed by the retry of its chunk.
  const claim = await deps.mirror.claimFinal(run._id, { status: finalStatus(counts), final_counts: counts, finished_at: new Date(), reason: null });
  let finished: boolean;
  if (await deps.runs.get(run._id)) {
    const e = claim.ending;
    await deps.runs.finish(run._id, e.status, e.final_counts, e.finished_at, e.reason);
    // Mirror what MongoDB holds, whoever finished it (this chunk, another worker, a cancel).
    const stored = await deps.runs.get(run._id);
    if (stored) await deps.mirror.settle(run._id, endingOf(stored));
    // The claim's winner reports it, unless a cancel got there first.
    finished = claim.won && stored?.status === e.status;
  } else {
    // Never stored: MongoDB receives the run once, already final, without an update (an update
    // scans the whole collection on FerretDB).
    finished = claim.won;
    let stored = await storeMirroredRun(deps, run._id, claim.ending);
    // A list or a cancel stored it meanwhile, not yet final: finish it there as claimed.
    if (stored && !FINAL_RUN_STATUSES.includes(stored.status)) {
      const e = claim.ending;
      await deps.runs.finish(run._id, e.status, e.final_counts, e.finished_at, e.reason);
      stored = await deps.runs.get(run._id);
    }
    // Polls see the run final only now, when MongoDB has it (and as MongoDB has it).
    if (stored && FINAL_RUN_STATUSES.includes(stored.status)) await deps.mirror.settle(run._id, endingOf(stored));
  }
  if (!finished) return;
  log.info({ ...claim.ending.final_counts }, 'run finished');
  deps.metrics?.recordRunFinished(claim.ending.status as 'completed' | 'completed_with_errors' | 'failed');
}

export function finalStatus(counts: RunCounts): RunStatus {
  if (counts.succeeded === counts.processed) return 'completed';
  if (counts.failed === counts.processed) return 'failed';
  return 'completed_with_errors';
}

function outcomesOf(docs: readonly ResultDocument[]): Partial<Record<ResultDocument['status'], number>> {
  const outcomes: Partial<Record<ResultDocument['status'], number>> = {};
  for (const d of docs) outcomes[d.status] = (outcomes[d.status] ?? 0) + 1;
  return outcomes;
}

function labelsOf(portfolios: Iterable<PortfolioSnapshot>, quotes: ReadonlyMap<string, SecurityQuote>): ChunkLabels {
  const portfolioNames = new Map<string, string>();
  for (const p of portfolios) if (p.name) portfolioNames.set(p.portfolioId, p.name);
  const tickers = new Map<string, string>();
  for (const [id, quote] of quotes) if (quote.ticker) tickers.set(id, quote.ticker);
  return { portfolioNames, tickers };
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function codeOf(error: unknown): string {
  return error instanceof AppError ? error.code : 'CHUNK_FAILED';
}

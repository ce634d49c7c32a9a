import { InvalidInput, NotFound } from '../errors/index.js';
import { endingOf, liveCounts, removeWaitingChunks } from '../queue/index.js';
import type { OrderDocument, OrdersRepository } from '../store/orders-repository.js';
import { resultId, type Page, type ResultDocument, type ResultsRepository } from '../store/results-repository.js';
import { LRUCache } from 'lru-cache';
import type { ChunkSummary, ChunkSummaryDocument, RunSummariesRepository } from '../store/run-summaries-repository.js';
import type { RunChunkDocument, RunCounts, RunDocument, RunStatus } from '../store/run-documents.js';
import { createRun, type CreateRunDeps, type CreatedRun, type RunRequest } from './create-run.js';
import { orderIdsOf, orderPage, resultPage, type KeyedPage, type PageSources, type ResultStatusFilter } from './run-pages.js';
import { combineSummaries, summaryJson, type RunSummaryJson } from './run-summary.js';
import { countsFor, isFinal } from './run-view.js';
import { storeMirroredRun } from './store-mirrored-run.js';

/** Memory for chunk summaries kept per API process, in approximate bytes. */
const SUMMARY_CACHE_BYTES = 32 * 1024 * 1024;
/** Memory for planned chunks kept per API process, in approximate bytes. */
const PLAN_CACHE_BYTES = 32 * 1024 * 1024;

/** A summary's size in memory, roughly: its lists dominate. */
function summaryBytes(doc: ChunkSummaryDocument): number {
  return 1_000 + doc.securities.length * 150 + doc.non_optimal.length * 100;
}

/** A planned chunk's size in memory, roughly: two ids per item. */
function chunkBytes(doc: RunChunkDocument): number {
  return 200 + doc.items.length * 120;
}

/** A run with its current counts. */
export interface RunState {
  run: RunDocument;
  counts: RunCounts;
  /** For a live run whose progress is mirrored: the chunks its counts include (see `Walk.done`). */
  done?: ReadonlySet<number>;
}

/** Everything the runs API needs. */
export interface RunServiceDeps extends CreateRunDeps {
  results: ResultsRepository;
  orders: OrdersRepository;
  summaries: RunSummariesRepository;
  /** How often a long poll re-reads the run. @defaultValue 200 */
  pollIntervalMs?: number;
}

/** The runs use-cases: submit, read, wait, cancel, and page results and orders. */
export class RunService {
  /** Chunk summaries already read (they never change), bounded in memory. */
  private readonly chunkSummaries = new LRUCache<string, ChunkSummaryDocument>({ maxSize: SUMMARY_CACHE_BYTES, sizeCalculation: summaryBytes });

  /** Planned chunks already read from MongoDB (a stored plan never changes), bounded in memory. */
  private readonly plannedChunks = new LRUCache<string, RunChunkDocument>({ maxSize: PLAN_CACHE_BYTES, sizeCalculation: chunkBytes });

  /** Per run: the chunk summaries merged so far and which chunks they cover (summaries never change). */
  private readonly mergedSummaries = new LRUCache<string, { covered: ReadonlySet<number>; merged: ChunkSummary }>({ max: 200 });

  /** Results read as table rows (a stored result never changes: first write wins), bounded in memory. */
  private readonly resultRows = new LRUCache<string, ResultDocument>({ max: 20_000 });

  /** Order ids per optimal result, derived from its positions once, bounded in memory. */
  private readonly resultOrderIds = new LRUCache<string, string[]>({ maxSize: 16 * 1024 * 1024, sizeCalculation: (ids) => 64 + ids.length * 40 });

  /** Model names of a run's snapshots (written with the run's plan, never changed). */
  private readonly snapshotNames = new LRUCache<string, string>({ max: 10_000 });

  constructor(readonly deps: RunServiceDeps) {}

  submit(request: RunRequest): Promise<CreatedRun> {
    return createRun(this.deps, request);
  }

  /** From the run's Redis mirror when it has one (no MongoDB round trip), else from MongoDB. */
  async get(runId: string): Promise<RunState> {
    const mirrored = await this.deps.mirror.get(runId);
    if (mirrored?.run) {
      const { run } = mirrored;
      return { run, counts: run.final_counts ?? mirrored.counts, ...(isFinal(run) ? {} : { done: mirrored.doneChunks }) };
    }
    const run = await this.deps.runs.get(runId);
    if (!run) throw new NotFound(`run ${runId} not found`);
    const live = run.final_counts ? new Map() : await liveCounts(this.deps.mirror, this.deps.runs, [runId]);
    return { run, counts: countsFor(run, live) };
  }

  /**
   * Stores the runs created in Redis first that no worker has taken up yet, so that a read of
   * MongoDB (a list) misses none of them.
   */
  async storeUnstored(): Promise<void> {
    await Promise.all((await this.deps.mirror.unstored()).map((runId) => storeMirroredRun(this.deps, runId)));
  }

  /** Runs newest first, paged by cursor (`next`); `offset` up to {@link MAX_OFFSET} for old clients. */
  async list(query: { after?: string; offset: number; limit: number; status?: RunStatus }): Promise<Page<RunState> & { next: string | null }> {
    if (query.offset > MAX_OFFSET) throw new InvalidInput(`offset: at most ${MAX_OFFSET}; page further with "after" (each page's "next")`, 'offset');
    await this.storeUnstored();
    const page = await this.deps.runs.list({ after: decodeRunCursor(query.after), offset: query.offset, limit: query.limit, status: query.status });
    const live = await liveCounts(this.deps.mirror, this.deps.runs, page.items.filter((r) => !r.final_counts).map((r) => r._id));
    const last = page.items.at(-1);
    const next = last && page.items.length === query.limit ? encodeRunCursor(last) : null;
    return { items: page.items.map((run) => ({ run, counts: countsFor(run, live) })), total: page.total, next };
  }

  /** Model names as the run saw them (its snapshots), for result items. */
  async modelNames(runId: string, modelIds: Iterable<string>): Promise<Map<string, string>> {
    const ids = [...new Set(modelIds)];
    const key = (modelId: string) => `${runId}:${modelId}`;
    const missing = ids.filter((id) => !this.snapshotNames.has(key(id)));
    for (const d of await this.deps.runs.modelsOf(runId, missing)) this.snapshotNames.set(key(d.model_id), d.name);
    return new Map(ids.flatMap((id) => {
      const name = this.snapshotNames.get(key(id));
      return name === undefined ? [] : [[id, name] as const];
    }));
  }

  /**
   * Long poll: re-reads the run every `pollIntervalMs` (no busy loop) until it is final, `waitMs`
   * passes, or the client goes away.
   */
  async wait(runId: string, waitMs: number, signal?: AbortSignal): Promise<RunState> {
    const deadline = Date.now() + waitMs;
    const interval = this.deps.pollIntervalMs ?? 200;
    let state = await this.get(runId);
    while (!isFinal(state.run) && Date.now() < deadline && !signal?.aborted) {
      await sleep(Math.min(interval, deadline - Date.now()));
      state = await this.get(runId);
    }
    return state;
  }

  /** Stops a queued or running run: chunks not yet started are removed or skipped; chunks in flight finish. */
  async cancel(runId: string): Promise<RunState> {
    const { run } = await this.get(runId);
    if (!isFinal(run)) {
      // A run created in Redis first may not be in MongoDB yet: store it, then cancel it there.
      await storeMirroredRun(this.deps, runId);
      await this.deps.runs.finish(runId, 'cancelled', null, new Date(), 'cancelled by request');
      const stored = await this.deps.runs.get(runId);
      if (stored && isFinal(stored)) await this.deps.mirror.settle(runId, endingOf(stored));
      const removed = await removeWaitingChunks(this.deps.queue, runId, run.chunk_count);
      this.deps.logger.info({ run_id: runId, removed_chunks: removed }, 'run cancelled');
    }
    return this.get(runId);
  }

  /** A page of a run's results by key (plan order); `total` from the run's counters. */
  async results(runId: string, query: ResultQuery): Promise<KeyedPage<ResultDocument> & { total: number }> {
    const { run, counts, done } = await this.get(runId);
    const total = query.status ? totalOf(counts, query.status) : counts.processed;
    if (query.portfolioId) {
      const docs = await this.deps.results.byIds(run.model_ids.map((m) => resultId(runId, m, query.portfolioId!)));
      const items = docs.filter((d) => !query.status || statusMatches(d, query.status));
      return { items, next: null, total: items.length };
    }
    const walk = { runId, chunkCount: run.chunk_count, status: query.status, modelId: query.modelId, done, rows: query.rows };
    if (query.offset > 0 && query.after !== undefined) throw new InvalidInput('offset: give either offset or after, not both', 'offset');
    return { ...(await resultPage(this.sources(), walk, query)), total };
  }

  /** A page of a run's orders by key; `portfolioId` narrows to one portfolio's orders in it. */
  async orders(runId: string, query: OrderQuery): Promise<KeyedPage<OrderDocument> & { total: number }> {
    const { run, counts, done } = await this.get(runId);
    if (query.portfolioId) {
      const results = await this.deps.results.byIds(run.model_ids.map((m) => resultId(runId, m, query.portfolioId!)));
      const items = await this.deps.orders.byIds(results.flatMap(orderIdsOf));
      return { items, next: null, total: items.length };
    }
    const walk = { runId, chunkCount: run.chunk_count, done };
    const ordersPerResult = counts.succeeded > 0 ? counts.orders / counts.succeeded : 1;
    if (query.offset === 0) return { ...(await orderPage(this.sources(), walk, { ...query, ordersPerResult })), total: counts.orders };
    if (query.after !== undefined) throw new InvalidInput('offset: give either offset or after, not both', 'offset');
    if (query.offset > MAX_OFFSET) throw new InvalidInput(`offset: at most ${MAX_OFFSET} for orders; page further with "after" (each page's "next")`, 'offset');
    const wide = await orderPage(this.sources(), walk, { limit: query.offset + query.limit, ordersPerResult });
    return { items: wide.items.slice(query.offset), next: wide.next, total: counts.orders };
  }

  /**
   * A stored rebalance's portfolios: the (run, model)'s optimal results by key. Their number is
   * the run's `succeeded` for a one-model run, else the sum of the chunk summaries' per-model counts.
   */
  async optimalOfModel(runId: string, modelId: string, page: { offset: number; limit: number }): Promise<{ items: ResultDocument[]; total: number }> {
    const { run, counts, done } = await this.get(runId);
    const walk = { runId, chunkCount: run.chunk_count, status: 'optimal' as const, modelId, done };
    const items = page.limit === 0 ? [] : (await resultPage(this.sources(), walk, page)).items;
    if (run.model_ids.length <= 1) return { items, total: counts.succeeded };
    const summaries = await this.summariesOf(runId, Array.from({ length: run.chunk_count }, (_, i) => i));
    let total = 0;
    for (const s of summaries.values()) total += s.optimal_by_model[modelId] ?? 0;
    return { items, total };
  }

  /** A portfolio's orders across runs, by order id; bounded by `limit` and the query time cut-off. */
  async portfolioOrders(portfolioId: string, query: { after?: string; offset: number; limit: number }): Promise<KeyedPage<OrderDocument> & { total: number }> {
    if (query.offset > 0) throw new InvalidInput('offset: not offered for a portfolio\'s orders; page with "after" (each page\'s "next")', 'offset');
    const [items, total] = await Promise.all([
      this.deps.orders.ofPortfolio(portfolioId, query.after, query.limit),
      this.deps.orders.countOfPortfolio(portfolioId),
    ]);
    return { items, total, next: items.length === query.limit ? items.at(-1)!._id : null };
  }

  /**
   * The run's aggregates, merged from the summaries its chunks wrote as they finished. A chunk's
   * summary never changes once written, so each is read once per process and kept (bounded):
   * a poll of a live run reads only the chunks not seen finished yet.
   */
  async summary(runId: string): Promise<RunSummaryJson> {
    const { run, done } = await this.get(runId);
    const kept = this.mergedSummaries.get(runId);
    // A live run's chunks without a recorded outcome have no summary yet: not asked for; nor
    // are the ones already merged (a poll of a live run merges only the chunks finished since).
    const indexes = Array.from({ length: run.chunk_count }, (_, i) => i).filter((i) => (!done || done.has(i)) && !kept?.covered.has(i));
    const fresh = await this.summariesOf(runId, indexes);
    const merged = kept && fresh.size === 0 ? kept.merged : combineSummaries([...(kept ? [kept.merged] : []), ...fresh.values()]);
    this.mergedSummaries.set(runId, { covered: new Set([...(kept?.covered ?? []), ...fresh.keys()]), merged });
    return summaryJson(runId, merged);
  }

  /** Chunk summaries by index: from memory when read before, else by `_id` (and kept). */
  private summariesOf(runId: string, indexes: readonly number[]): Promise<Map<number, ChunkSummaryDocument>> {
    return chunksThrough(this.chunkSummaries, runId, indexes, (missing) => this.deps.summaries.ofChunks(runId, missing));
  }

  /** Results as table rows by `_id`, in the order given: from memory when read before, else read (and kept). */
  private async rowsOf(ids: readonly string[]): Promise<ResultDocument[]> {
    const missing = ids.filter((id) => !this.resultRows.has(id));
    if (missing.length > 0) for (const row of await this.deps.results.rowsByIds(missing)) this.resultRows.set(row._id, row);
    return ids.flatMap((id) => this.resultRows.get(id) ?? []);
  }

  /** Planned chunks by index: from memory when read before, else by `_id` (and kept). */
  private storedChunks(runId: string, indexes: readonly number[]): Promise<Map<number, RunChunkDocument>> {
    return chunksThrough(this.plannedChunks, runId, indexes, (missing) => this.deps.runs.chunksAt(runId, missing));
  }

  /** Where keyed pages read: MongoDB by `_id`, and the mirror's plan for a run not stored yet. */
  private sources(): PageSources {
    return {
      chunks: async (runId, indexes) => {
        const stored = await this.storedChunks(runId, indexes);
        if (stored.size === indexes.length) return stored;
        const plan = (await this.deps.mirror.get(runId))?.plan;
        for (const c of plan?.chunks ?? []) if (indexes.includes(c.index) && !stored.has(c.index)) stored.set(c.index, c);
        return stored;
      },
      summaries: (runId, indexes) => this.summariesOf(runId, indexes),
      results: (ids, rows) => (rows ? this.rowsOf(ids) : this.deps.results.byIds(ids)),
      orders: (ids) => this.deps.orders.byIds(ids),
      orderIds: async (row) => {
        if (row.status !== 'optimal' || row.trade_count === 0) return [];
        const known = this.resultOrderIds.get(row._id);
        if (known) return known;
        const [full] = await this.deps.results.byIds([row._id]);
        const ids = full ? orderIdsOf(full) : [];
        if (full) this.resultOrderIds.set(row._id, ids);
        return ids;
      },
    };
  }
}

/** A run's per-chunk documents by index through `cache` (keyed `<run>-<index>`): only the missing ones are read. */
async function chunksThrough<T extends object>(
  cache: LRUCache<string, T>,
  runId: string,
  indexes: readonly number[],
  read: (missing: number[]) => Promise<Map<number, T>>,
): Promise<Map<number, T>> {
  const key = (i: number) => `${runId}-${i}`;
  const missing = indexes.filter((i) => !cache.has(key(i)));
  if (missing.length > 0) for (const [i, doc] of await read(missing)) cache.set(key(i), doc);
  const found = new Map<number, T>();
  for (const i of indexes) {
    const doc = cache.get(key(i));
    if (doc) found.set(i, doc);
  }
  return found;
}

function encodeRunCursor(run: RunDocument): string {
  return Buffer.from(`${run.created_at.getTime()}.${run._id}`).toString('base64url');
}

function decodeRunCursor(after: string | undefined): { at: Date; id: string } | undefined {
  if (after === undefined) return undefined;
  const m = /^(\d{1,15})\.([0-9a-f]{24})$/.exec(Buffer.from(after, 'base64url').toString('utf8'));
  if (!m) throw new InvalidInput('after: not a cursor from a previous page (use its "next")', 'after');
  return { at: new Date(Number(m[1])), id: m[2]! };
}

/** Paging of a run's results. */
export interface ResultQuery {
  status?: ResultStatusFilter;
  portfolioId?: string;
  modelId?: string;
  /** Results without their positions (the rows of a table); not with `portfolioId`. */
  rows?: boolean;
  after?: string;
  /** Compatibility: matching results passed over before the page (read by key from the plan, not skipped in a query). */
  offset: number;
  limit: number;
}

/** Paging of a run's orders. */
export type OrderQuery = Omit<ResultQuery, 'status' | 'modelId' | 'rows'>;

/** Largest `offset` of the runs list (a skip in a sorted index); beyond it, page with `after`. */
export const MAX_OFFSET = 1_000;

function statusMatches(doc: ResultDocument, status: ResultStatusFilter): boolean {
  return status === 'not_optimal' ? doc.status !== 'optimal' : doc.status === status;
}

/** The run counter behind a status filter (`failed` counts invalid input too). */
function totalOf(counts: RunCounts, status: ResultStatusFilter): number {
  if (status === 'optimal') return counts.succeeded;
  if (status === 'infeasible') return counts.infeasible;
  if (status === 'timeout') return counts.timed_out;
  if (status === 'not_optimal') return counts.processed - counts.succeeded;
  return counts.failed;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(ms, 0)));
}

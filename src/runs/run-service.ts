import { NotFound } from '../errors/index.js';
import { endingOf, liveCounts, removeWaitingChunks } from '../queue/index.js';
import type { OrderFilter, OrdersRepository } from '../store/orders-repository.js';
import type { Page, ResultFilter, ResultsRepository } from '../store/results-repository.js';
import type { RunCounts, RunDocument, RunStatus } from '../store/run-documents.js';
import { createRun, type CreateRunDeps, type CreatedRun, type RunRequest } from './create-run.js';
import { countsFor, isFinal } from './run-view.js';
import { storeMirroredRun } from './store-mirrored-run.js';

/** A run with its current counts. */
export interface RunState {
  run: RunDocument;
  counts: RunCounts;
}

/** Everything the runs API needs. */
export interface RunServiceDeps extends CreateRunDeps {
  results: ResultsRepository;
  orders: OrdersRepository;
  /** How often a long poll re-reads the run. @defaultValue 200 */
  pollIntervalMs?: number;
}

/** The runs use-cases: submit, read, wait, cancel, and page results and orders. */
export class RunService {
  constructor(readonly deps: RunServiceDeps) {}

  submit(request: RunRequest): Promise<CreatedRun> {
    return createRun(this.deps, request);
  }

  /** From the run's Redis mirror when it has one (no MongoDB round trip), else from MongoDB. */
  async get(runId: string): Promise<RunState> {
    const mirrored = await this.deps.mirror.get(runId);
    if (mirrored?.run) return { run: mirrored.run, counts: mirrored.run.final_counts ?? mirrored.counts };
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

  async list(offset: number, limit: number, status?: RunStatus): Promise<Page<RunState>> {
    await this.storeUnstored();
    const page = await this.deps.runs.list(offset, limit, status);
    const live = await liveCounts(this.deps.mirror, this.deps.runs, page.items.filter((r) => !r.final_counts).map((r) => r._id));
    return { items: page.items.map((run) => ({ run, counts: countsFor(run, live) })), total: page.total };
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

  async results(filter: ResultFilter, offset: number, limit: number) {
    await this.get(filter.runId);
    return this.deps.results.page(filter, offset, limit);
  }

  orders(filter: OrderFilter, offset: number, limit: number) {
    return this.deps.orders.page(filter, offset, limit);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(ms, 0)));
}

import { Counter, Histogram, type Registry } from 'prom-client';
import type { SolvePath } from '../core/optimizer/types.js';
import {
  METRIC_NAMES,
  PORTFOLIO_OUTCOMES,
  SECONDS_BUCKETS,
  createProcessRegistry,
  defineRunsCounter,
  observeMs,
  type MarketDataOutcome,
  type PortfolioOutcome,
  type RunFinalStatus,
} from './metrics.js';

/** What one processed chunk reports. */
export interface ChunkRecord {
  /** Wall time from job start to progress written, milliseconds. */
  durationMs: number;
  /** Portfolios of the chunk by outcome; missing outcomes count as 0. */
  outcomes: Partial<Record<PortfolioOutcome, number>>;
}

/** What one solve reports (a `SolveResult` fits). */
export interface SolveRecord {
  path: SolvePath;
  solveMs: number;
}

/**
 * The worker process's metrics. Each `record…` is one line at the call site; the
 * worker never exports queue depth (the API does, see `api-metrics.ts`).
 */
export interface WorkerMetrics {
  readonly registry: Registry;
  /** After a chunk's results and progress are written. */
  recordChunk(chunk: ChunkRecord): void;
  /** Per solve, or per batch with {@link WorkerMetrics.recordSolves}. */
  recordSolve(solve: SolveRecord): void;
  recordSolves(solves: readonly SolveRecord[]): void;
  /** When this worker moves a run to a final status (the last chunk). */
  recordRunFinished(status: RunFinalStatus): void;
  /** Per market-data load (see `instrumentMarketData`, which calls this for you). */
  recordMarketDataRequest(source: string, outcome: MarketDataOutcome): void;
}

export function createWorkerMetrics(): WorkerMetrics {
  const registry = createProcessRegistry('worker');
  const runs = defineRunsCounter(registry);
  const portfolios = new Counter({
    name: METRIC_NAMES.portfolios,
    help: 'Portfolios processed, by outcome.',
    labelNames: ['outcome'],
    registers: [registry],
  });
  // Zero-initialised so rate() and alerts see every outcome from the first scrape.
  for (const outcome of PORTFOLIO_OUTCOMES) portfolios.inc({ outcome }, 0);
  const solve = new Histogram({
    name: METRIC_NAMES.solveDuration,
    help: 'Solve wall time in seconds, by optimizer path.',
    labelNames: ['path'],
    buckets: [0.00001, 0.0001, ...SECONDS_BUCKETS],
    registers: [registry],
  });
  const chunk = new Histogram({
    name: METRIC_NAMES.chunkDuration,
    help: 'Time to process one queue job (a chunk of portfolios) in seconds.',
    buckets: SECONDS_BUCKETS,
    registers: [registry],
  });
  const marketData = new Counter({
    name: METRIC_NAMES.marketDataRequests,
    help: 'Market-data loads (one per loadPortfolios/loadPrices call) by source and outcome.',
    labelNames: ['source', 'outcome'],
    registers: [registry],
  });
  const recordSolve = (s: SolveRecord) => observeMs(solve, s.solveMs, { path: s.path });
  return {
    registry,
    recordChunk({ durationMs, outcomes }) {
      observeMs(chunk, durationMs);
      for (const outcome of PORTFOLIO_OUTCOMES) {
        const n = outcomes[outcome] ?? 0;
        if (n > 0) portfolios.inc({ outcome }, n);
      }
    },
    recordSolve,
    recordSolves: (solves) => solves.forEach(recordSolve),
    recordRunFinished: (status) => runs.inc({ status }),
    recordMarketDataRequest: (source, outcome) => marketData.inc({ source, outcome }),
  };
}

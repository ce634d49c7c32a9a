import type { SolveOptions } from '../core/optimizer/types.js';

/** Lifecycle of a run. The last four are final. */
export type RunStatus = 'queued' | 'running' | 'completed' | 'completed_with_errors' | 'failed' | 'cancelled';

export const FINAL_RUN_STATUSES: readonly RunStatus[] = ['completed', 'completed_with_errors', 'failed', 'cancelled'];

/** Whether a run writes orders at once (`execute`) or waits for approval (`propose`). */
export type RunMode = 'propose' | 'execute';

/** What the run was asked to rebalance, as submitted. */
export type RunSelection = { model_ids: string[] } | { portfolio_ids: string[] } | { all: true };

/** How many portfolios ended each way. `failed` includes invalid input. */
export interface RunCounts {
  processed: number;
  succeeded: number;
  infeasible: number;
  timed_out: number;
  failed: number;
  /** Orders stored: one per trade of each optimal result. */
  orders: number;
}

export const ZERO_COUNTS: RunCounts = Object.freeze({ processed: 0, succeeded: 0, infeasible: 0, timed_out: 0, failed: 0, orders: 0 });

/**
 * A run's header. Small and bounded: the portfolios live in `run_chunks` and `run_results`,
 * the model snapshots in `run_models`, the progress in `run_chunk_outcomes` (one document per
 * finished chunk, because FerretDB v1 loses concurrent `$inc`s; see `src/store/mongo.ts`).
 */
export interface RunDocument {
  _id: string;
  status: RunStatus;
  selection: RunSelection;
  /** The run options as submitted (snake_case), replayed into every solve. */
  options: Record<string, unknown>;
  solve_options: SolveOptions;
  priority: number;
  /**
   * `execute` writes orders as portfolios solve; `propose` writes results only, and orders once
   * approved (`src/runs/approve-run.ts`). Absent on runs stored before modes existed: execute.
   */
  mode?: RunMode;
  /** Set at creation when an Order Service is configured: the run's orders are to be sent once final. */
  send_orders?: boolean;
  /** `native` (POST /runs), or a v1 rebalance endpoint, which waits and answers in the v1 shape. */
  kind: 'native' | 'v1-model' | 'v1-portfolio';
  total: number;
  chunk_count: number;
  /** Set to `chunk_count` once every chunk is in the queue; less means the enqueue was interrupted. */
  enqueued_chunks: number;
  model_ids: string[];
  /** Exact counts, stored when the run reaches a final status from its last chunk. */
  final_counts: RunCounts | null;
  /** Why the whole run failed (e.g. nothing to rebalance), when it did. */
  reason: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

/** A chunk as planned at creation, kept so an interrupted enqueue can be completed. */
export interface RunChunkDocument {
  _id: string;
  run_id: string;
  index: number;
  /** Objects, not pairs: FerretDB v1 rejects nested arrays. */
  items: { model_id: string; portfolio_id: string }[];
}

/** Written once per chunk (unique `_id`): the exactly-once record of its counts. */
export interface ChunkOutcomeDocument extends RunCounts {
  _id: string;
  run_id: string;
  finished_at: Date;
}

/** The model as it was when the run was created; every chunk solves against this. */
export interface RunModelDocument {
  _id: string;
  run_id: string;
  model_id: string;
  name: string;
  positions: { security_id: string; target: string; low_drift: string; high_drift: string }[];
}

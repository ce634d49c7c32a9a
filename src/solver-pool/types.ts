import type { RebalanceOutcome } from '../core/optimizer/index.js';
import type { ProblemInput, SolvePath, SolveResult } from '../core/optimizer/types.js';
import type { Logger } from '../observability/logger.js';

/** The solver's deadline could not be met: the pool answered for it (and replaced the thread if it had to). */
export interface TimeoutResult {
  status: 'timeout';
  /** Unknown when the thread was stopped mid-solve. */
  path: SolvePath | null;
  quantities: Record<string, number>;
  objective: null;
  /** "no feasible solution within N s". */
  reason: string;
  solveMs: number;
}

/** The problem broke an input rule (`InvalidInput` in the optimizer); retrying cannot help. */
export interface InvalidResult {
  status: 'invalid';
  path: null;
  quantities: Record<string, number>;
  objective: null;
  /** The optimizer's message. */
  reason: string;
  /** Offending field as a snake_case dotted path (`holdings[0].quantity`), when known. */
  field: string | null;
  solveMs: number;
}

/** The solver thread crashed or the optimizer threw something unexpected (a bug, not the input). */
export interface FailedResult {
  status: 'failed';
  path: null;
  quantities: Record<string, number>;
  objective: null;
  reason: string;
  solveMs: number;
}

/**
 * A solver answer; with `derive`, optimal ones also carry their trades and position detail:
 * `D` is what the solver module derives (the optimizer's {@link RebalanceOutcome} by default).
 */
export interface SolvedResult<D = RebalanceOutcome> extends SolveResult {
  /** `deriveRebalance(input, result)`, computed on the solver thread; only with `derive` and `status: 'optimal'`. */
  rebalance?: D;
}

/**
 * One answer per problem. Every variant carries the same fields, so code that only reports
 * can read `status`/`reason`/`solveMs` without narrowing; narrowing on `status: 'optimal'`
 * gives a plain {@link SolveResult} for `deriveRebalance`.
 */
export type PoolResult<D = RebalanceOutcome> = SolvedResult<D> | TimeoutResult | InvalidResult | FailedResult;

/** Every status a pool answer can have. */
export type PoolStatus = PoolResult['status'];

/** Options of {@link createSolverPool}. */
export interface SolverPoolOptions {
  /** Solver threads (`THREAD_POOL_MAX_WORKERS`). */
  size: number;
  /** Deadline per problem when neither the call nor the problem names one (`OPTIMIZATION_TIMEOUT` × 1000). */
  defaultDeadlineMs: number;
  /** Thread restarts and crashes are logged at `warn`. */
  logger?: Logger;
  /**
   * Module the threads load `solve` (and `solveAndDerive` or `deriveRebalance`) from. Tests point
   * it at a stub that can crash or spin; the worker at a wrapper that derives storage-ready text,
   * so what crosses back from the thread is a few strings rather than nested objects.
   * @defaultValue the optimizer (`src/core/optimizer/index`)
   */
  solverModule?: URL;
}

/** Per-call options of {@link SolverPool.solveMany}. */
export interface SolveManyOptions {
  /**
   * Also derive trades and position detail (`deriveRebalance`) for optimal results, on the solver
   * thread: the decimal arithmetic costs more than the solve itself and would otherwise run on the
   * caller's event loop. @defaultValue false
   */
  derive?: boolean;
}

/** Counters for health and metrics. */
export interface SolverPoolStatus {
  /** Threads in the pool. */
  size: number;
  /** Threads working on a batch. */
  busy: number;
  /** Problems waiting for a thread. */
  queued: number;
  /** Threads replaced after a hard timeout or a crash since the pool started. */
  restarts: number;
}

/** Deadline-bounded solving on worker threads, so a CPU-bound solve never blocks the caller's event loop. */
export interface SolverPool<D = RebalanceOutcome> {
  /** Solves one problem. Resolves with a typed result; rejects only when the pool is closed. */
  solve(input: ProblemInput, deadlineMs?: number, options?: SolveManyOptions): Promise<PoolResult<D>>;
  /**
   * Solves many problems, answered in input order. Inputs travel in a few batches (at most one
   * per thread), not one message per problem.
   */
  solveMany(inputs: readonly ProblemInput[], deadlineMs?: number, options?: SolveManyOptions): Promise<PoolResult<D>[]>;
  status(): SolverPoolStatus;
  /** Finishes the work already submitted, then stops every thread. Later calls reject. */
  close(): Promise<void>;
}

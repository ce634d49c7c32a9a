export { createSolverPool } from './pool.js';
export type {
  FailedResult,
  InvalidResult,
  PoolResult,
  PoolStatus,
  SolvedResult,
  SolveManyOptions,
  SolverPool,
  SolverPoolOptions,
  SolverPoolStatus,
  TimeoutResult,
} from './types.js';

import { createSolverPool, type SolverPool, type SolverPoolOptions } from '../solver-pool/index.js';
import { workerSolverModule } from './solver-module.js';
import type { StoredRebalance } from './stored-rebalance.js';

/** The worker's solver pool: its threads derive optimal answers straight into their stored form. */
export function createWorkerSolverPool(options: Omit<SolverPoolOptions, 'solverModule'>): SolverPool<StoredRebalance> {
  return createSolverPool<StoredRebalance>({ ...options, solverModule: workerSolverModule });
}

/**
 * The module the worker's solver threads load (`SolverPoolOptions.solverModule`): the optimizer,
 * deriving each optimal rebalance on the thread straight into its stored form.
 */
import { solve, solveAndDerive as solveAndDeriveOutcome, type ProblemInput, type SolveResult } from '../core/optimizer/index.js';
import { storedRebalance, type StoredRebalance } from './stored-rebalance.js';

export { solve };

export function solveAndDerive(input: ProblemInput, options: { deadlineAt?: number }): SolveResult & { rebalance?: StoredRebalance } {
  const { rebalance, ...result } = solveAndDeriveOutcome(input, options);
  return rebalance === undefined ? result : { ...result, rebalance: storedRebalance(rebalance) };
}

/** This module, for `createSolverPool({ solverModule })`. */
export const workerSolverModule = new URL(import.meta.url);

/**
 * The optimizer with its general path (the MILP) forced. The frozen hard instance stays slow
 * there whatever the fast path learns, so the deadline tests keep a problem that needs its
 * deadline, on the real optimizer's own cooperative deadline checks.
 */
import { solve as solveAuto, type ProblemInput, type SolveResult } from '../../../src/core/optimizer/index.js';

export function solve(input: ProblemInput, options: { deadlineAt?: number } = {}): SolveResult {
  return solveAuto(input, { ...options, path: 'general' });
}

export const generalPathSolverModule = new URL(import.meta.url);

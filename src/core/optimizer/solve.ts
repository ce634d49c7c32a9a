/**
 * Entry point of the optimizer: validate, scale, pick the path that is exact for the options,
 * and report. Synchronous and deterministic; the deadline is cooperative (checked inside the
 * searches), hard termination belongs to the solver pool around it.
 */
import { scaledText } from '../money/fixed-point.js';
import { solveFast } from './fast-path/fast-path.js';
import type { SearchLimits } from './fast-path/cash-search.js';
import { solveGeneral } from './general-path/solve-general.js';
import { solveTax } from './tax/solve-tax.js';
import type { TaxProblem } from './tax/tax-problem.js';
import { deriveScaled, type RebalanceOutcome } from './derive.js';
import { buildProblem, type ScaledProblem, type ScaledSecurity } from './problem.js';
import type { ScaledOutcome } from './scaled-outcome.js';
import type { ProblemInput, SolvePath, SolveResult } from './types.js';

/** Options of one solve. */
export interface SolveCallOptions {
  /** Epoch ms after which searches give up and report `timeout`. @defaultValue none */
  deadlineAt?: number;
  /** Clock, for tests. @defaultValue Date.now */
  now?: () => number;
  /** Force a path (benchmarks and oracle tests); `auto` picks the fastest exact one. @defaultValue "auto" */
  path?: SolvePath | 'auto';
  /**
   * Node cap of the cash search. @defaultValue 200,000 on the fast path (past it the general
   * path tries), 2,000,000 on the tax path (it has no fallback)
   */
  nodeCap?: number;
}

const DEFAULT_NODE_CAP = 200_000;
/**
 * The tax search's default cap, ten times the fast path's: it has no other path to fall back on
 * (the general path does not model tax), so a book it cannot prove is not rebalanced. What the
 * larger cap buys is measured in docs/PERFORMANCE.md ("Tax-aware books").
 */
const DEFAULT_TAX_NODE_CAP = 2_000_000;

/** Whether any security has lots or a wash-sale restriction. */
function hasTaxSide(tax: TaxProblem): boolean {
  return tax.securities.some((security) => security !== null && (security.count > 0 || security.blocked > 0)) || tax.noBuy.some(Boolean);
}

/** Solves the scaled problem; returns the outcome and which path produced it. */
export function solveScaled(
  problem: ScaledProblem,
  options: SolveCallOptions = {},
): { outcome: ScaledOutcome; path: SolvePath } {
  const now = options.now ?? Date.now;
  const limits: SearchLimits = {
    nodeCap: options.nodeCap ?? DEFAULT_NODE_CAP,
    deadlineAt: options.deadlineAt ?? Number.POSITIVE_INFINITY,
    now,
  };
  const path = options.path ?? 'auto';
  // Only the tax search models tax; no path may answer a tax-enabled problem without it, unless
  // nothing in it has a tax side (no lots, no wash-sale restriction): then the tax term is zero
  // for every allocation and the problem is today's, answered exactly as today (tie-break
  // included), its objective lifted to the tax scale.
  if (problem.tax !== null) {
    if (hasTaxSide(problem.tax)) {
      const taxLimits = { ...limits, nodeCap: options.nodeCap ?? DEFAULT_TAX_NODE_CAP };
      return { outcome: solveTax(problem, problem.tax, taxLimits), path: 'fast' };
    }
    const plain = solveScaled({ ...problem, tax: null }, options);
    if (plain.outcome.status !== 'optimal') return plain;
    return { outcome: { ...plain.outcome, objective: plain.outcome.objective * BigInt(problem.tax.driftFactor) }, path: plain.path };
  }
  if (path === 'general') return { outcome: solveGeneral(problem, limits), path: 'general' };
  const fast = solveFast(problem, limits);
  // A covering search that ran out of nodes (not time) is rare and unproven; the MILP may still
  // prove it (objective exact, tie-break then the LP solver's).
  if (path === 'auto' && fast.status === 'timeout' && limits.now() < limits.deadlineAt) {
    return { outcome: solveGeneral(problem, limits), path: 'general' };
  }
  return { outcome: fast, path: 'fast' };
}

/** A solve's result and, when optimal, the problem and quantities in problem order to derive from. */
interface Solved {
  result: SolveResult;
  problem: ScaledProblem;
  quantities: number[] | null;
}

function solveOnce(input: ProblemInput, options: SolveCallOptions): Solved {
  // Monotonic, to the microsecond: the wall clock (Date.now) moves in whole milliseconds and can step.
  const started = performance.now();
  const problem = buildProblem(input);
  const { outcome, path } = solveScaled(problem, options);
  const solveMs = performance.now() - started;
  if (outcome.status !== 'optimal') {
    const result: SolveResult = { status: outcome.status, path, quantities: {}, objective: null, reason: outcome.reason, solveMs };
    return { result, problem, quantities: null };
  }
  const quantities: Record<string, number> = {};
  const securities = problem.securities;
  for (let i = 0; i < securities.length; i++) quantities[(securities[i] as ScaledSecurity).id] = outcome.quantities[i] as number;
  const objective = scaledText(outcome.objective, problem.tax?.objectivePlaces ?? problem.weightPlaces + problem.moneyPlaces);
  return { result: { status: 'optimal', path, quantities, objective, reason: null, solveMs }, problem, quantities: outcome.quantities };
}

/** Solves one portfolio's rebalancing problem exactly; throws InvalidInput on bad input. */
export function solve(input: ProblemInput, options: SolveCallOptions = {}): SolveResult {
  return solveOnce(input, options).result;
}

/**
 * {@link solve}, and for an optimal result also its trades and position detail, derived from the
 * problem the solve already read (what `deriveRebalance(input, solve(input))` gives, at the cost
 * of one read of the input instead of two).
 */
export function solveAndDerive(input: ProblemInput, options: SolveCallOptions = {}): SolveResult & { rebalance?: RebalanceOutcome } {
  const { result, problem, quantities } = solveOnce(input, options);
  return quantities === null ? result : { ...result, rebalance: deriveScaled(problem, quantities) };
}

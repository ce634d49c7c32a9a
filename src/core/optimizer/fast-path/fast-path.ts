/**
 * The fast path end to end: unit intervals per security, then the exact cash-constrained optimum,
 * through the regime search when a minimum trade value bars some counts. Exact for the base
 * problem and every option; only a search that runs out of nodes or time is unproven.
 */
import type { ScaledProblem } from '../problem.js';
import { cashShortReason } from '../reasons.js';
import type { ScaledOutcome } from '../scaled-outcome.js';
import { buildPositions } from './build.js';
import type { SearchLimits } from './cash-search.js';
import { costScale } from './cost.js';
import { allowedMinimum, gapsOf } from './gaps.js';
import { solveWithGaps } from './min-trade.js';
import { solvePositions } from './solve-fast.js';

/** Solves a scaled problem on the fast path. */
export function solveFast(problem: ScaledProblem, limits: SearchLimits): ScaledOutcome {
  const costs = costScale(problem.weightScale);
  const built = buildPositions(problem, costs);
  if (!built.feasible) return { status: 'infeasible', reason: built.reason, nodes: 0 };
  const positions = built.positions;
  const gaps = gapsOf(problem, positions);
  if (gaps.length === 0) return solvePositions(problem, positions, costs, limits);
  const outcome = solveWithGaps(problem, positions, gaps, costs, limits);
  if (outcome.status !== 'infeasible') return outcome;
  // Every band holds a count, so what is left is cash: the barred counts raise the minimum.
  const byIndex = new Map(gaps.map((gap) => [gap.index, gap]));
  let minimum = 0;
  for (const p of positions) minimum += (p.offset + p.lot * allowedMinimum(p, byIndex.get(p.index))) * (p.unit / p.lot);
  return { ...outcome, reason: cashShortReason(problem, BigInt(minimum)) };
}

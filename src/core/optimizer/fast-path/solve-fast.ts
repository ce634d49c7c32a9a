/**
 * The exact fast path over given unit intervals. Without the cash constraint each security's best whole quantity is the
 * floor or the ceiling of MV·t/p clamped into its interval (its term is convex and nothing else
 * couples the securities). If those overspend, the exact covering search decides who gives up
 * units. Serves the base problem plus cash reserve, lots, no-buy/no-sell and band mode.
 */
import type { ScaledProblem } from '../problem.js';
import { cashShortReason } from '../reasons.js';
import type { ScaledOutcome } from '../scaled-outcome.js';
import { cashItems } from './cash-items.js';
import { searchCashCut } from './cash-cut.js';
import type { SearchLimits } from './cash-search.js';
import { pairToBigInt, type CostScale } from './cost.js';
import { costX, costY, type UnitPosition } from './positions.js';

function objectiveOf(positions: UnitPosition[], units: number[], scale: number): bigint {
  let x = 0;
  let y = 0;
  for (let i = 0; i < positions.length; i++) {
    const position = positions[i] as UnitPosition;
    x += costX(position, units[i] as number);
    y += costY(position, units[i] as number);
  }
  return pairToBigInt(x, y, scale);
}

/** Exact optimum over given unit intervals (each with its best count) under the cash constraint. */
export function solvePositions(
  problem: ScaledProblem,
  positions: UnitPosition[],
  costs: CostScale,
  limits: SearchLimits,
): ScaledOutcome {
  let minimum = 0;
  let spend = 0;
  let fixed = 0;
  const units: number[] = new Array<number>(positions.length);
  for (let i = 0; i < positions.length; i++) {
    const position = positions[i] as UnitPosition;
    fixed += position.offset * (position.unit / position.lot);
    minimum += position.lo * position.unit;
    spend += position.best * position.unit;
    units[i] = position.best;
  }
  const budget = problem.marketValue - problem.reserve - fixed;
  if (minimum > budget) {
    return { status: 'infeasible', reason: cashShortReason(problem, BigInt(minimum + fixed)), nodes: 0 };
  }
  let nodes = 0;
  if (spend > budget) {
    const items = cashItems(positions, costs);
    const outcome = searchCashCut(items, spend - budget, costs, limits);
    if (outcome.status === 'timeout') return { status: 'timeout', reason: outcome.reason, nodes: outcome.nodes };
    nodes = outcome.nodes;
    items.items.forEach((item, j) => {
      const i = item.position.index;
      units[i] = (units[i] as number) - (outcome.giveUp[j] as number);
    });
  }
  const quantities = positions.map((position, i) => position.offset + position.lot * (units[i] as number));
  return {
    status: 'optimal',
    quantities,
    objective: objectiveOf(positions, units, problem.weightScale),
    reason: null,
    nodes,
  };
}

/**
 * The tax-aware solve end to end: unit intervals as on the fast path, narrowed by the wash-sale
 * rules; each security's best count with tax; and when those overspend, the exact tax cut. It
 * serves every tax-enabled problem with every option (lot sizes, no-buy/no-sell, band mode, cash
 * reserve, minimum trade value); the general path does not model tax and is never used for one.
 */
import type { ScaledProblem, ScaledSecurity } from '../problem.js';
import { cashShortReason } from '../reasons.js';
import { buildPositions } from '../fast-path/build.js';
import type { SearchLimits } from '../fast-path/cash-search.js';
import { costScale } from '../fast-path/cost.js';
import { gapsOf } from '../fast-path/gaps.js';
import { allowedAt, costAt, taxPosition, type TaxPosition } from './security-cost.js';
import { searchTaxCut } from './tax-search.js';
import type { TaxProblem } from './tax-problem.js';

/** An optimal tax-aware answer: whole shares per security and the objective at `objectivePlaces`. */
export type TaxOutcome =
  | { status: 'optimal'; quantities: number[]; objective: bigint; reason: null; nodes: number }
  | { status: 'infeasible' | 'timeout'; reason: string; nodes: number };

function washReason(security: ScaledSecurity, p: TaxPosition): string {
  const why = p.tax !== null && p.tax.blocked > 0 ? `${p.tax.blocked} shares bought within the wash-sale window may not be sold at a loss` : 'it may not be bought within the wash-sale window';
  return `security ${security.id}: ${why}, and its band holds no other allowed quantity`;
}

function lowestAllowed(p: TaxPosition): number {
  for (let v = p.lo; v <= p.hi; v++) if (allowedAt(p, v)) return v;
  return p.hi;
}

/** Solves a scaled problem with its tax side exactly. */
export function solveTax(problem: ScaledProblem, tax: TaxProblem, limits: SearchLimits): TaxOutcome {
  const built = buildPositions(problem, costScale(problem.weightScale));
  if (!built.feasible) return { status: 'infeasible', reason: built.reason, nodes: 0 };
  const steps = new Map(gapsOf(problem, built.positions).map((gap) => [gap.index, gap.step]));
  const positions = built.positions.map((position) => taxPosition(problem, tax, position, steps.get(position.index) ?? 0));
  let fixed = 0;
  let minimum = 0;
  let spend = 0;
  for (const p of positions) {
    const security = problem.securities[p.position.index] as ScaledSecurity;
    if (p.lo > p.hi || p.best < 0) return { status: 'infeasible', reason: washReason(security, p), nodes: 0 };
    fixed += p.position.offset * security.price;
    minimum += lowestAllowed(p) * p.position.unit;
    spend += p.best * p.position.unit;
  }
  const budget = problem.marketValue - problem.reserve - fixed;
  if (minimum > budget) return { status: 'infeasible', reason: cashShortReason(problem, BigInt(minimum + fixed)), nodes: 0 };
  let units = positions.map((p) => p.best);
  let nodes = 0;
  if (spend > budget) {
    const cut = searchTaxCut(positions, spend - budget, limits);
    if (cut.status === 'timeout') return cut;
    units = cut.units;
    nodes = cut.nodes;
  }
  let objective = 0n;
  const quantities = positions.map((p, i) => {
    const v = units[i] as number;
    objective += BigInt(costAt(p, v));
    return p.position.offset + p.position.lot * v;
  });
  return { status: 'optimal', quantities, objective, reason: null, nodes };
}

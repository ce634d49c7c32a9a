/**
 * The general path: javascript-lp-solver on the formulation in `formulation.ts`, for options the
 * fast path cannot serve exactly (a binding minimum trade value).
 *
 * Its answer is never trusted as given: its `timeout` is checked only between branch-and-bound
 * nodes and then returns the best so far, a fractional point or a false "infeasible" without
 * saying so. So feasibility is decided here exactly (the minimum allocation either fits the cash
 * or it does not), the answer is rounded only when already integral, checked by `verify.ts`, and
 * anything unproven is reported as `timeout`.
 */
import * as lp from 'javascript-lp-solver';
import type { Model, Solution } from 'javascript-lp-solver';
import { costScale } from '../fast-path/cost.js';
import { buildPositions } from '../fast-path/build.js';
import type { SearchLimits } from '../fast-path/cash-search.js';
import type { UnitPosition } from '../fast-path/positions.js';
import type { ScaledProblem } from '../problem.js';
import { cashShortReason } from '../reasons.js';
import type { ScaledOutcome } from '../scaled-outcome.js';
import { verifyQuantities } from '../verify.js';
import { formulate } from './formulation.js';
import { allowedMinimum, gapsOf } from '../fast-path/gaps.js';

const INTEGRALITY = 1e-6;

// The package's types describe its default export as CommonJS (one `default` deeper than what
// Node's ESM build exports), so accept either shape.
type LpApi = { Solve(model: Model): Solution };
const lpModule = lp as unknown as { default: LpApi & { default?: LpApi } };
const solver: LpApi = lpModule.default.default ?? lpModule.default;

function unproven(reason: string): ScaledOutcome {
  return { status: 'timeout', reason, nodes: 0 };
}

function readUnits(result: Solution, names: (string | null)[], positions: UnitPosition[]): number[] | null {
  const units: number[] = [];
  for (let i = 0; i < positions.length; i++) {
    const name = names[i];
    const value = name === null || name === undefined ? (positions[i] as UnitPosition).lo : Number(result[name] ?? 0);
    const whole = Math.round(value);
    if (!Number.isFinite(value) || Math.abs(value - whole) > INTEGRALITY) return null;
    units.push(whole);
  }
  return units;
}

/** Solves any scaled problem through the MILP, reporting only what it can prove. */
export function solveGeneral(problem: ScaledProblem, limits: SearchLimits): ScaledOutcome {
  const built = buildPositions(problem, costScale(problem.weightScale));
  if (!built.feasible) return { status: 'infeasible', reason: built.reason, nodes: 0 };
  const positions = built.positions;
  const gaps = new Map(gapsOf(problem, positions).map((gap) => [gap.index, gap]));
  let fixed = 0;
  let minimum = 0;
  for (const p of positions) {
    fixed += p.offset * (p.unit / p.lot);
    minimum += allowedMinimum(p, gaps.get(p.index)) * p.unit;
  }
  const budget = problem.marketValue - problem.reserve - fixed;
  if (minimum > budget) {
    return { status: 'infeasible', reason: cashShortReason(problem, BigInt(minimum + fixed)), nodes: 0 };
  }
  const { model, names } = formulate(problem, positions, budget);
  const remaining = limits.deadlineAt - limits.now();
  if (remaining <= 0) return unproven('general path reached the deadline before starting');
  if (Number.isFinite(remaining)) model.options = { timeout: Math.max(1, Math.floor(remaining)) };
  const result = solver.Solve(model);
  if (limits.now() >= limits.deadlineAt) return unproven('general path reached the deadline without proving optimality');
  if (!result.feasible) return unproven('LP solver reported no solution although a feasible allocation exists');
  const units = readUnits(result, names, positions);
  if (units === null) return unproven('LP solver returned a fractional answer');
  const quantities = positions.map((p, i) => p.offset + p.lot * (units[i] as number));
  const check = verifyQuantities(problem, quantities);
  if (check.violation !== null) return unproven(`LP solver answer failed exact verification: ${check.violation}`);
  return { status: 'optimal', quantities, objective: check.objective, reason: null, nodes: 0 };
}

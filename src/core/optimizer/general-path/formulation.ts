/**
 * The general MILP for javascript-lp-solver, in units (u' = offset + lot·v) and dollars.
 *
 * |MV·t − u'·p| is split into e ≥ ±(target − v·unit) as usual, but that alone has an LP
 * relaxation of 0 (v takes the fractional target) and branch and bound then crawls from ~50
 * positions. Per security we add the chord through the two integer points around the target,
 * which makes each term's relaxation its exact convex hull on the integers, so the relaxation is
 * as tight as a per-security formulation gets. A minimum trade value adds, for a holding inside
 * its band, v = held + up − down with up, down either 0 or at least `step` units (two binaries).
 */
import type { Model } from 'javascript-lp-solver';
import type { ScaledProblem, ScaledSecurity } from '../problem.js';
import { floorDiv, type UnitPosition } from '../fast-path/positions.js';
import { heldInBand, minimumStep } from '../fast-path/gaps.js';

/** The model plus what is needed to read and judge its answer. */
export interface Formulation {
  model: Model;
  /** Variable name of v per position, or null for a position pinned to one value. */
  names: (string | null)[];
}

interface Scales {
  money: number;
  target: number;
}

/** |target − v·unit| in dollars for position `p` at `v` units. */
function termAt(p: UnitPosition, v: number, scales: Scales): number {
  return Math.abs((p.aq - v * p.unit) / scales.money + p.ar / scales.target);
}

function addTerm(model: Model, p: UnitPosition, name: string, scales: Scales): void {
  const unit = p.unit / scales.money;
  const target = p.aq / scales.money + p.ar / scales.target;
  const e = `e${p.index}`;
  model.variables[e] = { deviation: 1, [`over${p.index}`]: 1, [`under${p.index}`]: 1 };
  const v = model.variables[name] as Record<string, number>;
  v[`over${p.index}`] = unit;
  v[`under${p.index}`] = -unit;
  model.constraints[`over${p.index}`] = { min: target };
  model.constraints[`under${p.index}`] = { min: -target };
  const f = floorDiv(p.aq, p.unit);
  if (f >= p.lo && f + 1 <= p.hi) {
    const slope = termAt(p, f + 1, scales) - termAt(p, f, scales);
    (model.variables[e] as Record<string, number>)[`chord${p.index}`] = 1;
    v[`chord${p.index}`] = -slope;
    model.constraints[`chord${p.index}`] = { min: termAt(p, f, scales) - slope * f };
  }
}

function addMinimumTrade(model: Model, p: UnitPosition, name: string, step: number): void {
  const i = p.index;
  (model.variables[name] as Record<string, number>)[`trade${i}`] = 1;
  model.constraints[`trade${i}`] = { equal: p.current };
  model.constraints[`one${i}`] = { max: 1 };
  if (p.hi - p.current >= step) {
    model.variables[`up${i}`] = { [`trade${i}`]: -1, [`upMax${i}`]: 1, [`upMin${i}`]: 1 };
    model.variables[`buy${i}`] = { [`upMax${i}`]: -(p.hi - p.current), [`upMin${i}`]: -step, [`one${i}`]: 1 };
    model.constraints[`upMax${i}`] = { max: 0 };
    model.constraints[`upMin${i}`] = { min: 0 };
    (model.binaries as Record<string, 1>)[`buy${i}`] = 1;
  }
  if (p.current - p.lo >= step) {
    model.variables[`down${i}`] = { [`trade${i}`]: 1, [`downMax${i}`]: 1, [`downMin${i}`]: 1 };
    model.variables[`sell${i}`] = { [`downMax${i}`]: -(p.current - p.lo), [`downMin${i}`]: -step, [`one${i}`]: 1 };
    model.constraints[`downMax${i}`] = { max: 0 };
    model.constraints[`downMin${i}`] = { min: 0 };
    (model.binaries as Record<string, 1>)[`sell${i}`] = 1;
  }
}

/** Builds the MILP for positions whose intervals are already known to be non-empty. */
export function formulate(problem: ScaledProblem, positions: UnitPosition[], budget: number): Formulation {
  const scales: Scales = { money: 10 ** problem.moneyPlaces, target: problem.weightScale * 10 ** problem.moneyPlaces };
  const model: Model = {
    optimize: 'deviation',
    opType: 'min',
    constraints: {},
    variables: {},
    ints: {},
    binaries: {},
  };
  let pinned = 0;
  const names = positions.map((p): string | null => {
    if (p.lo === p.hi) {
      pinned += p.lo * p.unit;
      return null;
    }
    const name = `v${p.index}`;
    model.variables[name] = { cash: p.unit / scales.money, [`range${p.index}`]: 1 };
    model.constraints[`range${p.index}`] = { min: p.lo, max: p.hi };
    (model.ints as Record<string, 1>)[name] = 1;
    addTerm(model, p, name, scales);
    const step = minimumStep(problem, p);
    const security = problem.securities[p.index] as ScaledSecurity;
    if (step >= 2 && heldInBand(problem, security)) addMinimumTrade(model, p, name, step);
    return name;
  });
  model.constraints.cash = { max: (budget - pinned) / scales.money };
  return { model, names };
}

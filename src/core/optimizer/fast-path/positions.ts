/**
 * Per-security integer model of the fast path. A security's new quantity is u' = r + k·v with k
 * its lot size, r = held mod k and v ≥ 0 whole "units" (k = 1, r = 0 without lots), so lots are
 * a change of unit and every restriction (band, no-buy, no-sell, band mode) is an interval
 * [lo, hi] of v. Its objective term |MV·t − u'·p| is convex piecewise-linear in v.
 *
 * MV·t/S can exceed 2^53 (S = 10^weightPlaces), so it is split as MV = S·mq + mr:
 * MV·V = S·(mq·V) + mr·V, where mq·V ≤ 2·MV and mr·V < 2·S², both exact doubles.
 */
import type { ScaledProblem, ScaledSecurity } from '../problem.js';
import type { CostScale } from './cost.js';

/** One security in units. All money in money-scale integers. */
export interface UnitPosition {
  /** Index into `problem.securities`. */
  index: number;
  lot: number;
  /** Shares that stay regardless (held mod lot). */
  offset: number;
  /** Money per unit: lot × price. */
  unit: number;
  lo: number;
  hi: number;
  /** Units held now (exact: held = offset + lot·current). */
  current: number;
  /** floor(MV·t/S) − offset·price: the target value above the offset, whole money part. */
  aq: number;
  /** (MV·t) mod S: the part of the target value below one money unit, × S. */
  ar: number;
  /** Best unit count ignoring cash, ties broken towards fewer trades then less turnover. */
  best: number;
}

/** Band in whole shares before restrictions; `empty` when no whole quantity fits. */
export interface ShareBand {
  low: number;
  high: number;
}

export function floorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}

/** floor(MV·V / S) and its remainder (× S), exact, for 0 ≤ V ≤ 2S. */
export function splitProduct(problem: ScaledProblem, weight: number): [number, number] {
  const scale = problem.weightScale;
  const mq = Math.floor(problem.marketValue / scale);
  const mr = problem.marketValue - mq * scale;
  const tail = mr * weight;
  const tailQ = Math.floor(tail / scale);
  return [mq * weight + tailQ, tail - tailQ * scale];
}

/** The drift band of a security in whole shares (low may exceed high: empty). */
export function shareBand(problem: ScaledProblem, security: ScaledSecurity): ShareBand {
  const price = security.price;
  const lowWeight = security.target - security.low;
  let low = 0;
  if (lowWeight > 0) {
    const [q, r] = splitProduct(problem, lowWeight);
    const whole = floorDiv(q, price);
    low = whole + (q - whole * price > 0 || r > 0 ? 1 : 0);
  }
  const [q] = splitProduct(problem, security.target + security.high);
  return { low, high: floorDiv(q, price) };
}

function nearest(position: UnitPosition, costs: CostScale): number {
  const { lo, hi, aq, ar, unit, current } = position;
  const f = floorDiv(aq, unit);
  if (f + 1 <= lo) return lo;
  if (f >= hi) return hi;
  const s = aq - f * unit;
  // cost(f) − cost(f+1) = S·(2s − unit) + 2·ar
  const sign = costs.sign(2 * s - unit, 2 * ar);
  if (sign < 0) return f;
  if (sign > 0) return f + 1;
  if (current === f || current === f + 1) return current;
  return current > f ? f + 1 : f;
}

/** Unit interval and best unit count for one security, given its restricted share band. */
export function unitPosition(
  index: number,
  security: ScaledSecurity,
  band: ShareBand,
  problem: ScaledProblem,
  costs: CostScale,
): UnitPosition {
  const lot = security.lot;
  const offset = security.current % lot;
  const [tq, tr] = splitProduct(problem, security.target);
  const position: UnitPosition = {
    index,
    lot,
    offset,
    unit: lot * security.price,
    lo: Math.max(0, Math.ceil((band.low - offset) / lot)),
    hi: floorDiv(band.high - offset, lot),
    current: (security.current - offset) / lot,
    aq: tq - offset * security.price,
    ar: tr,
    best: 0,
  };
  if (position.lo <= position.hi) position.best = nearest(position, costs);
  return position;
}

/** The same position confined to [lo, hi] ⊆ its interval, with its best count recomputed. */
export function withBounds(position: UnitPosition, lo: number, hi: number, costs: CostScale): UnitPosition {
  const narrowed = { ...position, lo, hi };
  narrowed.best = nearest(narrowed, costs);
  return narrowed;
}

/** Cost of holding `v` units as a pair (x, y): S·x + y = |MV·t − u'·p| × S. */
export function costX(position: UnitPosition, v: number): number {
  const d = position.aq - v * position.unit;
  return d >= 0 ? d : -d;
}

export function costY(position: UnitPosition, v: number): number {
  const d = position.aq - v * position.unit;
  return d >= 0 ? position.ar : -position.ar;
}

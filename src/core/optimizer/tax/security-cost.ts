/**
 * One security's cost with tax, in units v (new quantity u' = offset + lot·v, k = held − u'
 * shares sold):
 *
 *   f(v) = F·S·|MV·t − u'·p|  +  T(k),   T(k) = Σ cost of the first k shares in sale order, T = 0 for k ≤ 0
 *
 * (F lifts the drift term to the objective scale; T already includes weight × rate.)
 *
 * Claim 1 — T is convex in k on [0, sellable]: T(k+1) − T(k) is the cost of the (k+1)-th share,
 * and shares are taken in ascending cost (`tax-problem.ts`), so the increments never decrease.
 * Selling the cheapest shares first is also the least T(k) over every choice of lots (an exchange
 * argument: swapping a dearer share sold for a cheaper one kept never raises the sum), so the
 * lots follow from k and the search needs only quantities.
 *
 * Claim 2 — f restricted to u' ≤ held is convex (k = held − u' is affine in v, T convex, drift
 * convex), and so is f on u' ≥ held (T = 0 there). At u' = held the slope of T in u' jumps from
 * −c₁ (c₁ the cost of the first share in sale order) to 0. If c₁ ≥ 0 the jump is +c₁ ≥ 0, so f is
 * convex on its whole interval: with every sold lot costing ≥ 0 nothing changes in structure. If
 * c₁ < 0 (a loss lot credited, `harvest_losses`), the jump is negative: a concave kink at the
 * holding, and f = min(f_sell, f_keep) of two convex pieces (v ≤ current, v ≥ current). The search
 * handles that exactly: it evaluates f on every integer it may choose and bounds with the convex
 * hull of f, which is a lower bound of both pieces; it never assumes f convex.
 *
 * Consequence used here: between two consecutive "candidate" integers (the interval ends, the
 * holding, the integers around the target and around every lot boundary, the edges of a minimum
 * trade gap) f is linear on the integers, so its minimum is at a candidate, and the lower convex
 * hull of the candidates' values is below f at every integer.
 */
import type { ScaledProblem, ScaledSecurity } from '../problem.js';
import { costX, costY, floorDiv, type UnitPosition } from '../fast-path/positions.js';
import { cumShares, cumTax, shareCost, taxOfSelling, type TaxProblem, type TaxSecurity } from './tax-problem.js';

/** One security as the tax search sees it. */
export interface TaxPosition {
  position: UnitPosition;
  tax: TaxSecurity | null;
  held: number;
  lo: number;
  hi: number;
  /** Counts strictly between current − step and current + step, other than current, are barred (0: none). */
  step: number;
  driftFactor: number;
  scale: number;
  /** Candidate counts in ascending order (see the file comment), and f at each. */
  candidates: number[];
  costs: number[];
  /** The best allowed count ignoring cash, ties to fewer trades then less turnover. */
  best: number;
}

export function costAt(p: TaxPosition, v: number): number {
  const position = p.position;
  const drift = p.driftFactor * (p.scale * costX(position, v) + costY(position, v));
  return drift + taxOfSelling(p.tax, p.held - (position.offset + position.lot * v));
}

export function allowedAt(p: TaxPosition, v: number): boolean {
  if (v < p.lo || v > p.hi) return false;
  const away = Math.abs(v - p.position.current);
  return p.step === 0 || away === 0 || away >= p.step;
}

export function tradesAt(p: TaxPosition, v: number): number {
  return v === p.position.current ? 0 : 1;
}

export function turnoverAt(p: TaxPosition, v: number): number {
  return Math.abs(v - p.position.current) * p.position.unit;
}

/** Sorts a short list in place (the few fixed candidates; cheaper than a comparator sort). */
function insertionSort(list: number[]): void {
  for (let i = 1; i < list.length; i++) {
    const v = list[i] as number;
    let j = i - 1;
    while (j >= 0 && (list[j] as number) > v) {
      list[j + 1] = list[j] as number;
      j--;
    }
    list[j + 1] = v;
  }
}

/**
 * The candidates in ascending order without duplicates: the few fixed ones merged with the lot
 * boundaries, which ascend as the shares sold fall (the lots' cumulative quantities read backwards).
 */
function candidatesOf(p: TaxPosition): number[] {
  const { position, lo, hi } = p;
  const current = position.current;
  const f = floorDiv(position.aq, position.unit);
  const fixed = p.step > 0 ? [lo, hi, current, f, f + 1, current - p.step, current + p.step] : [lo, hi, current, f, f + 1];
  insertionSort(fixed);
  const out: number[] = [];
  let last = Number.NaN;
  let e = 0;
  const tax = p.tax;
  if (tax !== null) {
    const base = p.held - position.offset;
    const lot = position.lot;
    for (let j = tax.count; j >= 0; j--) {
      const units = (base - cumShares(tax, j)) / lot;
      const below = Math.floor(units);
      if (below > hi) break;
      for (let v = below, end = Math.ceil(units); v <= end; v++) {
        for (; e < fixed.length && (fixed[e] as number) <= v; e++) {
          const x = fixed[e] as number;
          if (x >= lo && x <= hi && x !== last) out.push((last = x));
        }
        if (v >= lo && v <= hi && v !== last) out.push((last = v));
      }
    }
  }
  for (; e < fixed.length; e++) {
    const x = fixed[e] as number;
    if (x >= lo && x <= hi && x !== last) out.push((last = x));
  }
  return out;
}

/**
 * f at every candidate: the drift term directly, the tax term by one walk over the lots (the
 * shares sold fall as the count rises, so the candidates visit the lots in reverse sale order).
 */
function costsOf(p: TaxPosition): number[] {
  const { position, tax, candidates } = p;
  const costs = new Array<number>(candidates.length);
  let j = 0;
  for (let c = candidates.length - 1; c >= 0; c--) {
    const v = candidates[c] as number;
    const drift = p.driftFactor * (p.scale * costX(position, v) + costY(position, v));
    const k = p.held - (position.offset + position.lot * v);
    let taxed = 0;
    const lots = tax === null ? 0 : tax.count;
    if (tax !== null && k >= cumShares(tax, lots)) taxed = cumTax(tax, lots);
    else if (tax !== null && k > 0) {
      // The lot that k reaches into: cum[j] < k ≤ cum[j + 1].
      j = Math.min(j, lots - 1);
      while (j > 0 && cumShares(tax, j) >= k) j--;
      while (cumShares(tax, j + 1) < k) j++;
      taxed = cumTax(tax, j) + (k - cumShares(tax, j)) * shareCost(tax, j);
    }
    costs[c] = drift + taxed;
  }
  return costs;
}

/** At equal cost: (trades, turnover) of a better than b's. */
function tieBetter(p: TaxPosition, a: number, b: number): boolean {
  const ta = tradesAt(p, a);
  const tb = tradesAt(p, b);
  if (ta !== tb) return ta < tb;
  return turnoverAt(p, a) < turnoverAt(p, b);
}

/**
 * The tax position of `position`, its interval narrowed by the wash-sale rules: no buy after a
 * loss sale in the window; never below the shares of lots that may not be sold. Null interval
 * (lo > hi) when those rules and the band leave nothing.
 */
export function taxPosition(
  problem: ScaledProblem,
  tax: TaxProblem,
  position: UnitPosition,
  step: number,
): TaxPosition {
  const security = problem.securities[position.index] as ScaledSecurity;
  const taxSecurity = tax.securities[position.index] ?? null;
  let lo = position.lo;
  let hi = position.hi;
  if (tax.noBuy[position.index] === true) hi = Math.min(hi, position.current);
  if (taxSecurity !== null && taxSecurity.blocked > 0) {
    lo = Math.max(lo, Math.ceil((taxSecurity.blocked - position.offset) / position.lot));
  }
  const p: TaxPosition = {
    position,
    tax: taxSecurity,
    held: security.current,
    lo,
    hi,
    step,
    driftFactor: tax.driftFactor,
    scale: problem.weightScale,
    candidates: [],
    costs: [],
    best: lo,
  };
  if (lo > hi) return p;
  p.candidates = candidatesOf(p);
  p.costs = costsOf(p);
  let best = -1;
  let bestCost = 0;
  for (let c = 0; c < p.candidates.length; c++) {
    const v = p.candidates[c] as number;
    if (!allowedAt(p, v)) continue;
    const cost = p.costs[c] as number;
    if (best < 0 || cost < bestCost || (cost === bestCost && tieBetter(p, v, best))) {
      best = v;
      bestCost = cost;
    }
  }
  p.best = best;
  return p;
}

/**
 * The root of the tax cut (`tax-search.ts`): each security's candidate counts and the lower convex
 * hull of its cost as pieces of freed money, the LP relaxation over those hulls (break ratio λ),
 * a greedy first cover, and reduced-cost fixing of each security's counts against a cover.
 */
import { allowedAt, costAt, tradesAt, turnoverAt, type TaxPosition } from './security-cost.js';

/** One straight piece of a security's hull: `money` freed for `cost`. */
export interface HullPiece {
  owner: number;
  money: number;
  cost: number;
  /** cost / money in doubles: orders pieces whose ratios differ by more than rounding can blur. */
  ratio: number;
}

/** A security that can give up units, with what the search needs of it. */
export interface Item {
  p: TaxPosition;
  /** Largest count it may give up (best − lo). */
  most: number;
  unit: number;
  baseCost: number;
  baseTrades: number;
  baseTurnover: number;
  /** Candidate counts given up, ascending (0 and `most` included), and g at each. */
  points: number[];
  gains: number[];
  hull: HullPiece[];
  /** min over d of g(d) − λ·d·unit (set once λ is known), and the size of its terms (for rounding). */
  lagrangian: number;
  magnitude: number;
  /** Counts kept by reduced-cost fixing: ascending disjoint intervals [a0, b0, a1, b1, …]. */
  domain: number[];
  /** The points and interval ends inside `domain`, ascending: where a covering count may be cheapest. */
  stops: number[];
  /** Counts where the reduced cost is least (the stretch the LP prices at exactly λ), tried first. */
  flatFrom: number;
  flatTo: number;
}

/** Sign of a/b − c/d for b, d > 0, exact (BigInt when the products leave the exact range). */
function compareSlopes(a: number, b: number, c: number, d: number): number {
  const left = a * d;
  const right = c * b;
  if (Math.abs(left) < 2 ** 53 && Math.abs(right) < 2 ** 53) return Math.sign(left - right);
  const exact = BigInt(a) * BigInt(d) - BigInt(c) * BigInt(b);
  return exact < 0n ? -1 : exact > 0n ? 1 : 0;
}

/**
 * Ceiling of a bound computed in floating point from terms whose absolute values sum to `size`,
 * never above the exact value. Every term is below 2^53 and each sum or product rounds by at
 * most 2^-53 of its size, so a few thousand operations stay far below 1e-11 of `size`; the
 * margin must stay that small, because equal-cost covers are only pruned when the bound's
 * ceiling reaches the incumbent's integer cost exactly.
 */
export function safeCeil(value: number, size: number): number {
  return Math.ceil(value - 1e-11 * size - 1e-9);
}

/** g(d): what giving up `d` units of `item` adds to the objective. */
export function gainAt(item: Item, d: number): number {
  return costAt(item.p, item.p.best - d) - item.baseCost;
}

/** Lower convex hull of g over the candidate points, as pieces of freed money. */
function hullOf(points: number[], gains: number[], unit: number): HullPiece[] {
  const hull: number[] = [];
  for (let k = 0; k < points.length; k++) {
    while (hull.length >= 2) {
      const a = hull[hull.length - 2] as number;
      const b = hull[hull.length - 1] as number;
      const ax = points[a] as number;
      const ay = gains[a] as number;
      const bx = points[b] as number;
      const by = gains[b] as number;
      // Drop b when it lies on or above the chord from a to the new point.
      if (compareSlopes(by - ay, bx - ax, (gains[k] as number) - ay, (points[k] as number) - ax) >= 0) hull.pop();
      else break;
    }
    hull.push(k);
  }
  const pieces: HullPiece[] = [];
  for (let h = 1; h < hull.length; h++) {
    const a = hull[h - 1] as number;
    const b = hull[h] as number;
    const money = ((points[b] as number) - (points[a] as number)) * unit;
    const cost = (gains[b] as number) - (gains[a] as number);
    pieces.push({ owner: -1, money, cost, ratio: cost / money });
  }
  return pieces;
}

function itemOf(p: TaxPosition): Item {
  const baseCost = costAt(p, p.best);
  const points: number[] = [];
  const gains: number[] = [];
  for (let c = p.candidates.length - 1; c >= 0; c--) {
    const v = p.candidates[c] as number;
    if (v > p.best || v < p.lo) continue;
    points.push(p.best - v);
    gains.push((p.costs[c] as number) - baseCost);
  }
  const unit = p.position.unit;
  const most = p.best - p.lo;
  return {
    p,
    most,
    unit,
    baseCost,
    baseTrades: tradesAt(p, p.best),
    baseTurnover: turnoverAt(p, p.best),
    points,
    gains,
    hull: hullOf(points, gains, unit),
    lagrangian: 0,
    magnitude: 0,
    domain: [0, most],
    stops: points,
    flatFrom: 0,
    flatTo: 0,
  };
}

/** Items by the cost per money of their first hull piece (exactly), then by security. */
/**
 * Sign of a's ratio − b's, exact: the doubles decide when they differ by more than their rounding
 * (each quotient of integers below 2^53 is within 2^-53 of its value, relatively), else
 * {@link compareSlopes} does.
 */
function compareRatios(a: HullPiece, b: HullPiece): number {
  const difference = a.ratio - b.ratio;
  if (Math.abs(difference) > 2 ** -50 * Math.max(Math.abs(a.ratio), Math.abs(b.ratio))) return difference < 0 ? -1 : 1;
  return compareSlopes(a.cost, a.money, b.cost, b.money);
}

function searchOrder(a: Item, b: Item): number {
  const pa = a.hull[0];
  const pb = b.hull[0];
  if (pa === undefined || pb === undefined) return (pa === undefined ? 1 : 0) - (pb === undefined ? 1 : 0) || a.p.position.index - b.p.position.index;
  return compareRatios(pa, pb) || a.p.position.index - b.p.position.index;
}

function byRatio(a: HullPiece, b: HullPiece): number {
  return compareRatios(a, b) || a.owner - b.owner;
}

/** The LP relaxation over the hulls: break ratio λ, the break piece and the counts given up before it. */
function relaxation(items: Item[], pieces: HullPiece[], need: number): { lambda: number; ratio: Ratio; breakAt: number; counts: number[] } {
  const counts = new Array<number>(items.length).fill(0);
  let left = need;
  for (const [breakAt, piece] of pieces.entries()) {
    if (piece.money >= left) return { lambda: piece.cost / piece.money, ratio: { cost: piece.cost, money: piece.money }, breakAt, counts };
    counts[piece.owner] = (counts[piece.owner] as number) + piece.money / (items[piece.owner] as Item).unit;
    left -= piece.money;
  }
  // The caller checked that the minimums fit, so the hulls always cover.
  throw new Error('tax-aware cash search: the hulls cannot free the excess although the minimums fit');
}

/** First count ≥ d inside the domain and allowed, or -1. */
export function firstAllowedFrom(item: Item, d: number): number {
  const domain = item.domain;
  for (let k = 0; k < domain.length; k += 2) {
    const b = domain[k + 1] as number;
    if (b < d) continue;
    for (let x = Math.max(d, domain[k] as number); x <= b; x++) if (allowedAt(item.p, item.p.best - x)) return x;
  }
  return -1;
}

/** λ exactly, as the break piece's cost over its money (both integers). */
export interface Ratio {
  cost: number;
  money: number;
}

/** Cover (objective, trades, turnover) change of giving up `counts`. */
export interface Key {
  cost: number;
  trades: number;
  turnover: number;
}

/** The key of no cover: every cover is better. */
export const NO_COVER: Key = { cost: Number.POSITIVE_INFINITY, trades: 0, turnover: 0 };

export function keyOf(items: Item[], counts: ArrayLike<number>): Key {
  const key: Key = { cost: 0, trades: 0, turnover: 0 };
  for (let j = 0; j < items.length; j++) {
    const d = counts[j] as number;
    if (d === 0) continue;
    const item = items[j] as Item;
    const v = item.p.best - d;
    key.cost += costAt(item.p, v) - item.baseCost;
    key.trades += tradesAt(item.p, v) - item.baseTrades;
    key.turnover += turnoverAt(item.p, v) - item.baseTurnover;
  }
  return key;
}

/**
 * A cover to start from: the LP's whole pieces, the rest from the cheapest pieces onward
 * rounded up to an allowed count, then each security lowered as far as the cover allows when
 * that is cheaper. Null when rounding up meets only barred counts (the search then starts without one).
 * With `forced`, that security gives up that count (or the next allowed one up) and is left there.
 */
export function greedyCover(
  items: Item[],
  pieces: HullPiece[],
  breakAt: number,
  lpCounts: number[],
  need: number,
  forced: { owner: number; d: number } | null = null,
): Int32Array | null {
  const counts = new Int32Array(items.length);
  const fixedOwner = forced === null ? -1 : forced.owner;
  let freed = 0;
  for (let j = 0; j < items.length; j++) {
    const item = items[j] as Item;
    // Hull vertices may be barred counts (inside a minimum trade gap): the next allowed one up, else down.
    let d = Math.round(j === fixedOwner ? (forced as { d: number }).d : (lpCounts[j] as number));
    const up = firstAllowedFrom(item, d);
    if (up >= 0) d = up;
    else while (d > 0 && !allowedAt(item.p, item.p.best - d)) d--;
    counts[j] = d;
    freed += d * item.unit;
  }
  for (let step = 0; step < pieces.length && freed < need; step++) {
    const piece = pieces[(breakAt + step) % pieces.length] as HullPiece;
    if (piece.owner === fixedOwner) continue;
    const item = items[piece.owner] as Item;
    const d = counts[piece.owner] as number;
    const wanted = Math.min(item.most, d + Math.ceil((need - freed) / item.unit));
    const to = firstAllowedFrom(item, wanted);
    if (to <= d) continue;
    freed += (to - d) * item.unit;
    counts[piece.owner] = to;
  }
  for (let j = items.length - 1; j >= 0; j--) {
    const item = items[j] as Item;
    const d = counts[j] as number;
    if (d === 0 || j === fixedOwner) continue;
    const others = freed - d * item.unit;
    const least = firstAllowedFrom(item, Math.max(0, Math.ceil((need - others) / item.unit)));
    if (least < 0 || least >= d || gainAt(item, least) > gainAt(item, d)) continue;
    counts[j] = least;
    freed = others + least * item.unit;
  }
  return freed >= need ? counts : null;
}

/** Appends [a, b] to ascending intervals, merging it with the last one when they touch. */
function addInterval(kept: number[], a: number, b: number): void {
  const last = kept.length - 1;
  if (last > 0 && (kept[last] as number) >= a - 1) kept[last] = Math.max(kept[last] as number, b);
  else kept.push(a, b);
}

/** Keeps the counts of `item` whose reduced cost g − λ·d·unit − lagrangian is at most `slack`. */
export function fixByReducedCost(item: Item, lambda: number, slack: number): void {
  const { points, gains, unit, lagrangian } = item;
  const kept: number[] = [];
  if (points.length === 1) kept.push(0, 0);
  let ra = (gains[0] as number) - lambda * (points[0] as number) * unit - lagrangian;
  for (let k = 0; k + 1 < points.length; k++) {
    const a = points[k] as number;
    const b = points[k + 1] as number;
    const rb = (gains[k + 1] as number) - lambda * b * unit - lagrangian;
    if (ra <= slack && rb <= slack) addInterval(kept, a, b);
    // r is linear in between: keep the counts up to where it crosses the slack (which already
    // carries the rounding margin; the 1e-9 only keeps an exact crossing on the kept side).
    else if (ra <= slack) addInterval(kept, a, Math.min(b, a + Math.floor(((slack - ra) / (rb - ra)) * (b - a) + 1e-9)));
    else if (rb <= slack) addInterval(kept, Math.max(a, b - Math.floor(((slack - rb) / (ra - rb)) * (b - a) + 1e-9)), b);
    ra = rb;
  }
  item.domain = kept;
  // Each interval's ends and the points inside it; intervals and points both ascend.
  const stops: number[] = [];
  let k = 0;
  for (let i = 0; i < kept.length; i += 2) {
    const a = kept[i] as number;
    const b = kept[i + 1] as number;
    if (stops[stops.length - 1] !== a) stops.push(a);
    while (k < points.length && (points[k] as number) <= a) k++;
    for (; k < points.length && (points[k] as number) < b; k++) stops.push(points[k] as number);
    if (b !== a) stops.push(b);
  }
  item.stops = stops;
}

/** The root relaxation, shared by both stages of the search. */
export interface Root {
  items: Item[];
  /** Every item's hull pieces, ascending cost per money, owners as indices into `items`. */
  pieces: HullPiece[];
  lambda: number;
  ratio: Ratio;
  /** The Lagrangian bound and the size of its terms. */
  bound: number;
  size: number;
  excess: number;
  /** The break piece and the LP's counts before it (for the greedy cover). */
  breakAt: number;
  counts: number[];
}

/**
 * The root of the cut over the positions that can give up units: their items in search order,
 * every hull piece in ratio order, the LP break ratio λ and each item's Lagrangian term.
 */
export function rootOf(positions: TaxPosition[], excess: number): Root {
  const items = positions.filter((p) => p.best > p.lo).map(itemOf);
  items.sort(searchOrder);
  const pieces: HullPiece[] = [];
  items.forEach((item, j) => {
    for (const piece of item.hull) {
      piece.owner = j;
      pieces.push(piece);
    }
  });
  pieces.sort(byRatio);
  const { lambda, ratio, breakAt, counts } = relaxation(items, pieces, excess);
  let bound = lambda * excess;
  let size = Math.abs(bound);
  for (const item of items) {
    let least = 0;
    for (let k = 0; k < item.points.length; k++) {
      const gain = item.gains[k] as number;
      const freed = lambda * (item.points[k] as number) * item.unit;
      least = Math.min(least, gain - freed);
      item.magnitude = Math.max(item.magnitude, Math.abs(gain) + freed);
    }
    item.lagrangian = least;
    bound += least;
    size += Math.abs(least);
  }
  return { items, pieces, lambda, ratio, bound, size, excess, breakAt, counts };
}

/**
 * The exact cash cut with tax. Each security sits at its best count ignoring cash; if that
 * overspends by E, some securities give up units. Some optimum only lowers counts (a count above
 * a security's best costs more and spends more), so the problem is: give up d_i units, freeing
 * Σ d_i·unit_i ≥ E, at least cost Σ g_i(d_i), g_i(d) = f_i(best − d) − f_i(best) ≥ 0.
 *
 * g_i need not be convex nor even increasing (a credited loss lot puts a concave kink at the
 * holding, and past it selling more can cost less; a minimum trade gap bars counts:
 * `security-cost.ts`), so nothing here assumes either. What the search uses is that g_i is
 * linear between consecutive candidate counts, so on every stretch of counts its least value is
 * at an end, and that the lower convex hull of g_i is below it everywhere.
 *
 * 1. The LP relaxation over the hulls (pieces in ascending cost per money) gives the break
 *    ratio λ. For any λ ≥ 0 and any cover, Σ g_i(d_i) ≥ Σ_i min_d (g_i(d) − λ·d·unit_i) + λ·E
 *    (Lagrangian bound, since Σ d_i·unit_i ≥ E); with the break ratio it equals the LP value.
 * 2. A greedy cover (the LP's counts, the break security rounded up, then each security lowered as
 *    far as the cover allows) is the first incumbent.
 * 3. Reduced-cost fixing: with r_i(d) = g_i(d) − λ·d·unit_i − min(…) ≥ 0, any cover with
 *    security i at d costs at least the Lagrangian bound + r_i(d). Counts whose r_i exceeds the
 *    incumbent's cost minus that bound are dropped (r_i is linear between candidates, so what
 *    remains is a few intervals per security); a security left with one count is fixed there.
 *    Ties on the objective are kept, so the tie-break still sees every cover as good as the
 *    incumbent.
 * 4. Depth-first branch and bound over the securities left, pruned first by the Lagrangian bound
 *    of the remaining securities, with λ·need raised to λ·(need + the least overshoot their
 *    reachable sums allow: `full-price-sums.ts`, exact, as on the fast path; this is what keeps
 *    many securities at the same cost per money, the hard-book shape, from exploding), then by
 *    the fractional knapsack over their hulls. Costs are integers, so a bound's ceiling is a
 *    bound too. Children in the stretch the LP prices at exactly λ come first.
 * 5. In two stages: first without the overshoot bitsets (their size is the excess times the
 *    securities; most cuts are proved without them) for `FIRST_STAGE_NODES`, then, fixed again
 *    against the best cover so far, with them over the longest suffix of the core they fit.
 *
 * Covers are compared on (objective, trades, turnover); ties are explored for the first
 * `TIE_BREAK_NODES` nodes, as in the fast path. A search that runs into its node cap or deadline
 * is reported unproven, never as optimal.
 */
import { TIE_BREAK_NODES, type SearchLimits } from '../fast-path/cash-search.js';
import { buildFullPriceSums, longestAffordableSuffix, type FullPriceSums } from '../fast-path/full-price-sums.js';
import { flatCover, setFlatStretch } from './flat-cover.js';
import { improveCover } from './improve-cover.js';
import { allowedAt, costAt, tradesAt, turnoverAt, type TaxPosition } from './security-cost.js';
import {
  firstAllowedFrom,
  fixByReducedCost,
  greedyCover,
  keyOf,
  NO_COVER,
  rootOf,
  safeCeil,
  type HullPiece,
  type Item,
  type Key,
  type Ratio,
  type Root,
} from './tax-cut-root.js';

export type TaxSearchOutcome =
  | { status: 'optimal'; units: number[]; nodes: number }
  | { status: 'timeout'; nodes: number; reason: string };

class TaxSearch {
  nodes = 0;
  stopped: 'nodes' | 'deadline' | null = null;
  private readonly path: Int32Array;
  private best: Int32Array | null;
  private bestKey: Key;
  /** Hull pieces of the core, ascending cost per money: owner (core position), money, cost. */
  private readonly pieceOwner: Int32Array;
  private readonly pieceMoney: Float64Array;
  private readonly pieceCost: Float64Array;
  /** Over core positions [c, m): Σ largest kept count·unit, Σ lagrangian, least trade and turnover change. */
  private readonly capacity: number[];
  private readonly lagrangian: number[];
  private readonly magnitude: number[];
  private readonly minTrades: number[];
  private readonly minTurnover: number[];
  /** Core securities that stop trading by giving up best − current units, with that money, ascending. */
  private readonly toCurrent: [number, number][] = [];
  /** Over core positions [c, m): securities at their holding that must trade (no kept count is the holding). */
  private readonly forcedTrades: number[];
  /** q·Σ min(g − λ·d·unit) over core positions [c, m), exactly; built the first time rounding cannot decide. */
  private exactRest: bigint[] | null = null;
  /**
   * Least overshoot of a cover by the reachable sums of core positions [sumsFrom, m): the longest
   * suffix whose bitsets stay affordable (the core is ordered so that it holds the items that
   * free least). Null: none (the first stage, or nothing affordable).
   */
  private readonly sums: FullPriceSums | null;
  private readonly sumsFrom: number;

  constructor(
    private readonly items: Item[],
    /** Items left free after fixing, in search order (indices into `items`). */
    private readonly core: number[],
    /** Every item's hull pieces, ascending cost per money, owners as indices into `items`. */
    pieces: readonly HullPiece[],
    /** Counts of every item: fixed ones at their count, core ones at 0. */
    private readonly fixed: Int32Array,
    incumbent: Int32Array | null,
    incumbentKey: Key,
    private readonly lambda: number,
    private readonly ratio: Ratio,
    private readonly limits: SearchLimits,
    /** Whether to build the overshoot bitsets, and the need at the root (the largest they answer). */
    withSums: boolean,
    need: number,
  ) {
    const m = core.length;
    this.path = new Int32Array(m);
    this.best = incumbent;
    this.bestKey = incumbentKey;
    // The core's pieces keep the ratio order (core positions ascend with item indices, so ties too).
    const position = new Int32Array(items.length).fill(-1);
    let count = 0;
    core.forEach((j, c) => {
      position[j] = c;
      count += (items[j] as Item).hull.length;
    });
    this.pieceOwner = new Int32Array(count);
    this.pieceMoney = new Float64Array(count);
    this.pieceCost = new Float64Array(count);
    let at = 0;
    for (const piece of pieces) {
      const c = position[piece.owner] as number;
      if (c < 0) continue;
      this.pieceOwner[at] = c;
      this.pieceMoney[at] = piece.money;
      this.pieceCost[at] = piece.cost;
      at++;
    }
    this.capacity = new Array<number>(m + 1).fill(0);
    this.lagrangian = new Array<number>(m + 1).fill(0);
    this.magnitude = new Array<number>(m + 1).fill(0);
    this.forcedTrades = new Array<number>(m + 1).fill(0);
    this.minTrades = new Array<number>(m + 1).fill(0);
    this.minTurnover = new Array<number>(m + 1).fill(0);
    for (let c = m - 1; c >= 0; c--) {
      const item = items[core[c] as number] as Item;
      const { domain, unit } = item;
      const top = domain[domain.length - 1] as number;
      // Nearest kept count to the holding: the least trades and turnover this item can reach.
      const atCurrent = item.p.best - item.p.position.current;
      let nearest = Number.POSITIVE_INFINITY;
      for (let k = 0; k < domain.length; k += 2) {
        const x = Math.min(Math.max(atCurrent, domain[k] as number), domain[k + 1] as number);
        nearest = Math.min(nearest, Math.abs(x - atCurrent));
      }
      this.capacity[c] = (this.capacity[c + 1] as number) + top * unit;
      this.lagrangian[c] = (this.lagrangian[c + 1] as number) + item.lagrangian;
      this.magnitude[c] = (this.magnitude[c + 1] as number) + item.magnitude;
      this.forcedTrades[c] = (this.forcedTrades[c + 1] as number) + (item.baseTrades === 0 && nearest !== 0 ? 1 : 0);
      if (item.baseTrades === 1 && nearest === 0 && atCurrent > 0) this.toCurrent.push([c, atCurrent * unit]);
      this.minTrades[c] = (this.minTrades[c + 1] as number) + (nearest === 0 ? 0 : 1) - item.baseTrades;
      this.minTurnover[c] = (this.minTurnover[c + 1] as number) + nearest * unit - item.baseTurnover;
    }
    this.toCurrent.sort((a, b) => a[1] - b[1] || a[0] - b[0]);
    const ranges = core.map((j) => {
      const { domain, unit } = items[j] as Item;
      return { unit, most: domain[domain.length - 1] as number };
    });
    this.sumsFrom = withSums ? longestAffordableSuffix(ranges, need) : m;
    const suffix = ranges.slice(this.sumsFrom);
    this.sums = suffix.length === 0 ? null : buildFullPriceSums(suffix, need);
  }

  result(): Int32Array | null {
    return this.best;
  }

  private overLimit(): boolean {
    if (this.nodes > this.limits.nodeCap) this.stopped = 'nodes';
    else if ((this.nodes & 1023) === 0 && this.limits.now() > this.limits.deadlineAt) this.stopped = 'deadline';
    return this.stopped !== null;
  }

  /** Fractional cover of `need` by the hull pieces of core positions [c, m), rounded up. */
  private hullBound(c: number, need: number): number {
    let left = need;
    let cost = 0;
    let size = 0;
    const { pieceOwner, pieceMoney, pieceCost } = this;
    for (let k = 0; k < pieceOwner.length; k++) {
      if ((pieceOwner[k] as number) < c) continue;
      const money = pieceMoney[k] as number;
      const piece = pieceCost[k] as number;
      if (money >= left) {
        const part = (piece * left) / money;
        return safeCeil(cost + part, size + Math.abs(part));
      }
      cost += piece;
      size += Math.abs(piece);
      left -= money;
    }
    return Number.POSITIVE_INFINITY;
  }

  private noBetter(cost: number, trades: number, turnover: number): boolean {
    const best = this.bestKey;
    if (cost !== best.cost || this.nodes > TIE_BREAK_NODES) return cost >= best.cost;
    if (trades !== best.trades) return trades > best.trades;
    return turnover >= best.turnover;
  }

  /** ⌈Σ_{core [c, m)} min_d (g − λ·d·unit) + λ·freed⌉ in exact integers, λ = ratio.cost / ratio.money. */
  private exactLagrangian(c: number, freed: number): number {
    if (this.exactRest === null) {
      const { cost: p, money: q } = this.ratio;
      const [bp, bq] = [BigInt(p), BigInt(q)];
      const rest = new Array<bigint>(this.core.length + 1).fill(0n);
      for (let k = this.core.length - 1; k >= 0; k--) {
        const item = this.items[this.core[k] as number] as Item;
        let least = 0n;
        for (let i = 0; i < item.points.length; i++) {
          const value = bq * BigInt(item.gains[i] as number) - bp * BigInt((item.points[i] as number) * item.unit);
          if (value < least) least = value;
        }
        rest[k] = (rest[k + 1] as bigint) + least;
      }
      this.exactRest = rest;
    }
    const q = BigInt(this.ratio.money);
    const total = (this.exactRest[c] as bigint) + BigInt(this.ratio.cost) * BigInt(freed);
    // Ceiling division for either sign.
    const quotient = total / q;
    return Number(total > quotient * q ? quotient + 1n : quotient);
  }

  /**
   * Whether no cover below this node can tie the incumbent's objective and beat its trades and
   * turnover. A cover costing no more than the incumbent frees at most `room` from here
   * (Σ g ≥ rest + λ·freed). Giving up d units lowers turnover by at most d·unit, and a security
   * only stops trading by giving up exactly best − current units, so the trades saved are at most
   * the number of the cheapest such amounts that fit in `room`.
   */
  private tiesCannotWin(c: number, cost: number, trades: number, turnover: number, rest: number, size: number): boolean {
    const best = this.bestKey;
    let minTrades = trades + (this.minTrades[c] as number);
    let minTurnover = turnover + (this.minTurnover[c] as number);
    if (this.lambda > 0) {
      const slack = best.cost - cost - rest;
      const room = Math.floor(slack / this.lambda + (1e-11 * (size + Math.abs(slack))) / this.lambda + 1e-9);
      minTurnover = Math.max(minTurnover, turnover - room);
      let saved = 0;
      let spent = 0;
      for (const [owner, money] of this.toCurrent) {
        if (owner < c) continue;
        spent += money;
        if (spent > room) break;
        saved++;
      }
      minTrades = Math.max(minTrades, trades + (this.forcedTrades[c] as number) - saved);
    }
    if (minTrades !== best.trades) return minTrades > best.trades;
    return minTurnover >= best.turnover;
  }

  private record(depth: number, cost: number, trades: number, turnover: number): void {
    if (this.noBetter(cost, trades, turnover)) return;
    const best = Int32Array.from(this.fixed);
    for (let c = 0; c < depth; c++) best[this.core[c] as number] = this.path[c] as number;
    this.best = best;
    this.bestKey = { cost, trades, turnover };
  }

  private child(c: number, d: number, need: number, cost: number, trades: number, turnover: number): void {
    const item = this.items[this.core[c] as number] as Item;
    const v = item.p.best - d;
    this.path[c] = d;
    this.search(
      c + 1,
      need - d * item.unit,
      cost + costAt(item.p, v) - item.baseCost,
      trades + tradesAt(item.p, v) - item.baseTrades,
      turnover + turnoverAt(item.p, v) - item.baseTurnover,
    );
  }

  search(c: number, need: number, cost: number, trades: number, turnover: number): void {
    this.nodes++;
    if (this.overLimit()) return;
    if (need <= 0) return this.record(c, cost, trades, turnover);
    if (c === this.core.length || need > (this.capacity[c] as number)) return;
    // Whatever the core frees from here is a reachable sum ≥ need: at least need + the least overshoot.
    const over = this.sums === null || c < this.sumsFrom ? 0 : this.sums.least(c - this.sumsFrom, need);
    if (over === Number.POSITIVE_INFINITY) return;
    const rest = this.lagrangian[c] as number;
    const size = this.magnitude[c] as number;
    const freed = this.lambda * (need + over);
    let lagrangian = safeCeil(rest + freed, size + freed);
    // Rounding may leave the bound one short of the incumbent; then decide exactly, or covers
    // that only tie it would never be pruned.
    const gap = this.bestKey.cost - cost;
    if (lagrangian < gap && rest + freed + 1e-11 * (size + freed) + 1e-9 > gap - 1) lagrangian = this.exactLagrangian(c, need + over);
    const lower = cost + Math.max(0, lagrangian, this.hullBound(c, need));
    const best = this.bestKey;
    if (lower > best.cost || (lower === best.cost && this.nodes > TIE_BREAK_NODES)) return;
    if (lower === best.cost && this.tiesCannotWin(c, cost, trades, turnover, rest, size)) return;
    const item = this.items[this.core[c] as number] as Item;
    // Counts that cover `need` end the cover; among them the cheapest is the least one or a stop.
    const covering = Math.ceil(need / item.unit);
    const least = firstAllowedFrom(item, covering);
    if (least >= 0) {
      this.child(c, least, need, cost, trades, turnover);
      for (const d of item.stops) {
        if (this.stopped !== null) return;
        if (d > least && allowedAt(item.p, item.p.best - d)) this.child(c, d, need, cost, trades, turnover);
      }
    }
    // Counts that do not cover: the later items must free the rest. The stretch the LP prices at
    // exactly λ first (where good covers are), then the others, each in descending order.
    const fewest = Math.max(0, Math.ceil((need - (this.capacity[c + 1] as number)) / item.unit));
    const top = covering - 1;
    const { flatFrom, flatTo } = item;
    this.children(c, item, Math.max(fewest, flatFrom), Math.min(top, flatTo), need, cost, trades, turnover);
    this.children(c, item, Math.max(fewest, flatTo + 1), top, need, cost, trades, turnover);
    this.children(c, item, fewest, Math.min(top, flatFrom - 1), need, cost, trades, turnover);
  }

  /** Children for the kept, allowed counts in [from, to], descending. */
  private children(c: number, item: Item, from: number, to: number, need: number, cost: number, trades: number, turnover: number): void {
    const domain = item.domain;
    for (let k = domain.length - 2; k >= 0; k -= 2) {
      const a = domain[k] as number;
      const b = domain[k + 1] as number;
      for (let d = Math.min(b, to); d >= Math.max(a, from); d--) {
        if (this.stopped !== null) return;
        if (allowedAt(item.p, item.p.best - d)) this.child(c, d, need, cost, trades, turnover);
      }
    }
  }
}

/** The better of two covers on (objective, trades, turnover); either may be null. */
function better(items: Item[], a: Int32Array | null, b: Int32Array | null): Int32Array | null {
  if (a === null || b === null) return a ?? b;
  const [ka, kb] = [keyOf(items, a), keyOf(items, b)];
  if (ka.cost !== kb.cost) return ka.cost < kb.cost ? a : b;
  if (ka.trades !== kb.trades) return ka.trades < kb.trades ? a : b;
  return ka.turnover <= kb.turnover ? a : b;
}

/** One stage: fix against the incumbent, then search the core. */
function runStage(root: Root, incumbent: Int32Array | null, withSums: boolean, limits: SearchLimits): TaxSearch {
  const { items, lambda, bound, size } = root;
  const incumbentKey = incumbent === null ? NO_COVER : keyOf(items, incumbent);
  // Generous by far more than the rounding: a count kept needlessly costs a node, one dropped
  // wrongly costs the proof.
  const slack = incumbentKey.cost - bound + 1e-9 * (size + Math.abs(incumbentKey.cost)) + 1e-6;
  const fixed = new Int32Array(items.length);
  const core: number[] = [];
  let need = root.excess;
  for (let j = 0; j < items.length; j++) {
    const item = items[j] as Item;
    fixByReducedCost(item, lambda, slack);
    if (item.domain.length === 2 && item.domain[0] === item.domain[1] && allowedAt(item.p, item.p.best - (item.domain[0] as number))) {
      fixed[j] = item.domain[0] as number;
      need -= (fixed[j] as number) * item.unit;
    } else {
      core.push(j);
    }
  }
  const start = keyOf(items, fixed);
  const search = new TaxSearch(items, core, root.pieces, fixed, incumbent, incumbentKey, lambda, root.ratio, limits, withSums, need);
  search.search(0, need, start.cost, start.trades, start.turnover);
  return search;
}

/**
 * Nodes of the first stage, which searches without the overshoot bitsets: their size grows with
 * the excess times the core, and most cuts are proved without them. A cut that is not gets a
 * second stage with them, fixed again against the first stage's best cover (a smaller core).
 */
const FIRST_STAGE_NODES = 2_000;

/**
 * Cheapest way to free at least `excess` money from the given positions (each at its best
 * count): units per position, in the order given.
 */
export function searchTaxCut(positions: TaxPosition[], excess: number, limits: SearchLimits): TaxSearchOutcome {
  const units = positions.map((p) => p.best);
  const root = rootOf(positions, excess);
  const { items, pieces, breakAt, counts } = root;
  for (const item of items) setFlatStretch(item, root.lambda);
  let incumbent = greedyCover(items, pieces, breakAt, counts, excess);
  let nodes = 0;
  let search = runStage(root, incumbent, false, { ...limits, nodeCap: Math.min(limits.nodeCap, FIRST_STAGE_NODES) });
  nodes += search.nodes;
  if (search.stopped === 'nodes' && limits.nodeCap > FIRST_STAGE_NODES) {
    incumbent = better(items, search.result(), flatCover(items, excess));
    incumbent = better(items, incumbent, improveCover(root, incumbent));
    search = runStage(root, incumbent, true, { ...limits, nodeCap: limits.nodeCap - nodes });
    nodes += search.nodes;
  }
  if (search.stopped !== null) {
    const reason =
      search.stopped === 'deadline'
        ? 'tax-aware cash search reached the deadline without proving optimality'
        : `tax-aware cash search stopped after ${limits.nodeCap} nodes without proving optimality`;
    return { status: 'timeout', nodes, reason };
  }
  const giveUp = search.result();
  // The caller checked that the minimums fit, so a cover always exists.
  if (giveUp === null) throw new Error('tax-aware cash search found no cover although the minimums fit');
  const at = new Int32Array(positions.reduce((most, p) => Math.max(most, p.position.index + 1), 0));
  positions.forEach((p, i) => {
    at[p.position.index] = i;
  });
  items.forEach((item, j) => {
    const i = at[item.p.position.index] as number;
    units[i] = (units[i] as number) - (giveUp[j] as number);
  });
  return { status: 'optimal', units, nodes };
}

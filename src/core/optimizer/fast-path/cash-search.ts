/**
 * Exact depth-first branch and bound over the cash items (see `cash-items.ts`). Bounds: on the
 * discounted items, the LP relaxation of the covering knapsack (discounted first units in
 * ascending cost per money, the rest at S per money unit) strengthened by branching on its break
 * item; on the full-price items, the exact least overshoot (`full-price-sums.ts`). Costs are
 * integers, so ceilings are bounds too. Covers are compared on (objective, trades, turnover) in
 * one search; ties on the objective are explored for the first `TIE_BREAK_NODES` nodes. A search
 * that runs into its node cap or deadline is reported unproven, never as optimal.
 */
import type { CostScale } from './cost.js';
import type { CashItem, CashItems } from './cash-items.js';
import { buildFullPriceSums, type FullPriceSums } from './full-price-sums.js';

/** Limits of one search. */
export interface SearchLimits {
  /** Nodes before giving up. */
  nodeCap: number;
  /** Epoch ms; Infinity for none. */
  deadlineAt: number;
  now: () => number;
}

export type SearchOutcome =
  | { status: 'optimal'; giveUp: Int32Array; nodes: number }
  | { status: 'timeout'; nodes: number; reason: string };

const SAFE = 2 ** 52;

/**
 * Nodes within which covers that tie on the objective are still explored for the tie-break.
 * Past it ties are pruned: the objective stays proven, the tie-break is the best found (as
 * deterministic as the rest, since it is a node count).
 */
export const TIE_BREAK_NODES = 50_000;

/** Keys (rem, j) into one double: rem < 2^40 and j < 2^12 in any problem we accept. */
const KEY_SPAN = 4096;

export class CashSearch {
  private readonly path: Int32Array;
  private best: Int32Array | null = null;
  private bestX = 0;
  private bestY = 0;
  private bestTrades = 0;
  private bestTurnover = 0;
  private lbX = 0;
  private lbY = 0;
  nodes = 0;
  /** Nodes after which ties on the objective are pruned. */
  tieBudget = TIE_BREAK_NODES;
  /** Why the search stopped before proving its answer; null while it has not. */
  stopped: 'nodes' | 'deadline' | null = null;
  private readonly overshoots = new Map<number, number>();
  private readonly sums: FullPriceSums | null;

  constructor(
    private readonly data: CashItems,
    private readonly costs: CostScale,
    private readonly limits: SearchLimits,
    need: number | null,
  ) {
    this.path = new Int32Array(data.items.length);
    this.sums = need === null ? null : buildFullPriceSums(data.items.slice(data.discounted), need);
  }

  /** Starts from a known cover (units per item), which only a lexicographically better one replaces. */
  seed(giveUp: Int32Array): void {
    let x = 0;
    let y = 0;
    let trades = 0;
    let turnover = 0;
    this.data.items.forEach((item, j) => {
      const d = giveUp[j] as number;
      const moved = item.base - d - item.position.current;
      if (d > 0) {
        x += item.firstX + (d - 1) * item.unit;
        y += item.firstY;
      }
      trades += (moved === 0 ? 0 : 1) - item.baseTrades;
      turnover += Math.abs(moved) * item.unit - item.baseTurnover;
    });
    this.best = giveUp.slice();
    this.bestX = x;
    this.bestY = y;
    this.bestTrades = trades;
    this.bestTurnover = turnover;
  }

  result(): Int32Array | null {
    return this.best;
  }

  /** The incumbent's cost as a pair (x, y). */
  incumbent(): [number, number] {
    return [this.bestX, this.bestY];
  }

  /** True when (x, y, trades, turnover) cannot beat the incumbent. */
  private noBetter(x: number, y: number, trades: number, turnover: number): boolean {
    if (this.best === null) return false;
    const sign = this.costs.sign(x - this.bestX, y - this.bestY);
    if (sign !== 0 || this.nodes > this.tieBudget) return sign >= 0;
    if (trades !== this.bestTrades) return trades > this.bestTrades;
    return turnover >= this.bestTurnover;
  }

  /** Ceiling of first-unit cost × fraction, never above the true value. */
  private fraction(item: CashItem, part: number): void {
    const scale = this.costs.scale;
    const exact = ((item.firstX * scale + item.firstY) * part) / item.unit;
    const ceil = Math.max(0, Math.ceil(exact - exact * 1e-12 - 1e-6));
    const x = ceil < SAFE ? Math.floor(ceil / scale) : Math.floor((ceil / scale) * (1 - 1e-12));
    this.lbX += x;
    this.lbY += ceil < SAFE ? ceil - x * scale : 0;
  }

  /**
   * LP cost of covering `need` from the discounted items [j, k) other than `skip` (-1: none), in
   * ratio order, then at full price; into lbX/lbY. Returns the break item, or -1 when there is none.
   */
  private lp(j: number, need: number, skip: number): number {
    const { discounted: k, prefixUnit, prefixX, prefixY, items } = this.data;
    const skipped = skip >= 0 ? (items[skip] as CashItem) : null;
    const sw = skipped === null ? 0 : skipped.unit;
    const goal = (prefixUnit[j] as number) + need;
    // reach(t) = prefixUnit[t] less the skipped unit once t is past it; non-decreasing in t, and
    // never first reaches the goal at t = skip.
    if ((prefixUnit[k] as number) - sw < goal) {
      this.lbX = (prefixX[k] as number) - (prefixX[j] as number) - (skipped?.firstX ?? 0) + (goal - (prefixUnit[k] as number) + sw);
      this.lbY = (prefixY[k] as number) - (prefixY[j] as number) - (skipped?.firstY ?? 0);
      return -1;
    }
    let low = j;
    let high = k - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((prefixUnit[mid + 1] as number) - (mid + 1 > skip ? sw : 0) >= goal) high = mid;
      else low = mid + 1;
    }
    const past = low > skip && skipped !== null;
    this.lbX = (prefixX[low] as number) - (prefixX[j] as number) - (past ? skipped.firstX : 0);
    this.lbY = (prefixY[low] as number) - (prefixY[j] as number) - (past ? skipped.firstY : 0);
    this.fraction(items[low] as CashItem, goal - (prefixUnit[low] as number) + (past ? sw : 0));
    return low;
  }

  /**
   * Lower bound on covering `need` with items [j, n), into lbX/lbY: the LP, strengthened by
   * branching on its break item (the smaller of the LPs with it left out and with it taken).
   */
  private bound(j: number, need: number): void {
    if (j >= this.data.discounted) {
      this.lbX = need;
      this.lbY = 0;
      return;
    }
    const b = this.lp(j, need, -1);
    if (b < 0) return;
    const item = this.data.items[b] as CashItem;
    this.lp(j, need, b);
    const [outX, outY] = [this.lbX, this.lbY];
    if (need > item.unit) this.lp(j, need - item.unit, b);
    else [this.lbX, this.lbY] = [0, 0];
    this.lbX += item.firstX;
    this.lbY += item.firstY;
    if (this.costs.sign(outX - this.lbX, outY - this.lbY) < 0) [this.lbX, this.lbY] = [outX, outY];
  }

  private accept(depth: number, x: number, y: number, trades: number, turnover: number): void {
    const totalTrades = trades + (this.data.keepTrades[depth] as number);
    const totalTurnover = turnover + (this.data.keepTurnover[depth] as number);
    if (this.noBetter(x, y, totalTrades, totalTurnover)) return;
    const best = this.best ?? new Int32Array(this.data.items.length);
    best.set(this.path.subarray(0, depth));
    best.fill(0, depth);
    this.best = best;
    this.bestX = x;
    this.bestY = y;
    this.bestTrades = totalTrades;
    this.bestTurnover = totalTurnover;
  }

  /**
   * Smallest overshoot with which the full-price items [j, n) can free at least `need`: there
   * every unit costs S per money unit, so this makes the bound exact on that suffix. It depends
   * on (j, need) alone and the branches above revisit the same remainders, so it is memoised.
   */
  private overshoot(j: number, need: number): number {
    if (need <= 0) return -need;
    const data = this.data;
    if (j === data.items.length || need > (data.capacity[j] as number)) return Number.POSITIVE_INFINITY;
    if (this.sums !== null) {
      this.nodes++;
      return this.overLimit() ? 0 : this.sums.least(j - data.discounted, need);
    }
    const key = need * KEY_SPAN + j;
    const known = this.overshoots.get(key);
    if (known !== undefined) return known;
    const item = data.items[j] as CashItem;
    const fewest = Math.max(0, Math.ceil((need - (data.capacity[j + 1] as number)) / item.unit));
    let least = Number.POSITIVE_INFINITY;
    for (let d = Math.min(item.most, Math.ceil(need / item.unit)); d >= fewest && least > 0; d--) {
      this.nodes++;
      if (this.overLimit()) return 0;
      least = Math.min(least, this.overshoot(j + 1, need - d * item.unit));
    }
    this.overshoots.set(key, least);
    return least;
  }

  /** Least turnover of items [j, n) when freeing `freed`: units towards the holding first. */
  private turnoverBound(j: number, freed: number): number {
    const toward = this.data.towardCapacity[j] as number;
    const keep = this.data.keepTurnover[j] as number;
    return freed <= toward ? keep - freed : keep - toward + (freed - toward);
  }

  private overLimit(): boolean {
    if (this.nodes > this.limits.nodeCap) {
      this.stopped = 'nodes';
    } else if ((this.nodes & 1023) === 0 && this.limits.now() > this.limits.deadlineAt) {
      this.stopped = 'deadline';
    }
    return this.stopped !== null;
  }

  /** Decide items [j, n) with `need` money still to free; cost and tie-break so far given. */
  search(j: number, need: number, x: number, y: number, trades: number, turnover: number): void {
    this.nodes++;
    if (this.overLimit()) return;
    if (need <= 0) return this.accept(j, x, y, trades, turnover);
    const data = this.data;
    if (j === data.items.length || need > (data.capacity[j] as number)) return;
    let minTurnover = data.minTurnover[j] as number;
    if (j >= data.discounted) {
      // Cheap test first: the overshoot below can cost thousands of steps on large remainders.
      const freeTurnover = Math.max(minTurnover, this.turnoverBound(j, need));
      if (this.noBetter(x + need, y, trades + (data.minTrades[j] as number), turnover + freeTurnover)) return;
      const over = this.overshoot(j, need);
      if (this.stopped !== null || over === Number.POSITIVE_INFINITY) return;
      this.lbX = need + over;
      this.lbY = 0;
      minTurnover = Math.max(minTurnover, this.turnoverBound(j, need + over));
    } else {
      this.bound(j, need);
    }
    if (this.noBetter(x + this.lbX, y + this.lbY, trades + (data.minTrades[j] as number), turnover + minTurnover)) return;
    const item = data.items[j] as CashItem;
    const fewest = Math.max(0, Math.ceil((need - (data.capacity[j + 1] as number)) / item.unit));
    const most = Math.min(item.most, Math.ceil(need / item.unit));
    // Units given up towards the holding lower turnover, so try those counts first.
    const toward = item.base > item.position.current;
    for (let k = 0; k <= most - fewest; k++) {
      this.branch(j, toward ? most - k : fewest + k, need, x, y, trades, turnover);
      if (this.stopped !== null) return;
    }
  }

  private branch(j: number, d: number, need: number, x: number, y: number, trades: number, turnover: number): void {
    const item = this.data.items[j] as CashItem;
    const unit = item.unit;
    this.path[j] = d;
    const moved = item.base - d - item.position.current;
    const addX = d === 0 ? 0 : item.firstX + (d - 1) * unit;
    const addY = d === 0 ? 0 : item.firstY;
    const traded = (moved === 0 ? 0 : 1) - item.baseTrades;
    const turned = Math.abs(moved) * unit - item.baseTurnover;
    this.search(j + 1, need - d * unit, x + addX, y + addY, trades + traded, turnover + turned);
  }
}

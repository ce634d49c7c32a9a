/**
 * The exact cash cut with tax. Each security sits at its best count ignoring cash; if that
 * overspends by E, some securities give up units. Some optimum only lowers counts (a count above
 * a security's best costs more and spends more), so the problem is: give up d_i units, freeing
 * Σ d_i·unit_i ≥ E, at least cost Σ g_i(d_i), g_i(d) = f_i(best − d) − f_i(best) ≥ 0.
 *
 * g_i need not be convex (a credited loss lot, a minimum trade gap: `security-cost.ts`), so the
 * search never assumes it: depth-first over securities, every allowed count tried, pruned by the
 * fractional knapsack over the lower convex hulls of the g_i (a valid lower bound of every g_i,
 * concave kinks included). Costs are integers, so the bound's ceiling is a bound too. Covers are
 * compared on (objective, trades, turnover); ties are explored for the first `TIE_BREAK_NODES`
 * nodes, as in the fast path. A search that runs into its node cap or deadline is reported
 * unproven, never as optimal.
 */
import { TIE_BREAK_NODES, type SearchLimits } from '../fast-path/cash-search.js';
import { allowedAt, costAt, tradesAt, turnoverAt, type TaxPosition } from './security-cost.js';

/** One straight piece of a security's hull: `money` freed for `cost`. */
interface HullPiece {
  owner: number;
  money: number;
  cost: number;
}

/** A security that can give up units, with what the search needs of it. */
interface Item {
  p: TaxPosition;
  most: number;
  unit: number;
  baseCost: number;
  baseTrades: number;
  baseTurnover: number;
  hull: HullPiece[];
}

export type TaxSearchOutcome =
  | { status: 'optimal'; units: number[]; nodes: number }
  | { status: 'timeout'; nodes: number; reason: string };

/** Sign of a/b − c/d for b, d > 0, exact (BigInt when the products leave the exact range). */
export function compareSlopes(a: number, b: number, c: number, d: number): number {
  const left = a * d;
  const right = c * b;
  if (Math.abs(left) < 2 ** 53 && Math.abs(right) < 2 ** 53) return Math.sign(left - right);
  const exact = BigInt(a) * BigInt(d) - BigInt(c) * BigInt(b);
  return exact < 0n ? -1 : exact > 0n ? 1 : 0;
}

/** Lower convex hull of g over the candidate counts in [lo, best], as pieces of freed money. */
function hullOf(p: TaxPosition, owner: number, baseCost: number): HullPiece[] {
  const points: [number, number][] = [];
  for (let c = p.candidates.length - 1; c >= 0; c--) {
    const v = p.candidates[c] as number;
    if (v <= p.best && v >= p.lo) points.push([p.best - v, costAt(p, v) - baseCost]);
  }
  const hull: [number, number][] = [];
  for (const point of points) {
    while (hull.length >= 2) {
      const [ax, ay] = hull[hull.length - 2] as [number, number];
      const [bx, by] = hull[hull.length - 1] as [number, number];
      // Drop b when it lies on or above the chord from a to the new point.
      if (compareSlopes(by - ay, bx - ax, point[1] - ay, point[0] - ax) >= 0) hull.pop();
      else break;
    }
    hull.push(point);
  }
  const unit = p.position.unit;
  const pieces: HullPiece[] = [];
  for (let h = 1; h < hull.length; h++) {
    const [ax, ay] = hull[h - 1] as [number, number];
    const [bx, by] = hull[h] as [number, number];
    pieces.push({ owner, money: (bx - ax) * unit, cost: by - ay });
  }
  return pieces;
}

function itemOf(p: TaxPosition): Item {
  const baseCost = costAt(p, p.best);
  return {
    p,
    most: p.best - p.lo,
    unit: p.position.unit,
    baseCost,
    baseTrades: tradesAt(p, p.best),
    baseTurnover: turnoverAt(p, p.best),
    hull: hullOf(p, -1, baseCost),
  };
}

/** Items by the cost per money of their first hull piece (exactly), then by security. */
function searchOrder(a: Item, b: Item): number {
  const pa = a.hull[0];
  const pb = b.hull[0];
  if (pa === undefined || pb === undefined) return (pa === undefined ? 1 : 0) - (pb === undefined ? 1 : 0) || a.p.position.index - b.p.position.index;
  return compareSlopes(pa.cost, pa.money, pb.cost, pb.money) || a.p.position.index - b.p.position.index;
}

class TaxSearch {
  nodes = 0;
  stopped: 'nodes' | 'deadline' | null = null;
  private readonly path: Int32Array;
  private best: Int32Array | null = null;
  private bestKey: [number, number, number] = [0, 0, 0];
  /** All hull pieces, ascending cost per money. */
  private readonly pieces: HullPiece[];
  /** Σ most·unit, least trade and turnover change of items [j, n). */
  private readonly capacity: number[];
  private readonly minTrades: number[];
  private readonly minTurnover: number[];

  constructor(private readonly items: Item[], private readonly limits: SearchLimits) {
    const n = items.length;
    this.path = new Int32Array(n);
    this.pieces = items.flatMap((item, j) => item.hull.map((piece) => ({ ...piece, owner: j })));
    this.pieces.sort((a, b) => compareSlopes(a.cost, a.money, b.cost, b.money) || a.owner - b.owner);
    this.capacity = new Array<number>(n + 1).fill(0);
    this.minTrades = new Array<number>(n + 1).fill(0);
    this.minTurnover = new Array<number>(n + 1).fill(0);
    for (let j = n - 1; j >= 0; j--) {
      const item = items[j] as Item;
      const current = item.p.position.current;
      const reachable = current >= item.p.best - item.most && current <= item.p.best;
      const toward = Math.max(0, item.p.best - Math.max(current, item.p.best - item.most));
      this.capacity[j] = (this.capacity[j + 1] as number) + item.most * item.unit;
      this.minTrades[j] = (this.minTrades[j + 1] as number) + (reachable ? 0 : 1) - item.baseTrades;
      this.minTurnover[j] = (this.minTurnover[j + 1] as number) - toward * item.unit;
    }
  }

  result(): Int32Array | null {
    return this.best;
  }

  private overLimit(): boolean {
    if (this.nodes > this.limits.nodeCap) this.stopped = 'nodes';
    else if ((this.nodes & 1023) === 0 && this.limits.now() > this.limits.deadlineAt) this.stopped = 'deadline';
    return this.stopped !== null;
  }

  /** Fractional cover of `need` by the hull pieces of items [j, n), rounded up (costs are integers). */
  private bound(j: number, need: number): number {
    let left = need;
    let cost = 0;
    for (const piece of this.pieces) {
      if (piece.owner < j) continue;
      if (piece.money >= left) {
        const exact = cost + (piece.cost * left) / piece.money;
        return Math.ceil(exact - 1e-9 * Math.abs(exact) - 1e-6);
      }
      cost += piece.cost;
      left -= piece.money;
    }
    return Number.POSITIVE_INFINITY;
  }

  private noBetter(cost: number, trades: number, turnover: number): boolean {
    if (this.best === null) return false;
    const [bc, bt, bo] = this.bestKey;
    if (cost !== bc || this.nodes > TIE_BREAK_NODES) return cost >= bc;
    if (trades !== bt) return trades > bt;
    return turnover >= bo;
  }

  search(j: number, need: number, cost: number, trades: number, turnover: number): void {
    this.nodes++;
    if (this.overLimit()) return;
    if (need <= 0) {
      if (this.noBetter(cost, trades, turnover)) return;
      const best = this.best ?? new Int32Array(this.items.length);
      best.set(this.path.subarray(0, j));
      best.fill(0, j);
      this.best = best;
      this.bestKey = [cost, trades, turnover];
      return;
    }
    if (j === this.items.length || need > (this.capacity[j] as number)) return;
    const lower = this.bound(j, need);
    if (this.noBetter(cost + lower, trades + (this.minTrades[j] as number), turnover + (this.minTurnover[j] as number))) return;
    const item = this.items[j] as Item;
    const fewest = Math.max(0, Math.ceil((need - (this.capacity[j + 1] as number)) / item.unit));
    // Past the count that covers `need` more units only cost more, unless that count is barred
    // (a minimum trade gap): then the first allowed count above it.
    let most = Math.min(item.most, Math.ceil(need / item.unit));
    while (most < item.most && !allowedAt(item.p, item.p.best - most)) most++;
    for (let d = most; d >= fewest; d--) {
      const v = item.p.best - d;
      if (!allowedAt(item.p, v)) continue;
      this.path[j] = d;
      const addCost = costAt(item.p, v) - item.baseCost;
      const addTrades = tradesAt(item.p, v) - item.baseTrades;
      const addTurnover = turnoverAt(item.p, v) - item.baseTurnover;
      this.search(j + 1, need - d * item.unit, cost + addCost, trades + addTrades, turnover + addTurnover);
      if (this.stopped !== null) return;
    }
  }
}

/**
 * Cheapest way to free at least `excess` money from the given positions (each at its best
 * count): units per position, in the order given.
 */
export function searchTaxCut(positions: TaxPosition[], excess: number, limits: SearchLimits): TaxSearchOutcome {
  const units = positions.map((p) => p.best);
  const items = positions.filter((p) => p.best > p.lo).map(itemOf);
  items.sort(searchOrder);
  const search = new TaxSearch(items, limits);
  search.search(0, excess, 0, 0, 0);
  if (search.stopped !== null) {
    const reason =
      search.stopped === 'deadline'
        ? 'tax-aware cash search reached the deadline without proving optimality'
        : `tax-aware cash search stopped after ${limits.nodeCap} nodes without proving optimality`;
    return { status: 'timeout', nodes: search.nodes, reason };
  }
  const giveUp = search.result();
  // The caller checked that the minimums fit, so a cover always exists.
  if (giveUp === null) throw new Error('tax-aware cash search found no cover although the minimums fit');
  const byIndex = new Map(positions.map((p, i) => [p.position.index, i]));
  items.forEach((item, j) => {
    const i = byIndex.get(item.p.position.index) as number;
    units[i] = (units[i] as number) - (giveUp[j] as number);
  });
  return { status: 'optimal', units, nodes: search.nodes };
}

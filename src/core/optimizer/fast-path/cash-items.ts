/**
 * The cash-binding subproblem as a covering knapsack. When the per-security optima overspend by
 * E, some securities give up units. Some optimum only lowers quantities (raising one costs cash
 * and cannot lower its term), and below a security's best count every further unit costs exactly
 * S·unit: the terms are |MV·t − u'·p|, slope p per share once under target. Only the first unit
 * given up by a security that sits above its target is cheaper ("discounted"). So: cover E with
 * whole units, paying S per money unit freed, minus the discounts of the first units taken.
 */
import type { CostScale } from './cost.js';
import { costX, costY, type UnitPosition } from './positions.js';

/**
 * One decision of the search. A discounted security becomes two items: its first unit (0 or 1,
 * at the discounted cost) and its further units (full price, searched with the other full-price
 * units). Using further units without the first would be priced above its true cost, so no
 * optimum does it and the split is exact.
 */
export interface CashItem {
  position: UnitPosition;
  /** Most units this item can give up. */
  most: number;
  unit: number;
  /** Cost of the first unit given up, as a pair; S·unit for full-price items. */
  firstX: number;
  firstY: number;
  /** Units the security holds when this item gives up none. */
  base: number;
  /** Trade count and turnover already counted for `base` (the first unit's item counts them). */
  baseTrades: number;
  baseTurnover: number;
}

function tradeAt(position: UnitPosition, units: number): number {
  return units === position.current ? 0 : 1;
}

function turnoverAt(position: UnitPosition, units: number): number {
  return Math.abs(units - position.current) * position.unit;
}

function item(position: UnitPosition, most: number, base: number, counted: boolean): CashItem {
  return {
    position,
    most,
    unit: position.unit,
    firstX: position.unit,
    firstY: 0,
    base,
    baseTrades: counted ? tradeAt(position, base) : 0,
    baseTurnover: counted ? turnoverAt(position, base) : 0,
  };
}

/** Items in search order plus the prefix and suffix sums the bound needs. */
export interface CashItems {
  items: CashItem[];
  /** Items [0, discounted) have a first step cheaper than S·unit, in ascending cost per money. */
  discounted: number;
  prefixUnit: Float64Array;
  prefixX: Float64Array;
  prefixY: Float64Array;
  /** Σ most·unit over items [j, n). */
  capacity: Float64Array;
  /** Trade count and turnover bounds of items [j, n): at least, and when none gives up a unit. */
  minTrades: Float64Array;
  minTurnover: Float64Array;
  keepTrades: Float64Array;
  keepTurnover: Float64Array;
  /** Money items [j, n) can free by moving towards their holding (each such unit lowers turnover). */
  towardCapacity: Float64Array;
}

function suffixSums(items: CashItem[]): Omit<CashItems, 'items' | 'discounted' | 'prefixUnit' | 'prefixX' | 'prefixY'> {
  const n = items.length;
  const sums = {
    capacity: new Float64Array(n + 1),
    minTrades: new Float64Array(n + 1),
    minTurnover: new Float64Array(n + 1),
    keepTrades: new Float64Array(n + 1),
    keepTurnover: new Float64Array(n + 1),
    towardCapacity: new Float64Array(n + 1),
  };
  for (let j = n - 1; j >= 0; j--) {
    const it = items[j] as CashItem;
    const p = it.position;
    const low = it.base - it.most;
    const nearest = Math.min(Math.max(p.current, low), it.base);
    sums.capacity[j] = (sums.capacity[j + 1] as number) + it.most * it.unit;
    sums.minTrades[j] = (sums.minTrades[j + 1] as number) + tradeAt(p, nearest) - it.baseTrades;
    sums.minTurnover[j] = (sums.minTurnover[j + 1] as number) + turnoverAt(p, nearest) - it.baseTurnover;
    sums.keepTrades[j] = (sums.keepTrades[j + 1] as number) + tradeAt(p, it.base) - it.baseTrades;
    sums.keepTurnover[j] = (sums.keepTurnover[j + 1] as number) + turnoverAt(p, it.base) - it.baseTurnover;
    const toward = Math.min(it.most, Math.max(0, it.base - p.current)) * it.unit;
    sums.towardCapacity[j] = (sums.towardCapacity[j + 1] as number) + toward;
  }
  return sums;
}

/**
 * Cost per money unit of the first steps, exactly: the bound is only valid when the greedy
 * order is truly ascending, so near-equal float ratios are settled in BigInt.
 */
function compareRatio(a: CashItem, b: CashItem, scale: number): number {
  const ra = (a.firstX * scale + a.firstY) / a.unit;
  const rb = (b.firstX * scale + b.firstY) / b.unit;
  if (Math.abs(ra - rb) > 1e-9 * Math.max(Math.abs(ra), Math.abs(rb))) return ra - rb;
  const s = BigInt(scale);
  const left = (BigInt(a.firstX) * s + BigInt(a.firstY)) * BigInt(b.unit);
  const right = (BigInt(b.firstX) * s + BigInt(b.firstY)) * BigInt(a.unit);
  return left < right ? -1 : left > right ? 1 : 0;
}

/** Search items for the positions that can give up units, discounted ones first. */
export function cashItems(positions: UnitPosition[], costs: CostScale): CashItems {
  const discounted: CashItem[] = [];
  const plain: CashItem[] = [];
  for (const position of positions) {
    const best = position.best;
    if (best <= position.lo) continue;
    const firstX = costX(position, best - 1) - costX(position, best);
    const firstY = costY(position, best - 1) - costY(position, best);
    if (costs.sign(firstX - position.unit, firstY) >= 0) {
      plain.push(item(position, best - position.lo, best, false));
      continue;
    }
    discounted.push({ ...item(position, 1, best, false), firstX, firstY });
    if (best - 1 > position.lo) plain.push(item(position, best - 1 - position.lo, best - 1, true));
  }
  discounted.sort((a, b) => compareRatio(a, b, costs.scale) || a.position.index - b.position.index);
  // Full-price units all cost S per money unit; large units first, small ones fine-tune the cover.
  plain.sort((a, b) => b.unit - a.unit || a.position.index - b.position.index);
  return indexItems([...discounted, ...plain], discounted.length);
}

/** The prefix and suffix sums of items whose first `k` are discounted (in ascending ratio). */
export function indexItems(items: CashItem[], k: number): CashItems {
  const prefixUnit = new Float64Array(k + 1);
  const prefixX = new Float64Array(k + 1);
  const prefixY = new Float64Array(k + 1);
  for (let j = 0; j < k; j++) {
    const item = items[j] as CashItem;
    prefixUnit[j + 1] = (prefixUnit[j] as number) + item.unit;
    prefixX[j + 1] = (prefixX[j] as number) + item.firstX;
    prefixY[j + 1] = (prefixY[j] as number) + item.firstY;
  }
  return { items, discounted: k, prefixUnit, prefixX, prefixY, ...suffixSums(items) };
}

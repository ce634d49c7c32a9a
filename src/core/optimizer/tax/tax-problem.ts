/**
 * The tax part of a problem in integers, on one scale with the drift term.
 *
 * Drift is S·|MV·t − u'·p| at 10^(weightPlaces + moneyPlaces); the tax of a lot share is
 * weight × rate × (price − unit cost) at 10^(weight places + rate places + money places of
 * prices and costs). The objective is carried at the larger of the two scales, each side
 * multiplied up to it by a power of ten, so both stay exact integers.
 *
 * Sale order (per security): ascending objective cost per share; then ascending real tax per
 * share (the largest loss first); then long-term before short-term; then lot id. Selling the
 * cheapest shares first is what makes the cumulative tax of k shares convex in k (see
 * `security-cost.ts`), and it is also the cheapest choice of lots for any k, so the search can
 * decide quantities alone and the lots follow.
 */
import { InvalidInput } from '../../../errors/index.js';
import { POW10, type FixedDecimal } from '../../money/fixed-point.js';
import type { LotRange, RawLots, RawTax } from './read-tax.js';

/**
 * What the tax side reads of the scaled problem (`ScaledProblem` has it; named here so that
 * `problem.ts`, which builds the tax side, is not imported back).
 */
interface ScaledBase {
  securities: readonly ScaledHolding[];
  moneyPlaces: number;
  weightPlaces: number;
  weightScale: number;
  marketValue: number;
}

interface ScaledHolding {
  id: string;
  price: number;
  current: number;
}

/** One sellable lot of the scaled tax problem, as the derivation reads it ({@link lotAt}). */
export interface ScaledLot {
  lotId: string;
  quantity: number;
  /** Objective cost of selling one share, at the objective scale (0 for a loss unless harvesting). */
  cost: number;
  /** Price − unit cost per share at 10^gainPlaces, signed. */
  gain: number;
  term: 'short' | 'long';
  /** The lot's tax rate at 10^ratePlaces. */
  rate: number;
}

/**
 * Per security: its sellable lots in sale order, and what the wash-sale rules bar. The search
 * reads only costs and cumulative quantities, through {@link cumShares}, {@link cumTax} and
 * {@link shareCost}; a lot's id, gain and term are read back from the book's lots when a sell is
 * derived ({@link lotAt}). The arrays are the book's, shared by all its securities (one
 * allocation each per book, not per security or per lot); a security reads its own stretch.
 */
export interface TaxSecurity {
  /** Sellable lots. */
  count: number;
  /** Lot j < count in sale order is lot `sale[first + j]` of the book; one share of it costs `cost[first + j]`. */
  first: number;
  sale: Int32Array;
  cost: Float64Array;
  /** Shares and objective cost of the first j ≤ count lots in sale order, at `cum…[cumFirst + j]`. */
  cumFirst: number;
  cumQuantity: Float64Array;
  cumCost: Float64Array;
  /** Shares in lots that may not be sold (bought within the window, at a loss now). */
  blocked: number;
  /** The security's price at 10^gainPlaces. */
  price: number;
}

/** Shares in the first `j` lots of `security` in sale order. */
export function cumShares(security: TaxSecurity, j: number): number {
  return security.cumQuantity[security.cumFirst + j] as number;
}

/** Objective cost of selling the first `j` lots of `security` in sale order whole. */
export function cumTax(security: TaxSecurity, j: number): number {
  return security.cumCost[security.cumFirst + j] as number;
}

/** Objective cost of one share of lot `j` of `security` in sale order. */
export function shareCost(security: TaxSecurity, j: number): number {
  return security.cost[security.first + j] as number;
}

/** The tax side of a problem. `securities` is aligned with `problem.securities`. */
export interface TaxProblem {
  securities: (TaxSecurity | null)[];
  /** Securities with a loss sale inside the wash-sale window (not bought), by index. */
  noBuy: boolean[];
  /** Places of the objective; the drift term is multiplied by `driftFactor` to reach them. */
  objectivePlaces: number;
  driftFactor: number;
  /** Places of per-share gains (prices and unit costs) and of rates. */
  gainPlaces: number;
  ratePlaces: number;
  harvestLosses: boolean;
  /** The book's lots as read, and what places a lot in a term and a rate. */
  lots: RawLots;
  longTermDays: number;
  shortRate: number;
  longRate: number;
}

const SAFE = 2 ** 52;

function tooLarge(): never {
  throw new InvalidInput('options.tax: amounts too large or too precise to solve exactly with tax', 'options.tax');
}

function at(value: FixedDecimal, places: number): number {
  const scaled = value.value * (POW10[places - value.places] ?? Number.POSITIVE_INFINITY);
  if (!Number.isSafeInteger(scaled)) tooLarge();
  return scaled;
}

interface Scales {
  gainPlaces: number;
  ratePlaces: number;
  weight: number;
  taxFactor: number;
  shortRate: number;
  longRate: number;
}

/** Digits at `places` places scaled to `to` (≥ places) places; throws when that is not a safe integer. */
function digitsAt(value: number, places: number, to: number): number {
  const scaled = value * (POW10[to - places] ?? Number.POSITIVE_INFINITY);
  if (!Number.isSafeInteger(scaled)) tooLarge();
  return scaled;
}

/** Lots per holding up to which they are sorted by insertion rather than by `Array.prototype.sort`. */
const INSERTION_SORT_MAX = 32;

/** The book's sale order being built: lot indices and costs per share, and what breaks cost ties. */
interface SaleKeys {
  sale: Int32Array;
  cost: Float64Array;
  /** Real tax per share (rate × gain) of the lot at each position; a scratch array, reused. */
  tax: Float64Array;
  lots: RawLots;
  longTermDays: number;
}

/** Scratch for {@link SaleKeys.tax}: only read while a holding is sorted, so one serves every book. */
let taxScratch = new Float64Array(1024);

/**
 * At equal objective cost, whether a lot with real tax `taxA` per share (index `lotA` in the book)
 * is sold after one with `taxB` (`lotB`): the larger tax later (the largest loss first), then
 * short-term after long-term, then by lot id (unique within a holding, so the order is total).
 */
function tieAfter(keys: SaleKeys, taxA: number, lotA: number, taxB: number, lotB: number): boolean {
  if (taxA !== taxB) return taxA > taxB;
  const longA = (keys.lots.heldDays[lotA] as number) > keys.longTermDays;
  const longB = (keys.lots.heldDays[lotB] as number) > keys.longTermDays;
  if (longA !== longB) return longB;
  return (keys.lots.lotId[lotA] as string) > (keys.lots.lotId[lotB] as string);
}

/** Puts positions [from, to) of `keys` in sale order: ascending objective cost, ties by {@link tieAfter}. */
function sortForSale(keys: SaleKeys, from: number, to: number): void {
  const { sale, cost, tax } = keys;
  if (to - from > INSERTION_SORT_MAX) {
    const byPosition = (a: number, b: number): number => {
      if (cost[a] !== cost[b]) return (cost[a] as number) - (cost[b] as number);
      if (a === b) return 0;
      return tieAfter(keys, tax[a] as number, sale[a] as number, tax[b] as number, sale[b] as number) ? 1 : -1;
    };
    const positions = Array.from({ length: to - from }, (_, j) => from + j).sort(byPosition);
    const [s, c, t] = [sale.slice(from, to), cost.slice(from, to), tax.slice(from, to)];
    for (let j = 0; j < positions.length; j++) {
      const at = (positions[j] as number) - from;
      sale[from + j] = s[at] as number;
      cost[from + j] = c[at] as number;
      tax[from + j] = t[at] as number;
    }
    return;
  }
  for (let i = from + 1; i < to; i++) {
    const k = sale[i] as number;
    const c = cost[i] as number;
    const t = tax[i] as number;
    let j = i - 1;
    // The cost decides almost every comparison; the rest of the order only breaks its ties.
    while (j >= from && ((cost[j] as number) > c || ((cost[j] as number) === c && tieAfter(keys, tax[j] as number, sale[j] as number, t, k)))) {
      sale[j + 1] = sale[j] as number;
      cost[j + 1] = cost[j] as number;
      tax[j + 1] = tax[j] as number;
      j--;
    }
    sale[j + 1] = k;
    cost[j + 1] = c;
    tax[j + 1] = t;
  }
}

/** The book-wide arrays every {@link TaxSecurity} of a problem shares. */
interface BookArrays {
  keys: SaleKeys;
  cumQuantity: Float64Array;
  cumCost: Float64Array;
  /** Next free position of the cumulative arrays. */
  cumNext: number;
  /** Σ |cost| × quantity of every sellable lot so far (with the drift bound: must stay exact). */
  bound: number;
}

/**
 * The lots [start, end) of the book of a security priced `price` × 10^gainPlaces: its sellable
 * lots put in sale order at positions [start, start + count) of the book's arrays.
 */
function taxSecurity(raw: RawTax, range: LotRange, price: number, scales: Scales, book: BookArrays): TaxSecurity {
  const { quantity, costValue, costPlaces, heldDays } = raw.lots;
  const { sale, cost, tax } = book.keys;
  let blocked = 0;
  let next = range.start;
  for (let k = range.start; k < range.end; k++) {
    const gain = price - digitsAt(costValue[k] as number, costPlaces[k] as number, scales.gainPlaces);
    const held = heldDays[k] as number;
    if (gain < 0 && held <= raw.washSaleDays) {
      blocked += quantity[k] as number;
      continue;
    }
    const rate = held > raw.longTermDays ? scales.longRate : scales.shortRate;
    const taxed = gain < 0 && !raw.harvestLosses ? 0 : gain;
    const c = scales.weight * rate * taxed * scales.taxFactor;
    if (!Number.isSafeInteger(c) || Math.abs(c) * (quantity[k] as number) >= SAFE) tooLarge();
    sale[next] = k;
    cost[next] = c;
    tax[next] = rate * gain;
    next++;
  }
  sortForSale(book.keys, range.start, next);
  const cumFirst = book.cumNext;
  const { cumQuantity, cumCost } = book;
  cumQuantity[cumFirst] = 0;
  cumCost[cumFirst] = 0;
  let sold = 0;
  let total = 0;
  for (let j = range.start; j < next; j++) {
    const shares = quantity[sale[j] as number] as number;
    const c = cost[j] as number;
    sold += shares;
    total += c * shares;
    book.bound += Math.abs(c) * shares;
    cumQuantity[cumFirst + 1 + j - range.start] = sold;
    cumCost[cumFirst + 1 + j - range.start] = total;
  }
  book.cumNext = cumFirst + 1 + next - range.start;
  return { count: next - range.start, first: range.start, sale, cost, cumFirst, cumQuantity, cumCost, blocked, price };
}

/** Lot `j` (in sale order) of `security`, with its id, gain and term read back from the book's lots. */
export function lotAt(tax: TaxProblem, security: TaxSecurity, j: number): ScaledLot {
  const k = security.sale[security.first + j] as number;
  const long = (tax.lots.heldDays[k] as number) > tax.longTermDays;
  return {
    lotId: tax.lots.lotId[k] as string,
    quantity: tax.lots.quantity[k] as number,
    cost: shareCost(security, j),
    gain: security.price - digitsAt(tax.lots.costValue[k] as number, tax.lots.costPlaces[k] as number, tax.gainPlaces),
    term: long ? 'long' : 'short',
    rate: long ? tax.longRate : tax.shortRate,
  };
}

/**
 * Scales the tax part of a problem; throws InvalidInput when it cannot be solved exactly.
 * `holdingOf[i]` is the index in the input's holdings of security `i`'s holding (-1: not held).
 */
export function buildTaxProblem(problem: ScaledBase, raw: RawTax, holdingOf: readonly number[]): TaxProblem {
  const gainPlaces = Math.max(problem.moneyPlaces, raw.lots.maxCostPlaces);
  const ratePlaces = Math.max(raw.shortTermRate.places, raw.longTermRate.places);
  const driftPlaces = problem.weightPlaces + problem.moneyPlaces;
  const taxPlaces = raw.weight.places + ratePlaces + gainPlaces;
  const objectivePlaces = Math.max(driftPlaces, taxPlaces);
  const driftFactor = POW10[objectivePlaces - driftPlaces] ?? tooLarge();
  const scales: Scales = {
    gainPlaces,
    ratePlaces,
    weight: raw.weight.value,
    taxFactor: POW10[objectivePlaces - taxPlaces] ?? tooLarge(),
    shortRate: at(raw.shortTermRate, ratePlaces),
    longRate: at(raw.longTermRate, ratePlaces),
  };
  const priceFactor = POW10[gainPlaces - problem.moneyPlaces] as number;
  const count = raw.lots.count;
  if (taxScratch.length < count) taxScratch = new Float64Array(2 * count);
  const book: BookArrays = {
    keys: { sale: new Int32Array(count), cost: new Float64Array(count), tax: taxScratch, lots: raw.lots, longTermDays: raw.longTermDays },
    cumQuantity: new Float64Array(count + raw.lots.ranges.length),
    cumCost: new Float64Array(count + raw.lots.ranges.length),
    cumNext: 0,
    // Every drift term is at most 3·MV in total (targets, holdings and buys each at most MV).
    bound: 3 * problem.marketValue * problem.weightScale * driftFactor,
  };
  // Filled by push, so the search reads packed arrays.
  const securities: (TaxSecurity | null)[] = [];
  const noBuy: boolean[] = [];
  for (let i = 0; i < problem.securities.length; i++) {
    const security = problem.securities[i] as ScaledHolding;
    noBuy.push(raw.washBlocked.size > 0 && raw.washBlocked.has(security.id));
    const holding = holdingOf[i] as number;
    const range = holding < 0 ? null : raw.lots.ranges[holding];
    if (range === null || range === undefined) {
      securities.push(null);
      continue;
    }
    securities.push(taxSecurity(raw, range, security.price * priceFactor, scales, book));
  }
  if (!(book.bound < SAFE)) tooLarge();
  return {
    securities,
    noBuy,
    objectivePlaces,
    driftFactor,
    gainPlaces,
    ratePlaces,
    harvestLosses: raw.harvestLosses,
    lots: raw.lots,
    longTermDays: raw.longTermDays,
    shortRate: scales.shortRate,
    longRate: scales.longRate,
  };
}

/** Objective cost of selling the first `k` shares in sale order (0 when k ≤ 0). */
export function taxOfSelling(security: TaxSecurity | null, k: number): number {
  if (security === null || k <= 0) return 0;
  let j = 0;
  while (j < security.count && cumShares(security, j + 1) <= k) j++;
  if (j === security.count) return cumTax(security, j);
  return cumTax(security, j) + (k - cumShares(security, j)) * shareCost(security, j);
}

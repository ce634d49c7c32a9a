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
import type { LotRange, RawTax } from './read-tax.js';

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

/** One sellable lot of the scaled tax problem. */
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

/** Per security: its sellable lots in sale order, and what the wash-sale rules bar. */
export interface TaxSecurity {
  lots: ScaledLot[];
  /** Cumulative shares and objective cost after each lot: cum[j] = Σ quantity of lots [0, j). */
  cumQuantity: number[];
  cumCost: number[];
  /** Shares in lots that may not be sold (bought within the window, at a loss now). */
  blocked: number;
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

function saleOrder(a: ScaledLot, b: ScaledLot): number {
  if (a.cost !== b.cost) return a.cost - b.cost;
  const taxA = a.rate * a.gain;
  const taxB = b.rate * b.gain;
  if (taxA !== taxB) return taxA - taxB;
  if (a.term !== b.term) return a.term === 'long' ? -1 : 1;
  return a.lotId < b.lotId ? -1 : a.lotId > b.lotId ? 1 : 0;
}

/** Lots per holding up to which an insertion sort beats `Array.prototype.sort` calling back into the comparator. */
const INSERTION_SORT_MAX = 32;

/** Sorts `lots` into sale order (a total order: lot ids are unique within a holding). */
function sortForSale(lots: ScaledLot[]): void {
  if (lots.length > INSERTION_SORT_MAX) {
    lots.sort(saleOrder);
    return;
  }
  for (let i = 1; i < lots.length; i++) {
    const lot = lots[i] as ScaledLot;
    let j = i - 1;
    // The cost decides almost every comparison; the whole order only breaks its ties.
    while (j >= 0 && ((lots[j] as ScaledLot).cost > lot.cost || ((lots[j] as ScaledLot).cost === lot.cost && saleOrder(lots[j] as ScaledLot, lot) > 0))) {
      lots[j + 1] = lots[j] as ScaledLot;
      j--;
    }
    lots[j + 1] = lot;
  }
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

/** The lots [start, end) of `raw.lots` of a security priced `price` × 10^gainPlaces, in sale order. */
function taxSecurity(raw: RawTax, range: LotRange, price: number, scales: Scales): TaxSecurity {
  const { lotId, quantity, costValue, costPlaces, heldDays } = raw.lots;
  const lots: ScaledLot[] = [];
  let blocked = 0;
  for (let k = range.start; k < range.end; k++) {
    const gain = price - digitsAt(costValue[k] as number, costPlaces[k] as number, scales.gainPlaces);
    const held = heldDays[k] as number;
    if (gain < 0 && held <= raw.washSaleDays) {
      blocked += quantity[k] as number;
      continue;
    }
    const long = held > raw.longTermDays;
    const rate = long ? scales.longRate : scales.shortRate;
    const taxed = gain < 0 && !raw.harvestLosses ? 0 : gain;
    const cost = scales.weight * rate * taxed * scales.taxFactor;
    if (!Number.isSafeInteger(cost) || Math.abs(cost) * (quantity[k] as number) >= SAFE) tooLarge();
    lots.push({ lotId: lotId[k] as string, quantity: quantity[k] as number, cost, gain, term: long ? 'long' : 'short', rate });
  }
  sortForSale(lots);
  const cumQuantity = [0];
  const cumCost = [0];
  let sold = 0;
  let cost = 0;
  for (const lot of lots) {
    sold += lot.quantity;
    cost += lot.cost * lot.quantity;
    cumQuantity.push(sold);
    cumCost.push(cost);
  }
  return { lots, cumQuantity, cumCost, blocked };
}

/** Scales the tax part of a problem; throws InvalidInput when it cannot be solved exactly. */
export function buildTaxProblem(problem: ScaledBase, raw: RawTax): TaxProblem {
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
  // Every drift term is at most 3·MV in total (targets, holdings and buys each at most MV).
  let bound = 3 * problem.marketValue * problem.weightScale * driftFactor;
  // Filled by push, so the search reads packed arrays.
  const securities: (TaxSecurity | null)[] = [];
  const noBuy: boolean[] = [];
  for (const security of problem.securities) {
    noBuy.push(raw.washBlocked.size > 0 && raw.washBlocked.has(security.id));
    const range = raw.lots.byId.get(security.id);
    if (range === undefined) {
      securities.push(null);
      continue;
    }
    const scaled = taxSecurity(raw, range, security.price * priceFactor, scales);
    for (const lot of scaled.lots) bound += Math.abs(lot.cost) * lot.quantity;
    securities.push(scaled);
  }
  if (!(bound < SAFE)) tooLarge();
  return { securities, noBuy, objectivePlaces, driftFactor, gainPlaces, ratePlaces, harvestLosses: raw.harvestLosses };
}

/** Objective cost of selling the first `k` shares in sale order (0 when k ≤ 0). */
export function taxOfSelling(security: TaxSecurity | null, k: number): number {
  if (security === null || k <= 0) return 0;
  const { lots, cumQuantity, cumCost } = security;
  let j = 0;
  while (j < lots.length && (cumQuantity[j + 1] as number) <= k) j++;
  if (j === lots.length) return cumCost[j] as number;
  return (cumCost[j] as number) + (k - (cumQuantity[j] as number)) * (lots[j] as ScaledLot).cost;
}

/**
 * Validates a ProblemInput and scales it to integers: money × 10^moneyPlaces, weights ×
 * 10^weightPlaces, each the smallest power of ten that makes every given amount whole. From here
 * on the optimizer never sees a fraction.
 */
import { InvalidInput } from '../../errors/index.js';
import { POW10, parseFixed } from '../money/fixed-point.js';
import type { ProblemInput } from './types.js';
import { readInput, type RawProblem, type RawSecurity } from './read-input.js';
import { readTax } from './tax/read-tax.js';
import { buildTaxProblem, type TaxProblem } from './tax/tax-problem.js';

/** One security of the scaled problem. */
export interface ScaledSecurity {
  id: string;
  /** Price × 10^moneyPlaces. */
  price: number;
  priceText: string;
  /** Whole shares held now. */
  current: number;
  /** Target, low drift and high drift × 10^weightPlaces. */
  target: number;
  low: number;
  high: number;
  targetText: string;
  lowText: string;
  highText: string;
  /** Trades are whole multiples of this many shares. */
  lot: number;
  noBuy: boolean;
  noSell: boolean;
}

/** The integer problem both solver paths work on. Securities are sorted by id. */
export interface ScaledProblem {
  securities: ScaledSecurity[];
  moneyPlaces: number;
  weightPlaces: number;
  /** 10^weightPlaces. */
  weightScale: number;
  /** Cash, cash reserve, minimum trade value and market value × 10^moneyPlaces. */
  cash: number;
  reserve: number;
  minTrade: number;
  marketValue: number;
  mode: 'target' | 'band';
  cashText: string;
  /** The tax side when `options.tax.enabled`, else null (and the problem is solved as without tax). */
  tax: TaxProblem | null;
}

/**
 * Above these the splitting arithmetic of the fast path could leave the exact integer range of
 * a double (see `fast-path/positions.ts`); such inputs are refused rather than solved inexactly.
 */
const MAX_SCALED_MONEY = 2 ** 50;
const MAX_WEIGHT_PLACES = 7;

/** Fraction digits a run-option amount may have: more would rescale every amount of the problem past the exact range. */
export const MAX_OPTION_MONEY_PLACES = 6;

/**
 * Whether a run-option amount (cash reserve, minimum trade value) can take part in an exact
 * solve at all: its digits, at its own places, below the scaled-money limit. One that does not
 * would fail every portfolio of the run, so the API refuses it up front.
 */
export function optionAmountFits(text: string): boolean {
  const fixed = parseFixed(text);
  return fixed !== null && fixed.places <= MAX_OPTION_MONEY_PLACES && fixed.value < MAX_SCALED_MONEY;
}

/** `digits` / 10^from rescaled to `to` places; at least MAX_SCALED_MONEY (so refused) whenever it is not exact. */
function scaled(digits: number, from: number, to: number): number {
  if (digits === 0) return 0;
  return digits * (POW10[to - from] ?? Number.POSITIVE_INFINITY);
}

function safeMoney(value: number, field: string, id = ''): number {
  if (!(value < MAX_SCALED_MONEY)) {
    const name = id === '' ? field : `${field}.${id}`;
    throw new InvalidInput(`amount too large or too precise to solve exactly (${name})`, name);
  }
  return value;
}

function placesOf(raw: RawProblem): { money: number; weight: number } {
  let money = Math.max(raw.cash.places, raw.reserve.places, raw.minTrade.places);
  let weight = 0;
  for (const security of raw.securities) {
    money = Math.max(money, security.pricePlaces);
    weight = Math.max(weight, security.targetPlaces, security.lowPlaces, security.highPlaces);
  }
  if (weight > MAX_WEIGHT_PLACES) {
    throw new InvalidInput(`weights may have at most ${MAX_WEIGHT_PLACES} decimal places`, 'positions');
  }
  return { money, weight };
}

/** Cash plus the holdings at their prices; exact, since every partial sum below the limit is. */
function marketValueOf(raw: RawProblem, places: number): number {
  let total = scaled(raw.cash.value, raw.cash.places, places);
  for (const security of raw.securities) {
    if (security.current > 0) total += security.current * scaled(security.price, security.pricePlaces, places);
  }
  return safeMoney(total, 'cash');
}

function scaledSecurity(raw: RawSecurity, moneyPlaces: number, weightPlaces: number): ScaledSecurity {
  return {
    id: raw.id,
    price: safeMoney(scaled(raw.price, raw.pricePlaces, moneyPlaces), 'prices', raw.id),
    priceText: raw.priceText,
    current: raw.current,
    target: scaled(raw.target, raw.targetPlaces, weightPlaces),
    low: scaled(raw.low, raw.lowPlaces, weightPlaces),
    high: scaled(raw.high, raw.highPlaces, weightPlaces),
    targetText: raw.targetText,
    lowText: raw.lowText,
    highText: raw.highText,
    lot: raw.lot,
    noBuy: raw.noBuy,
    noSell: raw.noSell,
  };
}

/** Validates `input` (throwing InvalidInput with the snake_case field) and scales it. */
export function buildProblem(input: ProblemInput): ScaledProblem {
  const raw = readInput(input);
  const places = placesOf(raw);
  const marketValue = marketValueOf(raw, places.money);
  const securities = new Array<ScaledSecurity>(raw.securities.length);
  let targets = 0;
  for (let i = 0; i < securities.length; i++) {
    const security = scaledSecurity(raw.securities[i] as RawSecurity, places.money, places.weight);
    targets += security.target;
    securities[i] = security;
  }
  const weightScale = POW10[places.weight] as number;
  if (targets > weightScale) throw new InvalidInput('targets add up to more than 1', 'positions');
  const problem: ScaledProblem = {
    securities,
    moneyPlaces: places.money,
    weightPlaces: places.weight,
    weightScale,
    cash: scaled(raw.cash.value, raw.cash.places, places.money),
    reserve: safeMoney(scaled(raw.reserve.value, raw.reserve.places, places.money), 'options.cash_reserve'),
    minTrade: safeMoney(scaled(raw.minTrade.value, raw.minTrade.places, places.money), 'options.min_trade_value'),
    marketValue,
    mode: raw.mode,
    cashText: raw.cashText,
    tax: null,
  };
  const tax = readTax(input);
  if (tax !== null) problem.tax = buildTaxProblem(problem, tax, raw.securities.map((security) => security.holding));
  return problem;
}

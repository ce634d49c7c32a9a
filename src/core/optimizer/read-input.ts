/**
 * Checks a ProblemInput against the rules any sane problem meets (the stricter GlobeCo v1 model
 * rules live in `core/model`) and gathers one record per security of the union of model
 * positions and holdings, each decimal read once into digits and places. Field names in errors
 * are snake_case, as the JSON spells them.
 */
import { InvalidInput } from '../../errors/index.js';
import { parseFixedInto, type FixedDecimal } from '../money/fixed-point.js';
import type { PositionInput, ProblemInput, SolveOptions } from './types.js';

/**
 * A validated security before scaling: each amount as given, and as read into digits
 * (`price`, `target`, …) and places (`pricePlaces`, …), flat so a portfolio's read allocates
 * one record per security.
 */
export interface RawSecurity {
  id: string;
  priceText: string;
  price: number;
  pricePlaces: number;
  current: number;
  targetText: string;
  lowText: string;
  highText: string;
  target: number;
  targetPlaces: number;
  low: number;
  lowPlaces: number;
  high: number;
  highPlaces: number;
  lot: number;
  noBuy: boolean;
  noSell: boolean;
  /** Index of its holding in the input's holdings, -1 when it is not held. */
  holding: number;
}

/** The validated problem before scaling. */
export interface RawProblem {
  securities: RawSecurity[];
  cashText: string;
  cash: FixedDecimal;
  reserve: FixedDecimal;
  minTrade: FixedDecimal;
  mode: 'target' | 'band';
}

/** What {@link decimalAt} read last; copied out at once by every caller. */
const scratch: FixedDecimal = { value: 0, places: 0, whole: 0 };

/**
 * Where a value sits, as the JSON names it: `at` alone, `at[index].name`, or `at.name`. Kept in
 * parts so the text is built only for an error (this runs once per amount of every portfolio).
 */
type Field = [at: string, index: number, name: string];

function fieldText([at, index, name]: Field): string {
  if (name === '') return at;
  return index < 0 ? `${at}.${name}` : `${at}[${index}].${name}`;
}

function decimalAt(value: unknown, at: string, index = -1, name = '', atMostOne = false): FixedDecimal {
  if (typeof value !== 'string' || !parseFixedInto(value, scratch)) fail([at, index, name], 'must be a non-negative decimal string');
  if (atMostOne && !(scratch.whole === 0 || (scratch.whole === 1 && scratch.places === 0))) fail([at, index, name], 'must be between 0 and 1');
  return scratch;
}

function fail(field: Field, problem: string): never {
  const text = fieldText(field);
  throw new InvalidInput(`${text} ${problem}`, text);
}

function idAt(value: unknown, at: string, index: number): string {
  if (typeof value !== 'string' || value.length === 0) fail([at, index, 'security_id'], 'must be a non-empty string');
  return value;
}

function duplicate(id: string, at: string, index: number): never {
  throw new InvalidInput(`security ${id} appears more than once`, fieldText([at, index, 'security_id']));
}

function unmodelled(id: string): RawSecurity {
  return {
    id,
    priceText: '',
    price: 0,
    pricePlaces: 0,
    current: 0,
    targetText: '0',
    lowText: '0',
    highText: '0',
    target: 0,
    targetPlaces: 0,
    low: 0,
    lowPlaces: 0,
    high: 0,
    highPlaces: 0,
    lot: 1,
    noBuy: false,
    noSell: false,
    holding: -1,
  };
}

/** One record per model position, keyed by id. Field names are built only for an error. */
function readPositions(input: ProblemInput, byId: Map<string, RawSecurity>): void {
  if (!Array.isArray(input.positions)) throw new InvalidInput('positions must be a list', 'positions');
  const positions = input.positions;
  for (let index = 0; index < positions.length; index++) {
    const position = positions[index] as PositionInput;
    const id = idAt(position?.securityId, 'positions', index);
    if (byId.has(id)) duplicate(id, 'positions', index);
    const record = unmodelled(id);
    record.target = decimalAt(position.target, 'positions', index, 'target', true).value;
    record.targetPlaces = scratch.places;
    record.low = decimalAt(position.lowDrift, 'positions', index, 'low_drift', true).value;
    record.lowPlaces = scratch.places;
    record.high = decimalAt(position.highDrift, 'positions', index, 'high_drift', true).value;
    record.highPlaces = scratch.places;
    record.targetText = position.target;
    record.lowText = position.lowDrift;
    record.highText = position.highDrift;
    byId.set(id, record);
  }
}

/** Adds the holdings to the records, with a record of their own for those outside the model. */
function readHoldings(input: ProblemInput, byId: Map<string, RawSecurity>): void {
  if (!Array.isArray(input.holdings)) throw new InvalidInput('holdings must be a list', 'holdings');
  const holdings = input.holdings;
  const seen = new Set<string>();
  for (let index = 0; index < holdings.length; index++) {
    const holding = holdings[index];
    const id = idAt(holding?.securityId, 'holdings', index);
    if (seen.has(id)) duplicate(id, 'holdings', index);
    seen.add(id);
    const quantity = holding?.quantity;
    if (!Number.isSafeInteger(quantity) || (quantity as number) < 0) fail(['holdings', index, 'quantity'], 'must be a whole number of shares ≥ 0');
    let record = byId.get(id);
    if (record === undefined) {
      record = unmodelled(id);
      byId.set(id, record);
    }
    record.current = quantity as number;
    record.holding = index;
  }
}

function readPrice(prices: ProblemInput['prices'] | undefined, record: RawSecurity): void {
  const price = prices?.[record.id];
  if (price === undefined) throw new InvalidInput(`security ${record.id} has no price`, `prices.${record.id}`);
  record.price = decimalAt(price, 'prices', -1, record.id).value;
  record.pricePlaces = scratch.places;
  if (record.price === 0) fail(['prices', -1, record.id], 'must be greater than 0');
  record.priceText = price;
}

function byIdOrder(a: RawSecurity, b: RawSecurity): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function readIdList(list: unknown, field: string): Set<string> | null {
  if (list === undefined) return null;
  if (!Array.isArray(list) || list.some((id) => typeof id !== 'string')) {
    throw new InvalidInput(`${field} must be a list of security ids`, field);
  }
  return new Set(list as string[]);
}

function readLot(options: SolveOptions, id: string): number {
  const lot = options.lotSizes?.[id] ?? 1;
  if (!Number.isSafeInteger(lot) || lot < 1) {
    const field = `options.lot_sizes.${id}`;
    throw new InvalidInput(`${field} must be a whole number ≥ 1`, field);
  }
  return lot;
}

function readMode(options: SolveOptions): 'target' | 'band' {
  const mode = options.mode ?? 'target';
  if (mode !== 'target' && mode !== 'band') {
    throw new InvalidInput("options.mode must be 'target' or 'band'", 'options.mode');
  }
  return mode;
}

/** Validates `input`; throws InvalidInput naming the first offending field. */
export function readInput(input: ProblemInput): RawProblem {
  const options = input.options ?? {};
  const cash = { ...decimalAt(input.cash, 'cash') };
  const byId = new Map<string, RawSecurity>();
  readPositions(input, byId);
  readHoldings(input, byId);
  const noBuy = readIdList(options.noBuy, 'options.no_buy');
  const noSell = readIdList(options.noSell, 'options.no_sell');
  if (options.lotSizes !== undefined && (typeof options.lotSizes !== 'object' || options.lotSizes === null)) {
    throw new InvalidInput('options.lot_sizes must map security ids to lot sizes', 'options.lot_sizes');
  }
  const securities = [...byId.values()].sort(byIdOrder);
  for (const record of securities) {
    readPrice(input.prices, record);
    if (options.lotSizes !== undefined) record.lot = readLot(options, record.id);
    if (noBuy !== null) record.noBuy = noBuy.has(record.id);
    if (noSell !== null) record.noSell = noSell.has(record.id);
  }
  return {
    securities,
    cashText: input.cash,
    cash,
    reserve: { ...decimalAt(options.cashReserve ?? '0', 'options.cash_reserve') },
    minTrade: { ...decimalAt(options.minTradeValue ?? '0', 'options.min_trade_value') },
    mode: readMode(options),
  };
}

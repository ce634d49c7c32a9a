/**
 * Checks a ProblemInput against the rules any sane problem meets (the stricter GlobeCo v1 model
 * rules live in `core/model`) and gathers one record per security of the union of model
 * positions and holdings. Field names in errors are snake_case, as the JSON spells them.
 */
import { InvalidInput } from '../../errors/index.js';
import { splitDecimal } from '../money/decimal.js';
import type { ProblemInput, SolveOptions } from './types.js';

/** A validated security before scaling: texts are plain decimals. */
export interface RawSecurity {
  id: string;
  priceText: string;
  current: number;
  targetText: string;
  lowText: string;
  highText: string;
  lot: number;
  noBuy: boolean;
  noSell: boolean;
}

/** The validated problem before scaling. */
export interface RawProblem {
  securities: RawSecurity[];
  cashText: string;
  reserveText: string;
  minTradeText: string;
  mode: 'target' | 'band';
}

function atMostOneText(text: string): boolean {
  const parts = splitDecimal(text) as { whole: string; fraction: string };
  const whole = Number(parts.whole);
  return whole === 0 || (whole === 1 && parts.fraction === '');
}

function decimalAt(value: unknown, field: string, atMostOne = false): string {
  if (typeof value !== 'string' || splitDecimal(value) === null) {
    throw new InvalidInput(`${field} must be a non-negative decimal string`, field);
  }
  if (atMostOne && !atMostOneText(value)) throw new InvalidInput(`${field} must be between 0 and 1`, field);
  return value;
}

function securityIdAt(value: unknown, field: string, seen: Set<string>): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidInput(`${field} must be a non-empty string`, field);
  }
  if (seen.has(value)) throw new InvalidInput(`security ${value} appears more than once`, field);
  seen.add(value);
  return value;
}

function readPositions(input: ProblemInput): Map<string, [string, string, string]> {
  if (!Array.isArray(input.positions)) throw new InvalidInput('positions must be a list', 'positions');
  const weights = new Map<string, [string, string, string]>();
  const seen = new Set<string>();
  input.positions.forEach((position, index) => {
    const at = `positions[${index}]`;
    const id = securityIdAt(position?.securityId, `${at}.security_id`, seen);
    const target = decimalAt(position.target, `${at}.target`, true);
    weights.set(id, [
      target,
      decimalAt(position.lowDrift, `${at}.low_drift`, true),
      decimalAt(position.highDrift, `${at}.high_drift`, true),
    ]);
  });
  return weights;
}

function readHoldings(input: ProblemInput): Map<string, number> {
  if (!Array.isArray(input.holdings)) throw new InvalidInput('holdings must be a list', 'holdings');
  const held = new Map<string, number>();
  const seen = new Set<string>();
  input.holdings.forEach((holding, index) => {
    const at = `holdings[${index}]`;
    const id = securityIdAt(holding?.securityId, `${at}.security_id`, seen);
    if (!Number.isSafeInteger(holding.quantity) || holding.quantity < 0) {
      throw new InvalidInput(`${at}.quantity must be a whole number of shares ≥ 0`, `${at}.quantity`);
    }
    held.set(id, holding.quantity);
  });
  return held;
}

function priceOf(input: ProblemInput, id: string): string {
  const field = `prices.${id}`;
  const price = input.prices?.[id];
  if (price === undefined) throw new InvalidInput(`security ${id} has no price`, field);
  decimalAt(price, field);
  if (!/[1-9]/.test(price)) throw new InvalidInput(`${field} must be greater than 0`, field);
  return price;
}

function readIdList(list: unknown, field: string): Set<string> {
  if (list === undefined) return new Set();
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
  const cashText = decimalAt(input.cash, 'cash');
  const weights = readPositions(input);
  const held = readHoldings(input);
  const noBuy = readIdList(options.noBuy, 'options.no_buy');
  const noSell = readIdList(options.noSell, 'options.no_sell');
  if (options.lotSizes !== undefined && (typeof options.lotSizes !== 'object' || options.lotSizes === null)) {
    throw new InvalidInput('options.lot_sizes must map security ids to lot sizes', 'options.lot_sizes');
  }
  const ids = [...new Set([...weights.keys(), ...held.keys()])].sort();
  const securities = ids.map((id): RawSecurity => {
    const [targetText, lowText, highText] = weights.get(id) ?? ['0', '0', '0'];
    return {
      id,
      priceText: priceOf(input, id),
      current: held.get(id) ?? 0,
      targetText,
      lowText,
      highText,
      lot: readLot(options, id),
      noBuy: noBuy.has(id),
      noSell: noSell.has(id),
    };
  });
  return {
    securities,
    cashText,
    reserveText: decimalAt(options.cashReserve ?? '0', 'options.cash_reserve'),
    minTradeText: decimalAt(options.minTradeValue ?? '0', 'options.min_trade_value'),
    mode: readMode(options),
  };
}

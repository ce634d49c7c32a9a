import type { SolveOptions } from '../core/optimizer/types.js';
import { toTaxOptions, withAsOf, type TaxOptionsJson } from './tax-options.js';

/** Per-run options as the API takes them (snake_case; amounts already canonical decimal strings). */
export interface RunOptionsInput {
  cash_reserve?: string;
  min_trade_value?: string;
  lot_sizes?: Record<string, number>;
  no_buy?: string[];
  no_sell?: string[];
  mode?: 'target' | 'band';
  tax?: TaxOptionsJson;
}

/** The options as the run records them: as submitted, with the tax `as_of` date fixed at `createdAt`. */
export function recordedOptions(options: RunOptionsInput, createdAt: Date): Record<string, unknown> {
  return options.tax === undefined ? { ...options } : { ...options, tax: withAsOf(options.tax, createdAt) };
}

/** The solver's view of the run options (the deadline is the worker's to add). */
export function toSolveOptions(options: RunOptionsInput, createdAt: Date): SolveOptions {
  const out: SolveOptions = {};
  if (options.cash_reserve !== undefined) out.cashReserve = options.cash_reserve;
  if (options.min_trade_value !== undefined) out.minTradeValue = options.min_trade_value;
  if (options.lot_sizes !== undefined) out.lotSizes = options.lot_sizes;
  if (options.no_buy !== undefined) out.noBuy = options.no_buy;
  if (options.no_sell !== undefined) out.noSell = options.no_sell;
  if (options.mode !== undefined) out.mode = options.mode;
  if (options.tax !== undefined) out.tax = toTaxOptions(options.tax, createdAt);
  return out;
}

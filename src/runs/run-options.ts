import type { SolveOptions } from '../core/optimizer/types.js';

/** Per-run options as the API takes them (snake_case; amounts already canonical decimal strings). */
export interface RunOptionsInput {
  cash_reserve?: string;
  min_trade_value?: string;
  lot_sizes?: Record<string, number>;
  no_buy?: string[];
  no_sell?: string[];
  mode?: 'target' | 'band';
}

/** The solver's view of the run options (the deadline is the worker's to add). */
export function toSolveOptions(options: RunOptionsInput): SolveOptions {
  const out: SolveOptions = {};
  if (options.cash_reserve !== undefined) out.cashReserve = options.cash_reserve;
  if (options.min_trade_value !== undefined) out.minTradeValue = options.min_trade_value;
  if (options.lot_sizes !== undefined) out.lotSizes = options.lot_sizes;
  if (options.no_buy !== undefined) out.noBuy = options.no_buy;
  if (options.no_sell !== undefined) out.noSell = options.no_sell;
  if (options.mode !== undefined) out.mode = options.mode;
  return out;
}

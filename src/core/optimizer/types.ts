/**
 * The solver's contract at its edge. Every amount is a decimal string (or a whole number of
 * shares) so nothing is lost to binary floating point before the core scales it to integers.
 */

/** One model position, as the solver sees it. Weights are fractions of market value. */
export interface PositionInput {
  securityId: string;
  /** Target weight in [0, 1], decimal string. */
  target: string;
  /** How far below target the weight may drift, in [0, 1]. */
  lowDrift: string;
  /** How far above target the weight may drift, in [0, 1]. */
  highDrift: string;
}

/** One tax lot of a holding: whole shares bought together at one unit cost. */
export interface TaxLotInput {
  lotId: string;
  /** Whole shares, > 0. */
  quantity: number;
  /** Cost per share, decimal string ≥ 0. */
  unitCost: string;
  /** Acquisition date, YYYY-MM-DD. */
  acquired: string;
}

/** A current holding: whole shares. */
export interface HoldingInput {
  securityId: string;
  quantity: number;
  /**
   * Tax lots making up the holding; their quantities sum to `quantity`. Read only when
   * `options.tax.enabled`; without lots the holding's sells carry no tax.
   */
  lots?: TaxLotInput[];
}

/** A sale before `tax.asOf`, for the wash-sale window. */
export interface RecentSaleInput {
  securityId: string;
  /** YYYY-MM-DD. */
  date: string;
  quantity: number;
  /** Realized gain of the sale, decimal string (negative for a loss). */
  realizedGain: string;
}

/** Tax-aware rebalancing: weigh the tax of the lots sold against the drift repaired. */
export interface TaxOptions {
  enabled: boolean;
  /** Tax rate on short-term gains, decimal fraction in [0, 1], e.g. "0.37". */
  shortTermRate: string;
  /** Tax rate on long-term gains, decimal fraction in [0, 1], e.g. "0.2". */
  longTermRate: string;
  /** A lot held more than this many days is long-term. @defaultValue 365 */
  longTermDays?: number;
  /** Dollars of drift repaired that one dollar of tax is worth, decimal string ≥ 0. @defaultValue "1" */
  weight?: string;
  /** Days before `asOf` in which a loss sale blocks buys and a purchase blocks loss sales. @defaultValue 30 */
  washSaleDays?: number;
  /** Loss lots may be sold further than drift alone asks, within the band. @defaultValue false */
  harvestLosses?: boolean;
  /** Trade date the terms and the wash-sale window are measured from, YYYY-MM-DD; required when enabled. */
  asOf: string;
}

/** Per-request options beyond the base problem. */
export interface SolveOptions {
  /** Cash that must remain after trading. @defaultValue "0" */
  cashReserve?: string;
  /** Trades worth less than this are not made unless a band forces them. @defaultValue "0" */
  minTradeValue?: string;
  /**
   * Per security, trades are whole multiples of this lot size, so a holding that is a multiple
   * stays one (an odd-lot remainder of a holding is never traded away). @defaultValue 1
   */
  lotSizes?: Record<string, number>;
  /** Securities that may not be bought. */
  noBuy?: string[];
  /** Securities that may not be sold. */
  noSell?: string[];
  /** `target`: optimise every position; `band`: only positions outside their band trade. @defaultValue "target" */
  mode?: 'target' | 'band';
  /** Deadline for this solve in milliseconds (enforced by the solver pool). */
  deadlineMs?: number;
  /** Tax-aware rebalancing; absent or `enabled: false` leaves results as without it. */
  tax?: TaxOptions;
}

/** One portfolio's rebalancing problem. */
export interface ProblemInput {
  /** Cash before trading, decimal string, ≥ 0. */
  cash: string;
  holdings: HoldingInput[];
  /** Price per security id, decimal string > 0. Every held or modelled security needs one. */
  prices: Record<string, string>;
  positions: PositionInput[];
  /** Sales before `options.tax.asOf`, for the wash-sale window. */
  recentSales?: RecentSaleInput[];
  options?: SolveOptions;
}

/** The part of a sell taken from one tax lot. */
export interface LotSale {
  lotId: string;
  quantity: number;
  /** (price − unit cost) × quantity, exact decimal string, negative for a loss. */
  realizedGain: string;
  term: 'short' | 'long';
}

/** Realized gains and losses of a portfolio's sells, and the tax they cost; exact decimal strings. */
export interface TaxSummary {
  shortTermGain: string;
  /** ≥ 0: the size of the short-term losses. */
  shortTermLoss: string;
  longTermGain: string;
  /** ≥ 0: the size of the long-term losses. */
  longTermLoss: string;
  /** Σ rate × realized gain over the lots sold (losses count negative). */
  estimatedTax: string;
}

export type SolveStatus = 'optimal' | 'infeasible' | 'timeout';

/** Which algorithm answered. */
export type SolvePath = 'fast' | 'general';

/** What a solve returns. Quantities are present only when `status` is `optimal`. */
export interface SolveResult {
  status: SolveStatus;
  path: SolvePath;
  /** New whole quantity per security (every security of the problem, zeros included). */
  quantities: Record<string, number>;
  /**
   * Σ|MV·t − u'·p| in dollars, exact decimal string; null unless optimal. With tax enabled, plus
   * weight × the tax of the lots sold (losses credited only with `harvest_losses`).
   */
  objective: string | null;
  /** Why the problem is infeasible or unproven; null when optimal. */
  reason: string | null;
  /** Time spent reading, validating and solving, milliseconds from a monotonic clock (fractional: µs resolution). */
  solveMs: number;
}

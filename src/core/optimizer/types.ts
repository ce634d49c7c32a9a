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

/** A current holding: whole shares. */
export interface HoldingInput {
  securityId: string;
  quantity: number;
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
}

/** One portfolio's rebalancing problem. */
export interface ProblemInput {
  /** Cash before trading, decimal string, ≥ 0. */
  cash: string;
  holdings: HoldingInput[];
  /** Price per security id, decimal string > 0. Every held or modelled security needs one. */
  prices: Record<string, string>;
  positions: PositionInput[];
  options?: SolveOptions;
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
  /** Σ|MV·t − u'·p| in dollars, exact decimal string; null unless optimal. */
  objective: string | null;
  /** Why the problem is infeasible or unproven; null when optimal. */
  reason: string | null;
  /** Time spent reading, validating and solving, milliseconds from a monotonic clock (fractional: µs resolution). */
  solveMs: number;
}

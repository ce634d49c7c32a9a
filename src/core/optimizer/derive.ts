/**
 * From a solved problem to what gets stored and shown: per-position detail (market values
 * 3 places half-up, weights 4 places), cash before and after, and the orders. Computed from the
 * scaled integers the solve already read, with exact integer rounding; the texts are the same,
 * byte for byte, as decimal.js at 60 digits gave (test/unit/optimizer/derive.property.test.ts).
 */
import { Infeasible, SolverTimeout } from '../../errors/index.js';
import { roundedText, scaledText } from '../money/fixed-point.js';
import { buildProblem, type ScaledProblem, type ScaledSecurity } from './problem.js';
import type { LotSale, ProblemInput, SolveResult, TaxSummary } from './types.js';
import { taxOutcome } from './tax/tax-outcome.js';

export type { LotSale, TaxSummary } from './types.js';
import { driftText, weightText, type WeightScale } from './weights.js';

/** One security's before/after, all amounts decimal strings. */
export interface PositionOutcome {
  securityId: string;
  price: string;
  originalQuantity: number;
  adjustedQuantity: number;
  /** Quantity × price, 3 places half-up. */
  originalMarketValue: string;
  adjustedMarketValue: string;
  target: string;
  lowDrift: string;
  highDrift: string;
  /** Weight before trading (quantity × price / market value), 4 places half-up. */
  originalActual: string;
  /** Weight after trading, 4 places half-up. */
  actual: string;
  /** 1 − weight/target before trading, 4 places; null where the target is 0. */
  originalActualDrift: string | null;
  /** 1 − actual/target after trading (from the exact weight), 4 places; null where the target is 0. */
  actualDrift: string | null;
  tradeType: 'BUY' | 'SELL' | null;
  /** Shares traded, ≥ 0 (0 when no trade). */
  tradeQuantity: number;
}

/** One order. */
export interface TradeOrder {
  securityId: string;
  transactionType: 'BUY' | 'SELL';
  quantity: number;
  /** Which lots a sell takes (sells only, when tax is enabled and the holding has lots). */
  lots?: LotSale[];
}

/** Everything a stored rebalance needs for one portfolio. Amounts are exact decimal strings. */
export interface RebalanceOutcome {
  marketValue: string;
  cashBefore: string;
  /** Real cash after the trades: cash before − Σ Δ·price, exact. */
  cashAfter: string;
  /** Sorted by security id. */
  positions: PositionOutcome[];
  /** Sorted by security id. */
  trades: TradeOrder[];
  /** Present when tax is enabled. */
  tax?: TaxSummary;
}

/** Quantity × price × 10^moneyPlaces, as a double while that is exact. */
function valueOf(security: ScaledSecurity, quantity: number): number | bigint {
  const value = security.price * quantity;
  return Number.isSafeInteger(value) ? value : BigInt(security.price) * BigInt(quantity);
}

/** Cash − Σ Δ·price, exact: in doubles while every term and partial sum is a safe integer, else in BigInt. */
function cashAfterOf(problem: ScaledProblem, quantities: ArrayLike<number>): number | bigint {
  let cash = problem.cash;
  const securities = problem.securities;
  for (let i = 0; i < securities.length; i++) {
    const security = securities[i] as ScaledSecurity;
    const spent = security.price * ((quantities[i] as number) - security.current);
    cash -= spent;
    if (!Number.isSafeInteger(spent) || !Number.isSafeInteger(cash)) {
      let exact = BigInt(problem.cash);
      securities.forEach((s, j) => {
        exact -= BigInt(s.price) * BigInt((quantities[j] as number) - s.current);
      });
      return exact;
    }
  }
  return cash;
}

function positionOf(problem: ScaledProblem, scale: WeightScale, security: ScaledSecurity, adjusted: number): PositionOutcome {
  const places = problem.moneyPlaces;
  const delta = adjusted - security.current;
  const before = security.price * security.current;
  const after = valueOf(security, adjusted);
  return {
    securityId: security.id,
    price: scaledText(security.price, places),
    originalQuantity: security.current,
    adjustedQuantity: adjusted,
    originalMarketValue: roundedText(before, places, 3),
    adjustedMarketValue: roundedText(after, places, 3),
    target: security.targetText,
    lowDrift: security.lowText,
    highDrift: security.highText,
    originalActual: weightText(scale, before),
    actual: weightText(scale, after),
    originalActualDrift: driftText(scale, before, security.target),
    actualDrift: driftText(scale, after, security.target),
    tradeType: delta > 0 ? 'BUY' : delta < 0 ? 'SELL' : null,
    tradeQuantity: Math.abs(delta),
  };
}

/**
 * Trades and per-position detail of `problem` at whole `quantities` (per security, in problem
 * order): what the worker stores and the CLI prints, without reading the input again.
 */
export function deriveScaled(problem: ScaledProblem, quantities: ArrayLike<number>): RebalanceOutcome {
  const securities = problem.securities;
  const scale: WeightScale = { marketValue: problem.marketValue, weightScale: problem.weightScale };
  const positions = new Array<PositionOutcome>(securities.length);
  const trades: TradeOrder[] = [];
  for (let i = 0; i < securities.length; i++) {
    const security = securities[i] as ScaledSecurity;
    const adjusted = quantities[i];
    if (!Number.isSafeInteger(adjusted) || (adjusted as number) < 0) {
      throw new Error(`quantity ${adjusted} for ${security.id} is not a whole number of shares`);
    }
    const position = positionOf(problem, scale, security, adjusted as number);
    if (position.tradeType !== null) trades.push({ securityId: security.id, transactionType: position.tradeType, quantity: position.tradeQuantity });
    positions[i] = position;
  }
  const outcome: RebalanceOutcome = {
    marketValue: scaledText(problem.marketValue, problem.moneyPlaces),
    cashBefore: scaledText(problem.cash, problem.moneyPlaces),
    cashAfter: scaledText(cashAfterOf(problem, quantities), problem.moneyPlaces),
    positions,
    trades,
  };
  if (problem.tax !== null) outcome.tax = taxOutcome(problem, problem.tax, quantities, trades);
  return outcome;
}

/** Trades and per-position detail of an optimal result; throws for infeasible or unproven ones. */
export function deriveRebalance(input: ProblemInput, result: SolveResult): RebalanceOutcome {
  if (result.status === 'infeasible') throw new Infeasible(result.reason ?? 'infeasible');
  if (result.status !== 'optimal') throw new SolverTimeout(result.reason ?? 'no proven solution');
  const problem = buildProblem(input);
  const quantities = problem.securities.map((security) => {
    const quantity = result.quantities[security.id];
    if (quantity === undefined) throw new Error(`result has no quantity for ${security.id}`);
    return quantity;
  });
  return deriveScaled(problem, quantities);
}

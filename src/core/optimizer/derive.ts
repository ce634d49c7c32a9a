/**
 * From a solved problem to what gets stored and shown: per-position detail (market values
 * 3 places half-up, weights 4 places), cash before and after, and the orders.
 */
import { Infeasible, SolverTimeout } from '../../errors/index.js';
import { Dec, fixed, plain } from '../money/decimal.js';
import { readInput } from './read-input.js';
import type { ProblemInput, SolveResult } from './types.js';

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
}

function weightOf(value: Dec, marketValue: Dec): Dec {
  return marketValue.isZero() ? new Dec(0) : value.div(marketValue);
}

function driftOf(weight: Dec, target: string): string | null {
  const t = new Dec(target);
  return t.isZero() ? null : fixed(new Dec(1).minus(weight.div(t)), 4);
}

/** Trades and per-position detail of an optimal result; throws for infeasible or unproven ones. */
export function deriveRebalance(input: ProblemInput, result: SolveResult): RebalanceOutcome {
  if (result.status === 'infeasible') throw new Infeasible(result.reason ?? 'infeasible');
  if (result.status !== 'optimal') throw new SolverTimeout(result.reason ?? 'no proven solution');
  const raw = readInput(input);
  const cashBefore = new Dec(raw.cashText);
  const marketValue = raw.securities.reduce((sum, s) => sum.plus(new Dec(s.priceText).times(s.current)), cashBefore);
  let cashAfter = cashBefore;
  const trades: TradeOrder[] = [];
  const positions = raw.securities.map((security): PositionOutcome => {
    const price = new Dec(security.priceText);
    const adjusted = result.quantities[security.id];
    if (adjusted === undefined) throw new Error(`result has no quantity for ${security.id}`);
    const delta = adjusted - security.current;
    cashAfter = cashAfter.minus(price.times(delta));
    const tradeType = delta > 0 ? 'BUY' : delta < 0 ? 'SELL' : null;
    if (tradeType !== null) trades.push({ securityId: security.id, transactionType: tradeType, quantity: Math.abs(delta) });
    const before = price.times(security.current);
    const after = price.times(adjusted);
    return {
      securityId: security.id,
      price: plain(price),
      originalQuantity: security.current,
      adjustedQuantity: adjusted,
      originalMarketValue: fixed(before, 3),
      adjustedMarketValue: fixed(after, 3),
      target: security.targetText,
      lowDrift: security.lowText,
      highDrift: security.highText,
      originalActual: fixed(weightOf(before, marketValue), 4),
      actual: fixed(weightOf(after, marketValue), 4),
      originalActualDrift: driftOf(weightOf(before, marketValue), security.targetText),
      actualDrift: driftOf(weightOf(after, marketValue), security.targetText),
      tradeType,
      tradeQuantity: Math.abs(delta),
    };
  });
  return { marketValue: plain(marketValue), cashBefore: plain(cashBefore), cashAfter: plain(cashAfter), positions, trades };
}

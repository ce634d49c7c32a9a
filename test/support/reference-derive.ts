/**
 * The derivation as it was before it went integer-native: decimal.js at 60 digits over the input
 * texts. Kept only as the reference the property tests compare the integer derivation against.
 */
import { Dec, fixed, plain } from '../../src/core/money/decimal.js';
import type { PositionOutcome, ProblemInput, RebalanceOutcome, TradeOrder } from '../../src/core/optimizer/index.js';

function weightOf(value: Dec, marketValue: Dec): Dec {
  return marketValue.isZero() ? new Dec(0) : value.div(marketValue);
}

function driftOf(weight: Dec, target: string): string | null {
  const t = new Dec(target);
  return t.isZero() ? null : fixed(new Dec(1).minus(weight.div(t)), 4);
}

/** `quantities` by security id; every security of the problem needs one. */
export function referenceDerive(input: ProblemInput, quantities: Record<string, number>): RebalanceOutcome {
  const weights = new Map(input.positions.map((p) => [p.securityId, p]));
  const held = new Map(input.holdings.map((h) => [h.securityId, h.quantity]));
  const ids = [...new Set([...weights.keys(), ...held.keys()])].sort();
  const cashBefore = new Dec(input.cash);
  const marketValue = ids.reduce((sum, id) => sum.plus(new Dec(input.prices[id] as string).times(held.get(id) ?? 0)), cashBefore);
  let cashAfter = cashBefore;
  const trades: TradeOrder[] = [];
  const positions = ids.map((id): PositionOutcome => {
    const price = new Dec(input.prices[id] as string);
    const current = held.get(id) ?? 0;
    const adjusted = quantities[id] as number;
    const delta = adjusted - current;
    cashAfter = cashAfter.minus(price.times(delta));
    const tradeType = delta > 0 ? 'BUY' : delta < 0 ? 'SELL' : null;
    if (tradeType !== null) trades.push({ securityId: id, transactionType: tradeType, quantity: Math.abs(delta) });
    const before = price.times(current);
    const after = price.times(adjusted);
    const target = weights.get(id)?.target ?? '0';
    return {
      securityId: id,
      price: plain(price),
      originalQuantity: current,
      adjustedQuantity: adjusted,
      originalMarketValue: fixed(before, 3),
      adjustedMarketValue: fixed(after, 3),
      target,
      lowDrift: weights.get(id)?.lowDrift ?? '0',
      highDrift: weights.get(id)?.highDrift ?? '0',
      originalActual: fixed(weightOf(before, marketValue), 4),
      actual: fixed(weightOf(after, marketValue), 4),
      originalActualDrift: driftOf(weightOf(before, marketValue), target),
      actualDrift: driftOf(weightOf(after, marketValue), target),
      tradeType,
      tradeQuantity: Math.abs(delta),
    };
  });
  return { marketValue: plain(marketValue), cashBefore: plain(cashBefore), cashAfter: plain(cashAfter), positions, trades };
}

/**
 * A rebalance in the form the worker stores it, built where it is derived (on the solver thread):
 * the positions already as the JSON text a result keeps, so what crosses back to the worker's
 * event loop is a handful of strings, not one object per position to clone and re-encode.
 */
import type { PositionOutcome, RebalanceOutcome } from '../core/optimizer/index.js';

/** One order of the rebalance, with the price it was derived at. */
export interface StoredTrade {
  securityId: string;
  transactionType: 'BUY' | 'SELL';
  quantity: number;
  price: string;
}

/** What a result and its orders need of one rebalance. */
export interface StoredRebalance {
  marketValue: string;
  cashBefore: string;
  cashAfter: string;
  /** Sorted by security id. */
  trades: StoredTrade[];
  /** `StoredPosition[]` as JSON, sorted by security id. */
  positionsJson: string;
}

function textOrNull(text: string | null): string {
  return text === null ? 'null' : `"${text}"`;
}

/**
 * `JSON.stringify` of the positions as `StoredPosition`s (`src/store/results-repository.ts`),
 * written directly rather than through one object per position (see `bench:path`, "stored
 * form"). Only the id can need escaping; every other text is a plain decimal the optimizer
 * validated or wrote, or a fixed word (test/unit/worker/stored-rebalance.test.ts checks the
 * text against JSON.stringify).
 */
function positionsJson(positions: readonly PositionOutcome[]): string {
  let json = '[';
  for (let i = 0; i < positions.length; i++) {
    const p = positions[i] as PositionOutcome;
    json +=
      `${i === 0 ? '' : ','}{"security_id":${JSON.stringify(p.securityId)},"price":"${p.price}",` +
      `"original_quantity":${p.originalQuantity},"adjusted_quantity":${p.adjustedQuantity},` +
      `"original_position_market_value":"${p.originalMarketValue}","adjusted_position_market_value":"${p.adjustedMarketValue}",` +
      `"target":"${p.target}","low_drift":"${p.lowDrift}","high_drift":"${p.highDrift}",` +
      `"actual_before":"${p.originalActual}","actual":"${p.actual}","actual_drift":${textOrNull(p.actualDrift)},` +
      `"transaction_type":${textOrNull(p.tradeType)},"trade_quantity":${p.tradeQuantity}}`;
  }
  return `${json}]`;
}

export function storedRebalance(outcome: RebalanceOutcome): StoredRebalance {
  const trades: StoredTrade[] = [];
  for (const p of outcome.positions) {
    if (p.tradeType !== null) trades.push({ securityId: p.securityId, transactionType: p.tradeType, quantity: p.tradeQuantity, price: p.price });
  }
  return {
    marketValue: outcome.marketValue,
    cashBefore: outcome.cashBefore,
    cashAfter: outcome.cashAfter,
    trades,
    positionsJson: positionsJson(outcome.positions),
  };
}

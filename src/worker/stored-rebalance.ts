/**
 * A rebalance in the form the worker stores it, built where it is derived (on the solver thread):
 * the positions already as the JSON text a result keeps, so what crosses back to the worker's
 * event loop is a handful of strings, not one object per position to clone and re-encode.
 */
import type { LotSale, PositionOutcome, RebalanceOutcome } from '../core/optimizer/index.js';
import { storedTaxSummary, type StoredTaxSummary } from '../store/tax-documents.js';

/** One order of the rebalance, with the price it was derived at. */
export interface StoredTrade {
  securityId: string;
  transactionType: 'BUY' | 'SELL';
  quantity: number;
  price: string;
  /** The lots a sell takes (tax-aware runs, holdings with lots). */
  lots?: LotSale[];
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
  /** Realized gains and estimated tax, when tax is enabled. */
  tax?: StoredTaxSummary;
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
function positionsJson(positions: readonly PositionOutcome[], lotsOf: ReadonlyMap<string, LotSale[]>): string {
  let json = '[';
  for (let i = 0; i < positions.length; i++) {
    const p = positions[i] as PositionOutcome;
    json +=
      `${i === 0 ? '' : ','}{"security_id":${JSON.stringify(p.securityId)},"price":"${p.price}",` +
      `"original_quantity":${p.originalQuantity},"adjusted_quantity":${p.adjustedQuantity},` +
      `"original_position_market_value":"${p.originalMarketValue}","adjusted_position_market_value":"${p.adjustedMarketValue}",` +
      `"target":"${p.target}","low_drift":"${p.lowDrift}","high_drift":"${p.highDrift}",` +
      `"actual_before":"${p.originalActual}","actual":"${p.actual}","actual_drift":${textOrNull(p.actualDrift)},` +
      `"transaction_type":${textOrNull(p.tradeType)},"trade_quantity":${p.tradeQuantity}${lotsJson(lotsOf.get(p.securityId))}}`;
  }
  return `${json}]`;
}

/** `,"lots":[…]` for a sell that takes lots, else nothing (a lot id may need escaping). */
function lotsJson(lots: readonly LotSale[] | undefined): string {
  if (lots === undefined) return '';
  const items = lots.map((l) => `{"lot_id":${JSON.stringify(l.lotId)},"quantity":${l.quantity},"realized_gain":"${l.realizedGain}","term":"${l.term}"}`);
  return `,"lots":[${items.join(',')}]`;
}

export function storedRebalance(outcome: RebalanceOutcome): StoredRebalance {
  const lotsOf = new Map<string, LotSale[]>();
  for (const t of outcome.trades) if (t.lots !== undefined) lotsOf.set(t.securityId, t.lots);
  const trades: StoredTrade[] = [];
  for (const p of outcome.positions) {
    if (p.tradeType === null) continue;
    const lots = lotsOf.get(p.securityId);
    const trade: StoredTrade = { securityId: p.securityId, transactionType: p.tradeType, quantity: p.tradeQuantity, price: p.price };
    trades.push(lots === undefined ? trade : { ...trade, lots });
  }
  const stored: StoredRebalance = {
    marketValue: outcome.marketValue,
    cashBefore: outcome.cashBefore,
    cashAfter: outcome.cashAfter,
    trades,
    positionsJson: positionsJson(outcome.positions, lotsOf),
  };
  if (outcome.tax !== undefined) stored.tax = storedTaxSummary(outcome.tax);
  return stored;
}

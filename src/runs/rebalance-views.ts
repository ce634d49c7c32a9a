import type { ResultDocument, StoredPosition } from '../store/results-repository.js';
import { positionsOf } from '../store/results-repository.js';
import type { RebalanceDocument } from '../store/rebalances-repository.js';

/** Exact decimal text to a JSON number, only here at the v1 edge (the portal expects numbers). */
function num(text: string | null): number | null {
  return text === null ? null : Number(text);
}

/** One portfolio of the v1 rebalance answer (POST …/rebalance). Weights stay decimal strings, as in the models API. */
export function toV1RebalanceItem(result: ResultDocument, rebalanceId: string, tradeDate: Date) {
  const positions = positionsOf(result);
  return {
    portfolio_id: result.portfolio_id,
    rebalance_id: rebalanceId,
    transactions: positions
      .filter((p) => p.transaction_type !== null)
      .map((p) => ({ transaction_type: p.transaction_type, security_id: p.security_id, quantity: p.trade_quantity, trade_date: tradeDate.toISOString() })),
    drifts: positions.map((p) => ({
      security_id: p.security_id,
      original_quantity: p.original_quantity,
      adjusted_quantity: p.adjusted_quantity,
      target: p.target,
      high_drift: p.high_drift,
      low_drift: p.low_drift,
      actual: p.actual,
    })),
  };
}

function toStoredPositionJson(p: StoredPosition, tradeDate: Date) {
  return {
    security_id: p.security_id,
    price: num(p.price),
    original_quantity: p.original_quantity,
    adjusted_quantity: p.adjusted_quantity,
    original_position_market_value: num(p.original_position_market_value),
    adjusted_position_market_value: num(p.adjusted_position_market_value),
    target: num(p.target),
    high_drift: num(p.high_drift),
    low_drift: num(p.low_drift),
    actual: num(p.actual),
    actual_drift: num(p.actual_drift),
    transaction_type: p.transaction_type,
    trade_quantity: p.trade_quantity,
    trade_date: p.transaction_type === null ? null : tradeDate.toISOString(),
  };
}

/** Positions of one portfolio of a stored rebalance. */
export function toStoredPositions(result: ResultDocument, tradeDate: Date) {
  return positionsOf(result).map((p) => toStoredPositionJson(p, tradeDate));
}

/** One portfolio of a stored rebalance; `cash_after_rebalance` is the real cash after the trades. */
export function toStoredPortfolio(result: ResultDocument, tradeDate: Date) {
  return {
    portfolio_id: result.portfolio_id,
    market_value: num(result.market_value),
    cash_before_rebalance: num(result.cash_before),
    cash_after_rebalance: num(result.cash_after),
    positions: toStoredPositions(result, tradeDate),
  };
}

/** A stored rebalance with a page of its portfolios. `run_id` is an addition to the v1 shape. */
export function toStoredRebalance(header: RebalanceDocument, count: number, portfolios: readonly ResultDocument[]) {
  return {
    rebalance_id: header._id,
    model_id: header.model_id,
    model_name: header.model_name,
    rebalance_date: header.rebalance_date.toISOString(),
    number_of_portfolios: count,
    portfolios: portfolios.map((r) => toStoredPortfolio(r, header.rebalance_date)),
    version: header.version,
    created_at: header.created_at.toISOString(),
    run_id: header.run_id,
  };
}

import { orderId, type OrderDocument } from '../store/orders-repository.js';
import { tickersOf, type ResultDocument, type StoredPosition } from '../store/results-repository.js';

/** Which portfolios of a proposal an approval covers. */
export interface ApprovalScope {
  /** Only these portfolios; null means all. */
  include: ReadonlySet<string> | null;
  exclude: ReadonlySet<string>;
}

export function isApproved(scope: ApprovalScope, portfolioId: string): boolean {
  return (scope.include === null || scope.include.has(portfolioId)) && !scope.exclude.has(portfolioId);
}

/**
 * The orders of one optimal result, identical to the ones an `execute` run writes for the same
 * trades (same deterministic `_id`, quantity, price and trade date), so writing them again is a no-op.
 */
export function ordersOfResult(
  runId: string,
  tradeDate: Date,
  result: Pick<ResultDocument, 'model_id' | 'portfolio_id' | 'portfolio_name' | 'tickers_json'> & { positions_json?: string },
): OrderDocument[] {
  const positions = JSON.parse(result.positions_json ?? '[]') as StoredPosition[];
  const tickers = tickersOf(result);
  return positions
    .filter((p) => p.transaction_type !== null && p.trade_quantity > 0)
    .map((p) => ({
      _id: orderId(runId, result.model_id, result.portfolio_id, p.security_id),
      run_id: runId,
      model_id: result.model_id,
      portfolio_id: result.portfolio_id,
      portfolio_name: result.portfolio_name ?? null,
      security_id: p.security_id,
      ticker: tickers[p.security_id] ?? null,
      transaction_type: p.transaction_type!,
      quantity: p.trade_quantity,
      price: p.price,
      trade_date: tradeDate,
      ...(p.lots === undefined ? {} : { lots: p.lots }),
    }));
}

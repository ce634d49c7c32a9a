import { FINAL_RUN_STATUSES, ZERO_COUNTS, type RunCounts, type RunDocument } from '../store/run-documents.js';
import { positionsOf, tickersOf, type ResultDocument } from '../store/results-repository.js';
import type { OrderDocument } from '../store/orders-repository.js';

/** Run JSON of the native API. */
export function toRunJson(run: RunDocument, counts: RunCounts) {
  const self = `/api/v1/runs/${run._id}`;
  const end = run.finished_at ?? (run.started_at ? new Date() : null);
  return {
    run_id: run._id,
    status: run.status,
    mode: run.mode ?? 'execute',
    total: run.total,
    ...counts,
    selection: run.selection,
    options: run.options,
    priority: run.priority,
    reason: run.reason,
    created_at: run.created_at.toISOString(),
    started_at: run.started_at?.toISOString() ?? null,
    finished_at: run.finished_at?.toISOString() ?? null,
    elapsed_ms: run.started_at && end ? end.getTime() - run.started_at.getTime() : null,
    links: { self, results: `${self}/results`, orders: `${self}/orders`, summary: `${self}/summary`, cancel: `${self}/cancel` },
  };
}

export type RunJson = ReturnType<typeof toRunJson>;

export function isFinal(run: RunDocument): boolean {
  return FINAL_RUN_STATUSES.includes(run.status);
}

/** Final counts once stored; otherwise the live sum of chunk outcomes. */
export function countsFor(run: RunDocument, live: Map<string, RunCounts>): RunCounts {
  return run.final_counts ?? live.get(run._id) ?? { ...ZERO_COUNTS };
}

/** Result JSON of the native API: amounts as decimal strings (a row read without positions has `positions: []`). */
export function toResultJson(doc: ResultDocument, modelName: string | null = null) {
  const tickers = tickersOf(doc);
  return {
    portfolio_id: doc.portfolio_id,
    portfolio_name: doc.portfolio_name ?? null,
    model_id: doc.model_id,
    model_name: modelName,
    status: doc.status,
    reason: doc.reason,
    code: doc.error_code ?? null,
    market_value: doc.market_value,
    cash_before: doc.cash_before,
    cash_after: doc.cash_after,
    trade_count: doc.trade_count,
    positions: positionsOf(doc).map((p) => ({
      security_id: p.security_id,
      ticker: tickers[p.security_id] ?? null,
      price: p.price,
      original_quantity: p.original_quantity,
      adjusted_quantity: p.adjusted_quantity,
      target: p.target,
      low_drift: p.low_drift,
      high_drift: p.high_drift,
      actual_before: p.actual_before,
      actual: p.actual,
      actual_drift: p.actual_drift,
      transaction_type: p.transaction_type,
      trade_quantity: p.trade_quantity,
      ...(p.lots === undefined ? {} : { lots: p.lots }),
    })),
    ...(doc.tax === undefined ? {} : { tax: doc.tax }),
  };
}

export function toOrderJson(doc: OrderDocument) {
  return {
    order_id: doc._id,
    run_id: doc.run_id,
    portfolio_id: doc.portfolio_id,
    portfolio_name: doc.portfolio_name ?? null,
    model_id: doc.model_id,
    security_id: doc.security_id,
    ticker: doc.ticker ?? null,
    transaction_type: doc.transaction_type,
    quantity: doc.quantity,
    price: doc.price,
    trade_date: doc.trade_date.toISOString(),
    after_cancel: doc.after_cancel === true,
    ...(doc.lots === undefined ? {} : { lots: doc.lots }),
  };
}

import { deriveRebalance } from '../core/optimizer/index.js';
import type { ProblemInput } from '../core/optimizer/types.js';
import type { RunItem } from '../queue/index.js';
import type { PoolResult } from '../solver-pool/index.js';
import { orderId, type OrderDocument } from '../store/orders-repository.js';
import { resultId, type ResultDocument, type ResultStatus } from '../store/results-repository.js';
import type { RunCounts } from '../store/run-documents.js';
import { storedLotSales } from '../store/tax-documents.js';
import { storedRebalance, type StoredRebalance } from './stored-rebalance.js';

/** What a run and a chunk contribute to every document written. */
export interface ChunkContext {
  runId: string;
  /** Orders carry the run's date, so a re-delivered chunk writes identical orders. */
  tradeDate: Date;
  now: Date;
  /** Names and tickers the market-data source had; absent before market data is loaded. */
  labels?: ChunkLabels;
}

/**
 * Display labels of a chunk's portfolios and securities. They are written onto its results and
 * orders, so pages show names without reading anything else (reads stay by key).
 */
export interface ChunkLabels {
  portfolioNames: ReadonlyMap<string, string>;
  tickers: ReadonlyMap<string, string>;
}

/** The tickers known for these securities, or undefined when none is. */
function tickersOf(ctx: ChunkContext, securityIds: Iterable<string>): Record<string, string> | undefined {
  const known = ctx.labels?.tickers;
  if (!known || known.size === 0) return undefined;
  const tickers: Record<string, string> = {};
  let any = false;
  for (const id of securityIds) {
    const ticker = known.get(id);
    if (ticker) {
      tickers[id] = ticker;
      any = true;
    }
  }
  return any ? tickers : undefined;
}

/** The portfolio as it stands, for results that did not solve (so people still see the drift before). */
function unchanged(problem: ProblemInput): StoredRebalance | null {
  // Every security of the problem: the model's (unheld ones at 0) and the holdings.
  const quantities: Record<string, number> = {};
  for (const p of problem.positions) quantities[p.securityId] = 0;
  for (const h of problem.holdings) quantities[h.securityId] = h.quantity;
  try {
    return storedRebalance(deriveRebalance(problem, { status: 'optimal', path: 'fast', quantities, objective: null, reason: null, solveMs: 0 }));
  } catch {
    return null;
  }
}

/** A result document for one item. `outcome` is the rebalance (optimal) or the standing portfolio. */
export function resultDocument(
  ctx: ChunkContext,
  item: RunItem,
  status: ResultStatus,
  reason: string | null,
  outcome: StoredRebalance | null,
  errorCode: string | null = null,
): ResultDocument {
  return {
    _id: resultId(ctx.runId, item.modelId, item.portfolioId),
    run_id: ctx.runId,
    model_id: item.modelId,
    portfolio_id: item.portfolioId,
    portfolio_name: ctx.labels?.portfolioNames.get(item.portfolioId) ?? null,
    status,
    reason,
    error_code: errorCode,
    market_value: outcome?.marketValue ?? null,
    cash_before: outcome?.cashBefore ?? null,
    cash_after: status === 'optimal' ? (outcome?.cashAfter ?? null) : (outcome?.cashBefore ?? null),
    trade_count: status === 'optimal' ? (outcome?.trades.length ?? 0) : 0,
    positions_json: outcome?.positionsJson ?? '[]',
    ...(status === 'optimal' && outcome?.tax !== undefined ? { tax: outcome.tax } : {}),
    created_at: ctx.now,
  };
}

/** The result and orders of one solved (or unsolved) problem. */
export function documentsForSolve(ctx: ChunkContext, item: RunItem, problem: ProblemInput, solved: PoolResult<StoredRebalance>): { result: ResultDocument; orders: OrderDocument[] } {
  const tickers = tickersOf(ctx, [...problem.positions.map((p) => p.securityId), ...problem.holdings.map((h) => h.securityId)]);
  const tickersJson = tickers ? JSON.stringify(tickers) : undefined;
  const labelled = (result: ResultDocument): ResultDocument => (tickersJson ? { ...result, tickers_json: tickersJson } : result);
  if (solved.status !== 'optimal') {
    const outcome = solved.status === 'infeasible' || solved.status === 'timeout' ? unchanged(problem) : null;
    const code = solved.status === 'failed' ? 'SOLVER_FAILED' : null;
    return { result: labelled(resultDocument(ctx, item, solved.status, solved.reason, outcome, code)), orders: [] };
  }
  const outcome = solved.rebalance ?? storedRebalance(deriveRebalance(problem, solved));
  const portfolioName = ctx.labels?.portfolioNames.get(item.portfolioId) ?? null;
  const orders = outcome.trades.map((t) => ({
    _id: orderId(ctx.runId, item.modelId, item.portfolioId, t.securityId),
    run_id: ctx.runId,
    model_id: item.modelId,
    portfolio_id: item.portfolioId,
    portfolio_name: portfolioName,
    security_id: t.securityId,
    ticker: tickers?.[t.securityId] ?? null,
    transaction_type: t.transactionType,
    quantity: t.quantity,
    price: t.price,
    trade_date: ctx.tradeDate,
    ...(t.lots === undefined ? {} : { lots: storedLotSales(t.lots) }),
  }));
  return { result: labelled(resultDocument(ctx, item, 'optimal', null, outcome)), orders };
}

/** Counts by outcome and orders, from the stored results. `invalid` counts as failed. */
export function countStatuses(results: Iterable<{ status: ResultStatus; trade_count: number }>): RunCounts {
  const counts: RunCounts = { processed: 0, succeeded: 0, infeasible: 0, timed_out: 0, failed: 0, orders: 0 };
  for (const { status, trade_count } of results) {
    counts.processed += 1;
    counts.orders += trade_count;
    if (status === 'optimal') counts.succeeded += 1;
    else if (status === 'infeasible') counts.infeasible += 1;
    else if (status === 'timeout') counts.timed_out += 1;
    else counts.failed += 1;
  }
  return counts;
}

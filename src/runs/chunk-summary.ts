import { Decimal } from 'decimal.js';
import { positionsOf, tickersOf, type ResultDocument } from '../store/results-repository.js';
import type { ChunkSummary, SecurityTrades } from '../store/run-summaries-repository.js';

/** Histogram lower edges of a portfolio's largest band breach, in weight percentage points (0 = inside every band). */
export const BREACH_EDGES = [0, 0.001, 0.25, 0.5, 1, 2, 5, 10] as const;
/** Histogram lower edges of a portfolio's turnover, in percent of its market value. */
export const TURNOVER_EDGES = [0, 0.001, 0.5, 1, 2, 5, 10, 20, 50] as const;
/** Securities kept per chunk for the run's top list; a chunk trading more keeps the largest by value. */
export const SECURITIES_PER_CHUNK = 500;

/** Index of the histogram bucket whose lower edge is the largest one ≤ value. */
export function bucketOf(edges: readonly number[], value: number): number {
  let i = 0;
  while (i + 1 < edges.length && value >= edges[i + 1]!) i++;
  return i;
}

/** A portfolio's largest distance outside any band, in weight percentage points; 0 when all inside. */
export function largestBreach(positions: readonly { target: string; low_drift: string; high_drift: string }[], weightOf: (i: number) => string): number {
  let worst = 0;
  positions.forEach((p, i) => {
    const weight = Number(weightOf(i));
    const low = Number(p.target) - Number(p.low_drift);
    const high = Number(p.target) + Number(p.high_drift);
    worst = Math.max(worst, low - weight, weight - high);
  });
  // Weights are stored to 4 places; below that the distance is rounding, not a breach.
  return worst > 5e-5 ? Math.round(worst * 1e6) / 1e4 : 0;
}

/** Aggregates one chunk's results into its summary. Pure: results in, summary out. */
export function summarizeChunk(results: readonly ResultDocument[]): ChunkSummary {
  const summary: ChunkSummary = {
    processed: results.length,
    breach_before: BREACH_EDGES.map(() => 0),
    breach_after: BREACH_EDGES.map(() => 0),
    turnover: TURNOVER_EDGES.map(() => 0),
    buy_value: '0',
    sell_value: '0',
    securities: [],
    non_optimal: [],
    optimal_by_model: {},
  };
  let buy = new Decimal(0);
  let sell = new Decimal(0);
  const bySecurity: SecurityTotals = new Map();
  for (const result of results) {
    const positions = positionsOf(result);
    const tickers = tickersOf(result);
    if (positions.length > 0) summary.breach_before[bucketOf(BREACH_EDGES, largestBreach(positions, (i) => positions[i]!.actual_before))]! += 1;
    if (result.status !== 'optimal') {
      summary.non_optimal.push({ id: result._id, status: result.status });
      continue;
    }
    summary.optimal_by_model[result.model_id] = (summary.optimal_by_model[result.model_id] ?? 0) + 1;
    summary.breach_after[bucketOf(BREACH_EDGES, largestBreach(positions, (i) => positions[i]!.actual))]! += 1;
    let traded = new Decimal(0);
    for (const p of positions) {
      if (!p.transaction_type || p.trade_quantity === 0) continue;
      const value = new Decimal(p.price).times(Math.abs(p.trade_quantity));
      traded = traded.plus(value);
      const entry = bySecurity.get(p.security_id) ?? { buy: new Decimal(0), sell: new Decimal(0), orders: 0, ticker: tickers[p.security_id] };
      if (p.transaction_type === 'BUY') entry.buy = entry.buy.plus(value);
      else entry.sell = entry.sell.plus(value);
      entry.orders += 1;
      bySecurity.set(p.security_id, entry);
      if (p.transaction_type === 'BUY') buy = buy.plus(value);
      else sell = sell.plus(value);
    }
    const marketValue = new Decimal(result.market_value ?? 0);
    const turnover = marketValue.isZero() ? 0 : traded.div(marketValue).times(100).toNumber();
    summary.turnover[bucketOf(TURNOVER_EDGES, turnover)]! += 1;
  }
  summary.buy_value = buy.toFixed();
  summary.sell_value = sell.toFixed();
  summary.securities = rankSecurities(bySecurity, SECURITIES_PER_CHUNK);
  return summary;
}

/** Traded value per security while summing. */
export type SecurityTotals = Map<string, { buy: Decimal; sell: Decimal; orders: number; ticker?: string | undefined }>;

/** The `n` securities with the largest traded value (buys + sells), ties by id, as decimal strings. */
export function rankSecurities(totals: SecurityTotals, n: number): SecurityTrades[] {
  return [...totals.entries()]
    .sort((a, b) => b[1].buy.plus(b[1].sell).comparedTo(a[1].buy.plus(a[1].sell)) || a[0].localeCompare(b[0]))
    .slice(0, n)
    .map(([security_id, e]) => ({ security_id, ...(e.ticker ? { ticker: e.ticker } : {}), buy_value: e.buy.toFixed(), sell_value: e.sell.toFixed(), orders: e.orders }));
}

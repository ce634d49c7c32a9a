import { Decimal } from 'decimal.js';
import type { ChunkSummary } from '../store/run-summaries-repository.js';
import { BREACH_EDGES, TURNOVER_EDGES, rankSecurities, type SecurityTotals } from './chunk-summary.js';

/** Securities listed in a run summary. */
const TOP_SECURITIES = 10;

/** A run's summary JSON (read contract): the per-chunk summaries merged, nothing scanned. */
export interface RunSummaryJson {
  run_id: string;
  processed: number;
  breach_before: { buckets: number[]; counts: number[] };
  breach_after: { buckets: number[]; counts: number[] };
  turnover: { buckets: number[]; counts: number[] };
  buy_value: string;
  sell_value: string;
  top_securities: { security_id: string; ticker?: string; buy_value: string; sell_value: string; orders: number }[];
}

function addInto(sum: number[], add: readonly number[]): void {
  add.forEach((n, i) => (sum[i] = (sum[i] ?? 0) + n));
}

/**
 * Merges chunk summaries (any order) into one summary of the same form, every security kept:
 * merging that with more chunks later gives what merging them all at once gives, so a live
 * run's summary is kept merged and only chunks finished since are added to it.
 */
export function combineSummaries(chunks: Iterable<ChunkSummary>): ChunkSummary {
  const merged: ChunkSummary = {
    processed: 0, breach_before: BREACH_EDGES.map(() => 0), breach_after: BREACH_EDGES.map(() => 0), turnover: TURNOVER_EDGES.map(() => 0),
    buy_value: '0', sell_value: '0', securities: [], non_optimal: [], optimal_by_model: {},
  };
  let buy = new Decimal(0);
  let sell = new Decimal(0);
  const securities: SecurityTotals = new Map();
  for (const chunk of chunks) {
    merged.processed += chunk.processed;
    addInto(merged.breach_before, chunk.breach_before);
    addInto(merged.breach_after, chunk.breach_after);
    addInto(merged.turnover, chunk.turnover);
    buy = buy.plus(chunk.buy_value);
    sell = sell.plus(chunk.sell_value);
    for (const s of chunk.securities) {
      const entry = securities.get(s.security_id) ?? { buy: new Decimal(0), sell: new Decimal(0), orders: 0, ticker: s.ticker };
      entry.buy = entry.buy.plus(s.buy_value);
      entry.sell = entry.sell.plus(s.sell_value);
      entry.orders += s.orders;
      securities.set(s.security_id, entry);
    }
  }
  merged.buy_value = buy.toFixed();
  merged.sell_value = sell.toFixed();
  merged.securities = rankSecurities(securities, securities.size);
  return merged;
}

/** Merges chunk summaries (any order) into the run's. Exact sums; money stays decimal. */
export function mergeSummaries(runId: string, chunks: Iterable<ChunkSummary>): RunSummaryJson {
  return summaryJson(runId, combineSummaries(chunks));
}

/** The run's summary JSON from chunk summaries already combined: the top securities of its ranking. */
export function summaryJson(runId: string, merged: ChunkSummary): RunSummaryJson {
  return {
    run_id: runId,
    processed: merged.processed,
    breach_before: { buckets: [...BREACH_EDGES], counts: [...merged.breach_before] },
    breach_after: { buckets: [...BREACH_EDGES], counts: [...merged.breach_after] },
    turnover: { buckets: [...TURNOVER_EDGES], counts: [...merged.turnover] },
    buy_value: merged.buy_value,
    sell_value: merged.sell_value,
    top_securities: merged.securities.slice(0, TOP_SECURITIES),
  };
}

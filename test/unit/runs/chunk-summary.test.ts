import { describe, expect, it } from '@jest/globals';
import { BREACH_EDGES, bucketOf, largestBreach, summarizeChunk } from '../../../src/runs/chunk-summary.js';
import { combineSummaries, mergeSummaries } from '../../../src/runs/run-summary.js';
import type { ResultDocument } from '../../../src/store/results-repository.js';

const pos = (actualBefore: string, actual: string, trade: number, price = '10.5') => ({
  security_id: 'S'.repeat(24), price, original_quantity: 10, adjusted_quantity: 10 + trade,
  original_position_market_value: '0', adjusted_position_market_value: '0', target: '0.10', low_drift: '0.02', high_drift: '0.03',
  actual_before: actualBefore, actual, actual_drift: null, transaction_type: trade > 0 ? ('BUY' as const) : trade < 0 ? ('SELL' as const) : null, trade_quantity: trade,
});

function result(id: string, status: ResultDocument['status'], positions: ReturnType<typeof pos>[], marketValue = '1000'): ResultDocument {
  return { _id: id, run_id: 'r', model_id: 'm', portfolio_id: id, status, reason: null, error_code: null, market_value: marketValue,
    cash_before: '0', cash_after: '0', trade_count: positions.filter((p) => p.transaction_type).length, positions_json: JSON.stringify(positions), created_at: new Date(0) };
}

describe('when a chunk is summarised, then its aggregates are exact', () => {
  it('when a weight is outside its band, then the breach is its distance in weight percentage points; inside is 0', () => {
    const band = [{ target: '0.10', low_drift: '0.02', high_drift: '0.03' }];
    expect(largestBreach(band, () => '0.05')).toBe(3);
    expect(largestBreach(band, () => '0.1350')).toBe(0.5);
    expect(largestBreach(band, () => '0.08')).toBe(0);
    expect(bucketOf(BREACH_EDGES, 0)).toBe(0);
    expect(bucketOf(BREACH_EDGES, 3)).toBe(BREACH_EDGES.indexOf(2));
  });

  it('when results are summed, then buys, sells, turnover, non-optimal ids and per-model counts add up', () => {
    const chunk = summarizeChunk([
      result('a', 'optimal', [pos('0.05', '0.10', 4), pos('0.10', '0.10', 0)]),
      result('b', 'optimal', [pos('0.20', '0.12', -2)]),
      result('c', 'infeasible', [pos('0.05', '0.05', 0)]),
    ]);
    expect(chunk).toMatchObject({ processed: 3, buy_value: '42', sell_value: '21', non_optimal: [{ id: 'c', status: 'infeasible' }], optimal_by_model: { m: 2 } });
    expect(chunk.breach_before.reduce((x, y) => x + y, 0)).toBe(3);
    expect(chunk.breach_after[0]).toBe(2);
    expect(chunk.turnover.reduce((x, y) => x + y, 0)).toBe(2);
    const run = mergeSummaries('r', [chunk, chunk]);
    expect(run).toMatchObject({ processed: 6, buy_value: '84', sell_value: '42', top_securities: [{ security_id: 'S'.repeat(24), buy_value: '84', sell_value: '42', orders: 4 }] });
  });

  it('when chunks are merged in steps (a live run\'s summary kept merged), then the run summary equals merging them all at once', () => {
    const sec = (id: string, trade: number, price: string) => ({ ...pos('0.05', '0.10', trade, price), security_id: id.repeat(24) });
    const chunks = Array.from({ length: 15 }, (_, c) => summarizeChunk([
      result(`a${c}`, 'optimal', [sec(String.fromCharCode(65 + (c % 12)), c + 1, '10.25'), sec('Z', -(c % 3) - 1, '3.1')]),
      result(`b${c}`, c % 4 === 0 ? 'timeout' : 'optimal', [sec(String.fromCharCode(66 + (c % 11)), 2, '0.333')]),
    ]));
    const once = mergeSummaries('r', chunks);
    let kept = combineSummaries([]);
    for (let c = 0; c < chunks.length; c += 4) kept = combineSummaries([kept, ...chunks.slice(c, c + 4)]);
    expect(mergeSummaries('r', [kept])).toEqual(once);
    expect(once.top_securities).toHaveLength(10);
    expect(once.processed).toBe(30);
  });
});

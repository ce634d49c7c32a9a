import { describe, expect, it } from '@jest/globals';
import { summarizeChunk } from '../../../src/runs/chunk-summary.js';
import { decodeCursor, orderPage, resultPage, type PageSources } from '../../../src/runs/run-pages.js';
import { chunkJobId } from '../../../src/queue/chunk-job.js';
import { resultId, type ResultDocument } from '../../../src/store/results-repository.js';
import type { RunChunkDocument } from '../../../src/store/run-documents.js';
import type { ChunkSummaryDocument } from '../../../src/store/run-summaries-repository.js';

const RUN = 'run1';
const MODEL = 'm1';
const PER_CHUNK = 10;

function positions(optimal: boolean) {
  if (!optimal) return '[]';
  return JSON.stringify([{ security_id: 'A', price: '10', original_quantity: 1, adjusted_quantity: 2, original_position_market_value: '10', adjusted_position_market_value: '20',
    target: '0.5', low_drift: '0.01', high_drift: '0.01', actual_before: '0.4', actual: '0.5', actual_drift: null, transaction_type: 'BUY', trade_quantity: 1 }]);
}

/**
 * A run of `chunks` chunks stored in memory; `stored` chunks have results and a summary (the
 * others are in flight). Portfolio `p<c>-<i>` is infeasible when `infeasible(c, i)`. Every read
 * is counted, per kind and per chunk, so a test can say what a page must not touch.
 */
function run(chunks: number, stored: ReadonlySet<number>, infeasible: (c: number, i: number) => boolean) {
  const plan = new Map<number, RunChunkDocument>();
  const summaries = new Map<number, ChunkSummaryDocument>();
  const results = new Map<string, ResultDocument>();
  for (let c = 0; c < chunks; c++) {
    const items = Array.from({ length: PER_CHUNK }, (_, i) => ({ model_id: MODEL, portfolio_id: `p${c}-${i}` }));
    plan.set(c, { _id: chunkJobId(RUN, c), run_id: RUN, index: c, items });
    if (!stored.has(c)) continue;
    const docs = items.map(({ portfolio_id: p }, i): ResultDocument => {
      const bad = infeasible(c, i);
      return { _id: resultId(RUN, MODEL, p), run_id: RUN, model_id: MODEL, portfolio_id: p, status: bad ? 'infeasible' : 'optimal', reason: null, error_code: null,
        market_value: '100', cash_before: '0', cash_after: '0', trade_count: bad ? 0 : 1, positions_json: positions(!bad), created_at: new Date(0) };
    });
    for (const d of docs) results.set(d._id, d);
    summaries.set(c, { _id: chunkJobId(RUN, c), run_id: RUN, index: c, ...summarizeChunk(docs) });
  }
  const reads = { chunks: [] as number[], summaries: [] as number[], results: 0, resultMisses: 0 };
  const src: PageSources = {
    chunks: async (_r, indexes) => {
      reads.chunks.push(...indexes);
      return new Map(indexes.flatMap((i) => (plan.has(i) ? [[i, plan.get(i)!] as const] : [])));
    },
    summaries: async (_r, indexes) => {
      reads.summaries.push(...indexes);
      return new Map(indexes.flatMap((i) => (summaries.has(i) ? [[i, summaries.get(i)!] as const] : [])));
    },
    results: async (ids) => {
      reads.results += ids.length;
      reads.resultMisses += ids.filter((id) => !results.has(id)).length;
      return ids.flatMap((id) => results.get(id) ?? []);
    },
    orders: async (ids) => ids.map((id) => ({ _id: id }) as never),
  };
  return { src, reads };
}

describe('when a run is paged by key, then a page reads only what it lists', () => {
  it('when the run is live, then chunks still in flight are passed over without a read of their plan or results', async () => {
    const done = new Set([0, 2, 5]);
    const { src, reads } = run(8, done, () => false);
    const walk = { runId: RUN, chunkCount: 8, done };
    const items: string[] = [];
    let after: string | undefined;
    do {
      const page = await resultPage(src, walk, { after, offset: 0, limit: 7 });
      items.push(...page.items.map((r) => r.portfolio_id));
      after = page.next ?? undefined;
    } while (after);
    expect(items).toEqual([0, 2, 5].flatMap((c) => Array.from({ length: PER_CHUNK }, (_, i) => `p${c}-${i}`)));
    expect(new Set(reads.chunks)).toEqual(done);
    expect(reads.resultMisses).toBe(0);
  });

  it('when the run is final, then every chunk is walked in plan order (no done set)', async () => {
    const all = new Set([0, 1, 2]);
    const { src } = run(3, all, () => false);
    const page = await resultPage(src, { runId: RUN, chunkCount: 3 }, { offset: 0, limit: 25 });
    expect(page.items.map((r) => r.portfolio_id)).toEqual([0, 1, 2].flatMap((c) => Array.from({ length: PER_CHUNK }, (_, i) => `p${c}-${i}`)).slice(0, 25));
    expect(decodeCursor(page.next!)).toEqual({ chunk: 2, item: 5, pos: 0 });
  });

  it('when non-optimal results are listed, then chunks whose summary has none are not read at all, and only the listed results are read', async () => {
    const all = new Set(Array.from({ length: 40 }, (_, c) => c));
    // Two infeasible portfolios in the whole run, in chunks 7 and 33.
    const { src, reads } = run(40, all, (c, i) => (c === 7 && i === 3) || (c === 33 && i === 9));
    const page = await resultPage(src, { runId: RUN, chunkCount: 40, status: 'not_optimal' }, { offset: 0, limit: 25 });
    expect(page.items.map((r) => r.portfolio_id)).toEqual(['p7-3', 'p33-9']);
    expect(page.next).toBeNull();
    expect(reads.chunks).toEqual([7, 33]);
    expect(reads.results).toBe(2);
    expect(reads.summaries).toHaveLength(40);
  });

  it('when a filter names a model, then a summary listing only other models\' failures rules its chunk out', async () => {
    const all = new Set([0, 1]);
    const { src, reads } = run(2, all, (c, i) => c === 1 && i === 0);
    const page = await resultPage(src, { runId: RUN, chunkCount: 2, status: 'infeasible', modelId: 'another' }, { offset: 0, limit: 10 });
    expect(page.items).toEqual([]);
    expect(reads.chunks).toEqual([]);
  });

  it('when the source knows order ids per result, then an orders page walks result rows (no positions) and asks it for each result\'s ids', async () => {
    const all = new Set([0, 1]);
    const { src } = run(2, all, (c, i) => i === 0);
    const rowsAsked: boolean[] = [];
    const asked: string[] = [];
    const keyed: PageSources = {
      ...src,
      results: async (ids, rows) => {
        rowsAsked.push(rows === true);
        return src.results(ids, rows);
      },
      orderIds: async (row) => {
        asked.push(row.portfolio_id);
        return [`o-${row.portfolio_id}`];
      },
    };
    const page = await orderPage(keyed, { runId: RUN, chunkCount: 2 }, { limit: 12, ordersPerResult: 1 });
    expect(page.items.map((o) => o._id)).toEqual([...Array.from({ length: 9 }, (_, i) => `o-p0-${i + 1}`), 'o-p1-1', 'o-p1-2', 'o-p1-3']);
    expect(asked).toEqual(page.items.map((o) => o._id.slice(2)));
    expect(rowsAsked.every(Boolean)).toBe(true);
  });

  it('when orders of a live run are paged, then chunks in flight cost nothing and the orders of finished ones come in plan order', async () => {
    const done = new Set([1, 3]);
    const { src, reads } = run(5, done, (c, i) => i % 2 === 1);
    const page = await orderPage(src, { runId: RUN, chunkCount: 5, done }, { limit: 8, ordersPerResult: 1 });
    expect(page.items).toHaveLength(8);
    expect(reads.resultMisses).toBe(0);
    expect(reads.chunks.every((c) => done.has(c))).toBe(true);
  });
});

import type { Db } from 'mongodb';
import { summarizeChunk } from '../../../src/runs/chunk-summary.js';
import { chunkJobId } from '../../../src/queue/chunk-job.js';
import { orderId, type OrderDocument } from '../../../src/store/orders-repository.js';
import { resultId, type ResultDocument, type StoredPosition } from '../../../src/store/results-repository.js';
import type { RunChunkDocument, RunDocument } from '../../../src/store/run-documents.js';
import { RunSummariesRepository } from '../../../src/store/run-summaries-repository.js';

/** A finished run written straight to MongoDB, as the worker would have left it. */
export interface SeededRun {
  runId: string;
  modelId: string;
  results: ResultDocument[];
  orders: OrderDocument[];
}

const hex = (prefix: string, n: number) => `${prefix}${n.toString(16)}`.padStart(24, '0').slice(-24);

function position(security: string, price: string, before: number, after: number): StoredPosition {
  const trade = after - before;
  return {
    security_id: security,
    price,
    original_quantity: before,
    adjusted_quantity: after,
    original_position_market_value: String(before * Number(price)),
    adjusted_position_market_value: String(after * Number(price)),
    target: '0.5',
    low_drift: '0.02',
    high_drift: '0.02',
    actual_before: before === 0 ? '0' : '0.4',
    actual: '0.5',
    actual_drift: '0',
    transaction_type: trade > 0 ? 'BUY' : trade < 0 ? 'SELL' : null,
    trade_quantity: trade,
  };
}

/**
 * `chunks` × `perChunk` portfolios; every tenth infeasible; each optimal one buys security A
 * and sells B, plus `extraTrades` more securities (for volume).
 */
export async function seedRun(db: Db, tag: number, chunks: number, perChunk: number, extraTrades = 0): Promise<SeededRun> {
  const runId = hex('ab', tag);
  const modelId = hex('cd', tag);
  const created = new Date(Date.UTC(2026, 0, 1, 0, 0, tag));
  const results: ResultDocument[] = [];
  const orders: OrderDocument[] = [];
  // Large seeds (benchmarks) keep only the results in memory, not every order.
  const keep = chunks * perChunk * (2 + extraTrades) <= 100_000;
  let ordersSeeded = 0;
  const plan: RunChunkDocument[] = [];
  const summaries = new RunSummariesRepository(db);
  for (let c = 0; c < chunks; c++) {
    const items = Array.from({ length: perChunk }, (_, i) => ({ model_id: modelId, portfolio_id: `p${tag}-${String(c * perChunk + i).padStart(6, '0')}` }));
    plan.push({ _id: chunkJobId(runId, c), run_id: runId, index: c, items });
    const chunkResults = items.map(({ portfolio_id: pid }, i): ResultDocument => {
      const optimal = (c * perChunk + i) % 10 !== 3;
      const extra = Array.from({ length: extraTrades }, (_, k) => position(hex('5c', 3 + k), '5', 10, 11 + (k % 3)));
      const positions = optimal ? [position(hex('5a', 1), '10', 40, 50), position(hex('5b', 2), '20', 30, 25), ...extra] : [];
      return {
        _id: resultId(runId, modelId, pid), run_id: runId, model_id: modelId, portfolio_id: pid,
        status: optimal ? 'optimal' : 'infeasible', reason: optimal ? null : 'cash too short', error_code: null,
        market_value: optimal ? '1000' : null, cash_before: '0', cash_after: '0', trade_count: optimal ? 2 + extraTrades : 0,
        positions_json: JSON.stringify(positions), created_at: created,
      };
    });
    const chunkOrders: OrderDocument[] = [];
    for (const r of chunkResults) {
      for (const p of JSON.parse(r.positions_json) as StoredPosition[]) {
        if (!p.transaction_type) continue;
        chunkOrders.push({ _id: orderId(runId, modelId, r.portfolio_id, p.security_id), run_id: runId, model_id: modelId, portfolio_id: r.portfolio_id,
          security_id: p.security_id, transaction_type: p.transaction_type, quantity: Math.abs(p.trade_quantity), price: p.price, trade_date: created });
      }
    }
    results.push(...chunkResults);
    await summaries.record(runId, c, summarizeChunk(chunkResults));
    await db.collection('run_results').insertMany(chunkResults as never[]);
    for (let i = 0; i < chunkOrders.length; i += 1000) await db.collection('orders').insertMany(chunkOrders.slice(i, i + 1000) as never[]);
    orders.push(...(keep ? chunkOrders : []));
    ordersSeeded += chunkOrders.length;
  }
  const succeeded = results.filter((r) => r.status === 'optimal').length;
  const counts = { processed: results.length, succeeded, infeasible: results.length - succeeded, timed_out: 0, failed: 0, orders: ordersSeeded };
  const run: RunDocument = {
    _id: runId, status: 'completed_with_errors', selection: { model_ids: [modelId] }, options: {}, solve_options: {},
    priority: 1, kind: 'native', total: results.length, chunk_count: chunks, enqueued_chunks: chunks, model_ids: [modelId],
    final_counts: counts, reason: null, created_at: created, started_at: created, finished_at: created,
  };
  await db.collection('run_chunks').insertMany(plan as never[]);
  await db.collection('runs').insertOne(run as never);
  await db.collection('run_models').insertOne({ _id: `${runId}:${modelId}`, run_id: runId, model_id: modelId, name: `Model ${tag}`, positions: [] } as never);
  return { runId, modelId, results, orders };
}

import type { Db } from 'mongodb';
import { ORDERS_COLLECTION, type OrderDocument } from '../../../src/store/orders-repository.js';
import { RESULTS_COLLECTION, type ResultDocument, type StoredPosition } from '../../../src/store/results-repository.js';

/** The run as the API reports it (GET /api/v1/runs/{id}); only the fields the checks read. */
export interface RunJsonLike {
  status: string;
  total: number;
  processed?: number;
  succeeded: number;
  infeasible: number;
  timed_out?: number;
  failed: number;
}

/**
 * Everything a fault must not break, as a list of violations (empty when all hold): every
 * portfolio has exactly one result, orders equal trades one to one, and the run's counters
 * equal the stored results.
 */
export async function runViolations(db: Db, runId: string, run: RunJsonLike, portfolioIds: readonly string[]): Promise<string[]> {
  const problems: string[] = [];
  if (!['completed', 'completed_with_errors'].includes(run.status)) problems.push(`run status ${run.status}`);
  const results = await db.collection<ResultDocument>(RESULTS_COLLECTION).find({ run_id: runId }).toArray();
  const perPortfolio = new Map<string, number>();
  for (const r of results) perPortfolio.set(r.portfolio_id, (perPortfolio.get(r.portfolio_id) ?? 0) + 1);
  const missing = portfolioIds.filter((id) => !perPortfolio.has(id));
  const doubled = [...perPortfolio].filter(([, n]) => n > 1);
  if (missing.length) problems.push(`${missing.length} portfolios without a result (e.g. ${missing.slice(0, 3).join(', ')})`);
  if (doubled.length) problems.push(`${doubled.length} portfolios with more than one result`);
  if (results.length !== portfolioIds.length) problems.push(`${results.length} results for ${portfolioIds.length} portfolios`);

  const byStatus = (...statuses: string[]) => results.filter((r) => statuses.includes(r.status)).length;
  const expected = { total: portfolioIds.length, succeeded: byStatus('optimal'), infeasible: byStatus('infeasible'), failed: byStatus('invalid', 'failed') };
  const reported = { total: run.total, succeeded: run.succeeded, infeasible: run.infeasible, failed: run.failed };
  if (JSON.stringify(expected) !== JSON.stringify(reported)) problems.push(`counters ${JSON.stringify(reported)} ≠ stored ${JSON.stringify(expected)}`);
  if (run.timed_out !== undefined && run.timed_out !== byStatus('timeout')) problems.push(`timed_out ${run.timed_out} ≠ stored ${byStatus('timeout')}`);

  problems.push(...(await orderViolations(db, runId, results)));
  return problems;
}

async function orderViolations(db: Db, runId: string, results: ResultDocument[]): Promise<string[]> {
  const trades = new Map<string, string>();
  for (const r of results) {
    if (r.status !== 'optimal') continue;
    for (const p of JSON.parse(r.positions_json) as StoredPosition[]) {
      if (p.transaction_type) trades.set(`${r.model_id}/${r.portfolio_id}/${p.security_id}`, `${p.transaction_type} ${Math.abs(p.trade_quantity)}`);
    }
  }
  const orders = await db.collection<OrderDocument>(ORDERS_COLLECTION).find({ run_id: runId }).toArray();
  const seen = new Map<string, string>();
  const problems: string[] = [];
  for (const o of orders) {
    const key = `${o.model_id}/${o.portfolio_id}/${o.security_id}`;
    if (seen.has(key)) problems.push(`duplicate order ${key}`);
    seen.set(key, `${o.transaction_type} ${o.quantity}`);
  }
  const unmatched = [...trades].filter(([key, trade]) => seen.get(key) !== trade);
  const stray = [...seen].filter(([key]) => !trades.has(key));
  if (unmatched.length) problems.push(`${unmatched.length} trades without their order (e.g. ${unmatched[0]![0]}: ${unmatched[0]![1]} vs ${seen.get(unmatched[0]![0]) ?? 'none'})`);
  if (stray.length) problems.push(`${stray.length} orders without a trade`);
  return problems.slice(0, 10);
}

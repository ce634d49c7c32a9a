import { Router } from 'express';

/**
 * A small stand-in for the runs API (the shapes of DESIGN.md "Native: submit and poll"),
 * used only until the pipeline is wired into the app. A run advances by one chunk per poll.
 */
export function runsApiStub(): Router {
  const runs = new Map<string, { run: Record<string, unknown>; results: Record<string, unknown>[] }>();
  const router = Router();
  const sec = (i: number) => `sec${String(i).padStart(21, '0')}`;

  function result(i: number): Record<string, unknown> {
    const infeasible = i === 7;
    const positions = [0, 1, 2, 3].map((k) => ({
      security_id: sec(k),
      price: '25.50',
      original_quantity: 100 + k * 10,
      adjusted_quantity: infeasible ? 100 + k * 10 : 120 + k * 5,
      target: ['0.300', '0.250', '0.200', '0'][k],
      low_drift: '0.02',
      high_drift: k === 3 ? '0' : '0.03',
      actual_before: ['0.2100', '0.2900', '0.2300', '0.1500'][k],
      actual: infeasible ? ['0.2100', '0.2900', '0.2300', '0.1500'][k] : ['0.2990', '0.2510', '0.1995', '0.0000'][k],
      actual_drift: k === 3 ? null : '0.0033',
      transaction_type: infeasible ? null : k === 3 ? 'SELL' : 'BUY',
      trade_quantity: infeasible ? 0 : 10,
    }));
    return {
      portfolio_id: `pf${String(i).padStart(22, '0')}`,
      model_id: 'model00000000000000000001',
      status: infeasible ? 'infeasible' : 'optimal',
      reason: infeasible ? `cash too short: needs 1,204.50, has 310.00` : null,
      market_value: '1000000.000',
      cash_before: '50000.00',
      cash_after: infeasible ? '50000.00' : '1234.56',
      trade_count: infeasible ? 0 : 4,
      positions,
    };
  }

  function advance(entry: { run: Record<string, unknown>; results: Record<string, unknown>[] }): void {
    const run = entry.run;
    if (run.status === 'completed_with_errors') return;
    const processed = Math.min(Number(run.total), Number(run.processed) + 4);
    const done = entry.results.slice(0, processed);
    const infeasible = done.filter((r) => r.status === 'infeasible').length;
    Object.assign(run, { status: processed === run.total ? 'completed_with_errors' : 'running', processed, succeeded: processed - infeasible, infeasible, started_at: run.created_at, elapsed_ms: processed * 100 });
    if (processed === run.total) run.finished_at = new Date(Date.parse(String(run.created_at)) + 1200).toISOString();
  }

  router.post('/api/v1/runs', (_req, res) => {
    const run_id = `run${runs.size + 1}`;
    const run = { run_id, status: 'queued', total: 12, processed: 0, succeeded: 0, infeasible: 0, timed_out: 0, failed: 0, selection: { all: true }, options: {}, priority: 1, created_at: new Date().toISOString(), started_at: null, finished_at: null, elapsed_ms: null, links: {} };
    runs.set(run_id, { run, results: Array.from({ length: 12 }, (_v, i) => result(i)) });
    res.status(202).json(run);
  });
  router.get('/api/v1/runs', (_req, res) => {
    const items = [...runs.values()].map((e) => e.run).reverse();
    res.json({ items, total: items.length, offset: 0, limit: 20 });
  });
  router.get('/api/v1/runs/:id', (req, res) => {
    const entry = runs.get(req.params.id);
    if (!entry) return void res.status(404).json({ detail: 'no such run' });
    advance(entry);
    res.json(entry.run);
  });
  router.get('/api/v1/runs/:id/results', (req, res) => {
    const entry = runs.get(req.params.id);
    if (!entry) return void res.status(404).json({ detail: 'no such run' });
    const offset = Number(req.query.offset ?? 0);
    const limit = Number(req.query.limit ?? 25);
    const done = entry.results.slice(0, Number(entry.run.processed)).filter((r) => !req.query.status || r.status === req.query.status);
    res.json({ items: done.slice(offset, offset + limit), total: done.length, offset, limit });
  });
  router.get('/api/v1/orders', (req, res) => {
    const entry = runs.get(String(req.query.run_id));
    const total = entry ? entry.results.reduce((n, r) => n + Number(r.trade_count), 0) : 0;
    res.json({ items: [], total, offset: 0, limit: Number(req.query.limit ?? 25) });
  });
  return router;
}

import { Router, type Request } from 'express';

/** Options of {@link runsApiStub}. */
export interface RunsStubOptions {
  /** Portfolios per run. @defaultValue 12 */
  total?: number;
  /** Portfolios processed per `GET /runs/{id}` poll. @defaultValue 4 */
  step?: number;
  /** Delay of every results/orders page, to stand for a slow read. @defaultValue 0 */
  pageDelayMs?: number;
  /** Serve the read contract's additions (`next` cursors, `not_optimal`, `/runs/{id}/orders`, `/summary`). @defaultValue true */
  contract?: boolean;
  /** Every request's path and query, in order. */
  requests?: string[];
  /** A tax-aware run: `options.tax`, a tax summary on optimal results and lots on their sells. @defaultValue false */
  tax?: boolean;
}

type Row = Record<string, unknown>;
interface Entry { run: Row; results: Row[] }

const MODELS = [
  { model_id: 'model00000000000000000001', name: 'Balanced growth' },
  { model_id: 'model00000000000000000002', name: 'Income 60/40' },
];
const sec = (i: number) => `sec${String(i).padStart(21, '0')}`;
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A small deterministic spread in [0, 1) per (i, k). */
const spread = (i: number, k: number) => ((i * 7919 + k * 104_729) % 1000) / 1000;

function result(i: number): Row {
  const infeasible = i === 7 || (i > 12 && i % 97 === 0);
  const targets = [0.3, 0.25, 0.2, 0];
  const positions = targets.map((target, k) => {
    const before = k === 3 ? 0.05 + spread(i, k) * 0.1 : target + (spread(i, k) - 0.5) * 0.12;
    const after = infeasible ? before : k === 3 ? 0 : target + (spread(i, k + 4) - 0.5) * 0.01;
    const trade = infeasible ? 0 : 5 + Math.floor(spread(i, k + 8) * 60);
    return {
      security_id: sec(k + (i % 3) * 4),
      price: (25 + k * 10 + (i % 3)).toFixed(2),
      original_quantity: 100 + k * 10,
      adjusted_quantity: infeasible ? 100 + k * 10 : 120 + k * 5,
      target: target.toFixed(3),
      low_drift: '0.02',
      high_drift: k === 3 ? '0' : '0.03',
      actual_before: before.toFixed(4),
      actual: after.toFixed(4),
      actual_drift: k === 3 ? null : '0.0033',
      transaction_type: infeasible ? null : k === 3 || before > target ? 'SELL' : 'BUY',
      trade_quantity: trade,
    };
  });
  const model = MODELS[i % 2]!;
  return {
    portfolio_id: `pf${String(i).padStart(22, '0')}`,
    model_id: model.model_id,
    model_name: model.name,
    status: infeasible ? 'infeasible' : 'optimal',
    reason: infeasible ? `cash too short: needs 1,204.50, has 310.00` : null,
    market_value: '1000000.000',
    cash_before: '50000.00',
    cash_after: infeasible ? '50000.00' : '1234.56',
    trade_count: infeasible ? 0 : 4,
    positions,
  };
}

/** The result as a tax-aware run stores it: each sell split over two lots, and the summary. */
function withTax(r: Row): Row {
  if (r.status !== 'optimal') return r;
  const positions = (r.positions as Row[]).map((p) => {
    if (p.transaction_type !== 'SELL') return p;
    const q = Number(p.trade_quantity);
    return { ...p, lots: [{ lot_id: 'LT-1', quantity: q - 2, realized_gain: '-40.5', term: 'long' }, { lot_id: 'ST-9', quantity: 2, realized_gain: '12', term: 'short' }] };
  });
  return { ...r, positions, tax: { short_term_gain: '12', short_term_loss: '0', long_term_gain: '0', long_term_loss: '40.5', estimated_tax: '-3.66' } };
}

function orders(results: Row[]): Row[] {
  return results.flatMap((r) => (r.positions as Row[]).filter((p) => p.transaction_type).map((p, k) => ({
    order_id: `${String(r.portfolio_id)}-${k}`, run_id: 'stub', portfolio_id: r.portfolio_id, model_id: r.model_id, security_id: p.security_id,
    transaction_type: p.transaction_type, quantity: p.trade_quantity, price: p.price, trade_date: '2026-01-02',
    ...(p.lots ? { lots: p.lots } : {}),
  })));
}

/** Largest distance outside any band, in weight percentage points. */
function breach(r: Row, field: 'actual_before' | 'actual'): number {
  return Math.max(0, ...(r.positions as Row[]).map((p) => {
    const w = Number(p[field]);
    const low = Number(p.target) - Number(p.low_drift);
    const high = Number(p.target) + Number(p.high_drift);
    return Math.max(0, low - w, w - high) * 100;
  }));
}

function histogram(values: number[], edges: number[]): number[] {
  const counts = edges.map(() => 0);
  for (const v of values) {
    let i = edges.length - 1;
    while (i > 0 && v < edges[i]!) i -= 1;
    counts[i]! += 1;
  }
  return counts;
}

function summary(entry: Entry): Row {
  const done = entry.results.slice(0, Number(entry.run.processed));
  const optimal = done.filter((r) => r.status === 'optimal');
  // The lower edges the worker's chunk summaries use (src/runs/chunk-summary.ts on the trust branch).
  const edges = [0, 0.001, 0.25, 0.5, 1, 2, 5, 10];
  const turnoverEdges = [0, 0.001, 0.5, 1, 2, 5, 10, 20, 50];
  const bySecurity = new Map<string, { buy: number; sell: number; orders: number }>();
  let buy = 0;
  let sell = 0;
  for (const o of orders(optimal)) {
    const value = Number(o.quantity) * Number(o.price);
    const s = bySecurity.get(String(o.security_id)) ?? { buy: 0, sell: 0, orders: 0 };
    if (o.transaction_type === 'BUY') { s.buy += value; buy += value; } else { s.sell += value; sell += value; }
    s.orders += 1;
    bySecurity.set(String(o.security_id), s);
  }
  const turnover = optimal.map((r) => (r.positions as Row[]).reduce((n, p) => n + Number(p.trade_quantity) * Number(p.price), 0) / 10_000);
  return {
    run_id: entry.run.run_id,
    processed: done.length,
    breach_before: { buckets: edges, counts: histogram(done.map((r) => breach(r, 'actual_before')), edges) },
    breach_after: { buckets: edges, counts: histogram(optimal.map((r) => breach(r, 'actual')), edges) },
    turnover: { buckets: turnoverEdges, counts: histogram(turnover, turnoverEdges) },
    buy_value: buy.toFixed(2),
    sell_value: sell.toFixed(2),
    top_securities: [...bySecurity.entries()].sort((a, b) => b[1].buy + b[1].sell - a[1].buy - a[1].sell).slice(0, 10)
      .map(([security_id, s]) => ({ security_id, buy_value: s.buy.toFixed(2), sell_value: s.sell.toFixed(2), orders: s.orders })),
  };
}

/** A page by offset, or by the opaque cursor `after` (here the next index, base64) with `next` when the contract is on. */
function page(rows: Row[], req: Request, contract: boolean): Row {
  const limit = Number(req.query.limit ?? 25);
  const start = contract && typeof req.query.after === 'string' ? Number(Buffer.from(req.query.after, 'base64url').toString()) : Number(req.query.offset ?? 0);
  const items = rows.slice(start, start + limit);
  const body: Row = { items, total: rows.length, offset: start, limit };
  if (contract) body.next = start + limit < rows.length ? Buffer.from(String(start + limit)).toString('base64url') : null;
  return body;
}

/**
 * A stand-in for the runs API (DESIGN.md "Native: submit and poll", plus the read contract of
 * /work/briefs/readcontract.md when `contract` is on). A run advances by `step` portfolios per poll.
 */
export function runsApiStub(options: RunsStubOptions = {}): Router {
  const { total = 12, step = 4, pageDelayMs = 0, contract = true, requests, tax = false } = options;
  const runs = new Map<string, Entry>();
  const router = Router();
  router.use((req, _res, next) => {
    requests?.push(req.originalUrl);
    next();
  });

  function advance(entry: Entry): void {
    const run = entry.run;
    if (run.status === 'completed_with_errors') return;
    const processed = Math.min(Number(run.total), Number(run.processed) + step);
    const done = entry.results.slice(0, processed);
    const infeasible = done.filter((r) => r.status === 'infeasible').length;
    const orderCount = done.reduce((n, r) => n + Number(r.trade_count), 0);
    Object.assign(run, { status: processed === run.total ? 'completed_with_errors' : 'running', processed, succeeded: processed - infeasible, infeasible, orders: orderCount, started_at: run.created_at, elapsed_ms: processed * 100 });
    if (processed === run.total) run.finished_at = new Date(Date.parse(String(run.created_at)) + 1200).toISOString();
  }

  const find = (id: string) => runs.get(id);
  router.post('/api/v1/runs', (_req, res) => {
    const run_id = `run${runs.size + 1}`;
    const run = { run_id, status: 'queued', total, processed: 0, succeeded: 0, infeasible: 0, timed_out: 0, failed: 0, orders: 0, selection: { all: true }, options: tax ? { tax: { enabled: true, short_term_rate: '0.37', long_term_rate: '0.2', as_of: '2026-01-02' } } : {}, priority: 1, created_at: new Date().toISOString(), started_at: null, finished_at: null, elapsed_ms: null, links: {} };
    runs.set(run_id, { run, results: Array.from({ length: total }, (_v, i) => (tax ? withTax(result(i)) : result(i))) });
    res.status(202).json(run);
  });
  router.get('/api/v1/models', (_req, res) => void res.json(MODELS));
  router.get('/api/v1/runs', (_req, res) => {
    const items = [...runs.values()].map((e) => e.run).reverse();
    res.json({ items, total: items.length, offset: 0, limit: 20 });
  });
  router.get('/api/v1/runs/:id', (req, res) => {
    const entry = find(req.params.id);
    if (!entry) return void res.status(404).json({ detail: 'no such run' });
    advance(entry);
    res.json(entry.run);
  });
  router.get('/api/v1/runs/:id/results', async (req, res) => {
    const entry = find(req.params.id);
    if (!entry) return void res.status(404).json({ detail: 'no such run' });
    const status = req.query.status;
    if (status === 'not_optimal' && !contract) return void res.status(400).json({ detail: 'status: invalid option' });
    await wait(pageDelayMs);
    const done = entry.results.slice(0, Number(entry.run.processed)).filter((r) => !status || r.status === status || (status === 'not_optimal' && r.status !== 'optimal'));
    res.json(page(done, req, contract));
  });
  if (contract) {
    router.get('/api/v1/runs/:id/orders', async (req, res) => {
      const entry = find(req.params.id);
      if (!entry) return void res.status(404).json({ detail: 'no such run' });
      await wait(pageDelayMs);
      res.json(page(orders(entry.results.slice(0, Number(entry.run.processed))), req, true));
    });
    router.get('/api/v1/runs/:id/sending', (req, res) => {
      const entry = find(req.params.id);
      if (!entry) return void res.status(404).json({ detail: 'no such run' });
      const total = orders(entry.results.slice(0, Number(entry.run.processed))).length;
      const sent = Math.floor(total / 2);
      res.json({ run_id: req.params.id, enabled: true, state: 'sending', batches: 2, orders: { total, pending: total - sent - 1, in_flight: 1, sent, rejected: 0 }, planned_at: '2026-11-29T21:00:00.000Z', completed_at: null });
    });
    router.get('/api/v1/runs/:id/summary', (req, res) => {
      const entry = find(req.params.id);
      if (!entry) return void res.status(404).json({ detail: 'no such run' });
      res.json(summary(entry));
    });
  }
  router.get('/api/v1/orders', (req, res) => {
    const entry = find(String(req.query.run_id));
    const all = entry ? orders(entry.results.slice(0, Number(entry.run.processed))) : [];
    res.json(page(all, req, false));
  });
  return router;
}

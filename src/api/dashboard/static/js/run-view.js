import { getRun, getSummary, HttpError, listOrders, listResults, modelNameMap } from './api.js';
import { badge, card, fmtDate, fmtInt, fmtMoney, fmtMs, h, isFinal, modelLabel, notOptimalCount, progressBar, progressLegend, statusLabel } from './dom.js';
import { pagedTable } from './paged-table.js';
import { runCharts } from './run-charts.js';
import { sendingSection } from './sending-view.js';
import { lotsText, taxCell, taxEnabled } from './tax-view.js';

/**
 * Refresh periods (docs/OPERATIONS.md "Run view"; test/api/operations-doc checks the text).
 * Each runs on its own timer, so a slow table never holds back the header. The header asks again
 * this long after each answer, so it shows a count at most this period plus one request late;
 * half a second keeps that well inside the 1 s the run view promises (one Redis read per viewer).
 */
export const HEADER_POLL_MS = 500;
export const CHARTS_POLL_MS = 2000;
export const TABLES_POLL_MS = 5000;

const NOT_OPTIMAL = ['infeasible', 'timeout', 'invalid', 'failed'];

function portfolioLink(runId, r) {
  return h('a', { class: 'id', href: `#/runs/${encodeURIComponent(runId)}/portfolios/${encodeURIComponent(r.portfolio_id)}/${encodeURIComponent(r.model_id)}`, title: `portfolio ${r.portfolio_id}` }, r.portfolio_name ?? r.portfolio_id);
}

function perSecond(run) {
  if (!run.started_at) return 0;
  const end = run.finished_at ? Date.parse(run.finished_at) : Date.now();
  return (run.processed ?? 0) / Math.max(0.001, (end - Date.parse(run.started_at)) / 1000);
}

function eta(run) {
  if (isFinal(run.status)) return '—';
  const rate = perSecond(run);
  return rate > 0 ? fmtMs(((run.total - run.processed) / rate) * 1000) : '—';
}

function header(run) {
  const elapsed = run.elapsed_ms ?? (run.started_at ? Date.now() - Date.parse(run.started_at) : null);
  return h('div', {},
    h('h1', {}, 'Run ', h('code', {}, run.run_id), ' ', badge(run.status)),
    progressBar(run),
    progressLegend(),
    h('div', { class: 'cards' },
      card('Portfolios', fmtInt(run.total), 'total'),
      card('Processed', fmtInt(run.processed), 'processed'),
      card('Optimal', fmtInt(run.succeeded), 'succeeded'),
      card('Infeasible', fmtInt(run.infeasible), 'infeasible'),
      card('Timed out', fmtInt(run.timed_out), 'timed_out'),
      card('Failed (incl. invalid)', fmtInt(run.failed), 'failed'),
      card('Orders', fmtInt(run.orders), 'orders'),
      card('Throughput', `${fmtInt(Math.round(perSecond(run)))} /s`, 'throughput'),
      card('Elapsed', fmtMs(elapsed), 'elapsed'),
      card('Time left', eta(run), 'eta'),
    ),
    h('p', { class: 'muted', 'data-testid': 'updated' }, `Created ${fmtDate(run.created_at)} · started ${fmtDate(run.started_at)} · finished ${fmtDate(run.finished_at)} · updated ${new Date().toLocaleTimeString()}`),
  );
}

// The tax columns show only for a tax-aware run (the view's `with-tax` class, dashboard.css).
const RESULT_HEADERS = ['Portfolio', 'Model', 'Outcome', { label: 'Market value', num: true }, { label: 'Cash after', num: true }, { label: 'Trades', num: true }, { label: 'Est. tax', num: true, class: 'tax-col' }, 'Reason'];
const ORDER_HEADERS = ['Portfolio', 'Model', 'Security', 'Side', { label: 'Quantity', num: true }, { label: 'Price', num: true }, 'Trade date', { label: 'Lots', class: 'tax-col' }];

function resultRow(runId, names) {
  return (r) => h('tr', { 'data-portfolio': r.portfolio_id },
    h('td', {}, portfolioLink(runId, r)), h('td', {}, modelLabel(r.model_id, r.model_name ?? names.get(r.model_id))), h('td', {}, badge(r.status)),
    h('td', { class: 'num' }, fmtMoney(r.market_value)), h('td', { class: 'num' }, fmtMoney(r.cash_after)),
    h('td', { class: 'num' }, fmtInt(r.trade_count)), taxCell(r.tax ? fmtMoney(r.tax.estimated_tax) : '—', true), h('td', {}, r.reason ?? ''));
}

function orderRow(runId, names) {
  return (o) => h('tr', { 'data-order': o.order_id },
    h('td', {}, portfolioLink(runId, o)), h('td', {}, modelLabel(o.model_id, o.model_name ?? names.get(o.model_id))),
    h('td', { class: 'id', title: `security ${o.security_id}` }, o.ticker ?? o.security_id),
    h('td', {}, h('span', { class: `side ${o.transaction_type}` }, o.transaction_type)), h('td', { class: 'num' }, fmtInt(o.quantity)),
    h('td', { class: 'num' }, fmtMoney(o.price)), h('td', {}, o.trade_date ?? ''), taxCell(lotsText(o.lots)));
}

// Table rows come without positions (`positions: 'omit'`): opening a portfolio reads its full result.

/** Tabs over the non-optimal statuses; `not_optimal` (all of them) unless the server predates it. */
function notOptimalSection(runId, names, currentRun) {
  let status = 'not_optimal';
  const buttons = new Map();
  const select = (s) => {
    status = s;
    for (const [key, b] of buttons) b.setAttribute('aria-pressed', String(key === s));
    table.reset();
  };
  const tabs = h('div', { class: 'tabs', role: 'group', 'aria-label': 'Filter by outcome' },
    ['not_optimal', ...NOT_OPTIMAL].map((s) => {
      const b = h('button', { 'data-status': s, 'aria-pressed': String(s === status), onclick: () => select(s) }, s === 'not_optimal' ? 'all not optimal' : statusLabel(s));
      buttons.set(s, b);
      return b;
    }));
  const table = pagedTable({
    testId: 'failures',
    headers: RESULT_HEADERS,
    row: resultRow(runId, names),
    empty: 'None: every processed portfolio so far was solved to optimality.',
    load: async (paging) => {
      try {
        return await listResults(runId, { ...paging, status, positions: 'omit' });
      } catch (e) {
        // A server without `not_optimal` answers 400: show one status at a time instead.
        if (status !== 'not_optimal' || !(e instanceof HttpError) || e.status !== 400) throw e;
        buttons.get('not_optimal')?.remove();
        const run = currentRun();
        const first = NOT_OPTIMAL.find((s) => (s === 'infeasible' ? run?.infeasible : s === 'timeout' ? run?.timed_out : run?.failed) > 0) ?? 'infeasible';
        status = first;
        for (const [key, b] of buttons) b.setAttribute('aria-pressed', String(key === first));
        return await listResults(runId, { ...paging, status, positions: 'omit' });
      }
    },
  });
  const title = h('h2', { 'data-testid': 'failures-title' }, 'Not optimal');
  return { element: h('section', {}, title, tabs, table.element), table, title };
}

/** One run: header counts, charts, the non-optimal portfolios, every portfolio and the orders, each paged. */
export function runView(root, runId) {
  const head = h('div', {}, h('p', { class: 'muted' }, 'loading run…'));
  const charts = h('section', { hidden: true }, h('h2', {}, 'The run in pictures'), h('div', { 'data-testid': 'charts-body' }));
  let run;
  const timers = new Set();
  let stopped = false;
  const later = (fn, ms) => {
    const t = setTimeout(() => { timers.delete(t); if (!stopped) fn(); }, ms);
    timers.add(t);
  };

  const names = new Map();
  const failures = notOptimalSection(runId, names, () => run);
  const results = pagedTable({ testId: 'results', headers: RESULT_HEADERS, row: resultRow(runId, names), empty: 'No portfolio processed yet.',
    load: (paging) => listResults(runId, { ...paging, positions: 'omit' }) });
  const orders = pagedTable({ testId: 'orders', headers: ORDER_HEADERS, row: orderRow(runId, names), empty: 'No orders yet.', load: (paging) => listOrders(runId, paging) });
  const sending = sendingSection(runId, later, () => run);
  const view = h('div', {}, h('p', {}, h('a', { href: '#/' }, '← All runs')), head, charts, sending.element, failures.element,
    h('h2', {}, 'Portfolios'), results.element, h('h2', {}, 'Orders'), orders.element);
  root.replaceChildren(view);

  async function pollHeader() {
    try {
      const wasLive = run === undefined || !isFinal(run.status);
      run = await getRun(runId);
      head.replaceChildren(header(run));
      view.classList.toggle('with-tax', taxEnabled(run));
      failures.title.textContent = `Not optimal (${fmtInt(notOptimalCount(run))})`;
      if (!isFinal(run.status)) later(pollHeader, HEADER_POLL_MS);
      // The run just ended: show the final tables and pictures now, not at the next period.
      else if (wasLive && tablesStarted) {
        failures.table.reload();
        results.reload();
        orders.reload();
        pollCharts();
      }
    } catch (e) {
      head.replaceChildren(h('p', { class: 'error' }, `Could not load run ${runId}: ${e.message}`));
      later(pollHeader, 3 * HEADER_POLL_MS);
    }
  }

  async function pollCharts() {
    try {
      const summary = await getSummary(runId);
      if (summary === null) return; // no summary endpoint on this server: no pictures
      charts.hidden = false;
      charts.lastChild.replaceChildren(runCharts(summary));
    } catch (e) {
      charts.hidden = false;
      charts.lastChild.replaceChildren(h('p', { class: 'error' }, `Could not load the run summary: ${e.message}`));
    }
    if (!run || !isFinal(run.status)) later(pollCharts, CHARTS_POLL_MS);
  }

  /** Tables refresh quietly while the run moves; the header reloads them once when it ends. */
  let tablesStarted = false;
  async function pollTables() {
    tablesStarted = true;
    await Promise.all([failures.table.reload(), results.reload(), orders.reload()]);
    if (run === undefined || !isFinal(run.status)) later(pollTables, TABLES_POLL_MS);
  }

  pollHeader();
  pollCharts();
  sending.poll();
  modelNameMap().then((map) => {
    for (const [k, v] of map) names.set(k, v);
    pollTables();
  });
  return () => {
    stopped = true;
    for (const t of timers) clearTimeout(t);
  };
}

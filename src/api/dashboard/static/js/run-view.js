import { getRun, listResults, remember } from './api.js';
import { badge, card, fmtDate, fmtInt, fmtMoney, fmtMs, h, isFinal, progressBar } from './dom.js';

const PAGE = 25;
const FAILURE_STATUSES = ['infeasible', 'timeout', 'invalid', 'failed'];

function portfolioLink(runId, r) {
  return h('a', { href: `#/runs/${encodeURIComponent(runId)}/portfolios/${encodeURIComponent(r.portfolio_id)}/${encodeURIComponent(r.model_id)}` }, r.portfolio_id);
}

function throughput(run) {
  if (!run.started_at) return '—';
  const end = run.finished_at ? Date.parse(run.finished_at) : Date.now();
  const seconds = Math.max(0.001, (end - Date.parse(run.started_at)) / 1000);
  return `${fmtInt(Math.round((run.processed ?? 0) / seconds))} /s`;
}

function summary(run) {
  const state = run.status === 'completed' ? 'done' : isFinal(run.status) ? 'errors' : '';
  return h('div', {},
    h('h1', {}, 'Run ', h('code', {}, run.run_id), ' ', badge(run.status)),
    progressBar(run.processed ?? 0, run.total ?? 0, state),
    h('div', { class: 'cards' },
      card('Portfolios', fmtInt(run.total), 'total'),
      card('Processed', fmtInt(run.processed), 'processed'),
      card('Optimal', fmtInt(run.succeeded), 'succeeded'),
      card('Infeasible', fmtInt(run.infeasible), 'infeasible'),
      card('Timed out', fmtInt(run.timed_out), 'timed_out'),
      card('Failed', fmtInt(run.failed), 'failed'),
      card('Throughput', throughput(run), 'throughput'),
      card('Elapsed', fmtMs(run.elapsed_ms), 'elapsed'),
    ),
    h('p', { class: 'muted' }, `Created ${fmtDate(run.created_at)} · started ${fmtDate(run.started_at)} · finished ${fmtDate(run.finished_at)}`),
  );
}

function resultRow(runId, r) {
  return h('tr', { 'data-portfolio': r.portfolio_id },
    h('td', {}, portfolioLink(runId, r)), h('td', {}, r.model_id), h('td', {}, badge(r.status)),
    h('td', { class: 'num' }, fmtMoney(r.market_value)), h('td', { class: 'num' }, fmtMoney(r.cash_after)),
    h('td', { class: 'num' }, fmtInt(r.trade_count)), h('td', {}, r.reason ?? ''));
}

const resultHead = () => h('thead', {}, h('tr', {}, ['Portfolio', 'Model', 'Outcome', 'Market value', 'Cash after', 'Trades', 'Reason'].map((t) => h('th', {}, t))));

async function loadFailures(runId, target) {
  const pages = await Promise.all(FAILURE_STATUSES.map((status) => listResults(runId, { status, limit: 50 })));
  const items = pages.flatMap((p) => p.items);
  remember(runId, items);
  const total = pages.reduce((n, p) => n + p.total, 0);
  target.replaceChildren(
    h('h2', {}, `Not optimal (${fmtInt(total)})`),
    items.length === 0
      ? h('p', { class: 'muted', 'data-testid': 'no-failures' }, 'Every processed portfolio was solved to optimality.')
      : h('table', { 'data-testid': 'failures' }, resultHead(), h('tbody', {}, items.map((r) => resultRow(runId, r)))),
  );
}

/** One run: counts, throughput, failures with reasons, and every portfolio, paged. */
export function runView(root, runId) {
  const head = h('div', {}, h('p', { class: 'muted' }, 'Loading run…'));
  const failures = h('section');
  const body = h('tbody');
  const info = h('span', { class: 'muted' });
  let offset = 0;
  let timer;
  const prev = h('button', { onclick: () => { offset = Math.max(0, offset - PAGE); loadPage(); } }, '← Previous');
  const next = h('button', { onclick: () => { offset += PAGE; loadPage(); } }, 'Next →');
  root.replaceChildren(h('p', {}, h('a', { href: '#/' }, '← All runs')), head, failures,
    h('h2', {}, 'Portfolios'), h('table', { 'data-testid': 'results' }, resultHead(), body), h('div', { class: 'pager' }, prev, next, info));

  async function loadPage() {
    const page = await listResults(runId, { offset, limit: PAGE });
    remember(runId, page.items);
    body.replaceChildren(...page.items.map((r) => resultRow(runId, r)));
    info.textContent = `${fmtInt(offset + 1)}–${fmtInt(offset + page.items.length)} of ${fmtInt(page.total)}`;
    prev.disabled = offset === 0;
    next.disabled = offset + PAGE >= page.total;
  }

  async function refresh() {
    try {
      const run = await getRun(runId);
      head.replaceChildren(summary(run));
      await Promise.all([loadFailures(runId, failures), loadPage()]);
      if (!isFinal(run.status)) timer = setTimeout(refresh, 1000);
    } catch (e) {
      head.replaceChildren(h('p', { class: 'error' }, `Could not load run ${runId}: ${e.message}`));
      timer = setTimeout(refresh, 3000);
    }
  }
  refresh();
  return () => clearTimeout(timer);
}

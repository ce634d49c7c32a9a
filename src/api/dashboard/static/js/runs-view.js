import { listRuns } from './api.js';
import { badge, fmtDate, fmtInt, fmtMs, h, progressBar } from './dom.js';

const PAGE = 20;

function runState(run) {
  if (run.status === 'completed') return 'done';
  if (run.status === 'completed_with_errors' || run.status === 'failed') return 'errors';
  return '';
}

function runRow(run) {
  const errors = (run.infeasible ?? 0) + (run.timed_out ?? 0) + (run.failed ?? 0);
  return h(
    'tr',
    { 'data-run-id': run.run_id },
    h('td', {}, h('a', { href: `#/runs/${encodeURIComponent(run.run_id)}` }, run.run_id)),
    h('td', {}, badge(run.status)),
    h('td', {}, progressBar(run.processed ?? 0, run.total ?? 0, runState(run))),
    h('td', { class: 'num' }, `${fmtInt(run.processed)} / ${fmtInt(run.total)}`),
    h('td', { class: 'num' }, fmtInt(run.succeeded)),
    h('td', { class: 'num' }, fmtInt(errors)),
    h('td', {}, fmtDate(run.created_at)),
    h('td', { class: 'num' }, fmtMs(run.elapsed_ms)),
  );
}

/** The runs list, newest first, refreshed every 2 s. */
export function runsView(root, params) {
  const offset = Math.max(0, Number(params.get('offset') ?? 0) || 0);
  const body = h('tbody');
  const info = h('span', { class: 'muted' });
  const prev = h('button', { onclick: () => (location.hash = `#/?offset=${Math.max(0, offset - PAGE)}`) }, '← Newer');
  const next = h('button', { onclick: () => (location.hash = `#/?offset=${offset + PAGE}`) }, 'Older →');
  const error = h('p', { class: 'error' });
  root.replaceChildren(
    h('h1', {}, 'Runs'),
    error,
    h('table', { 'data-testid': 'runs' },
      h('thead', {}, h('tr', {}, ['Run', 'Status', 'Progress', 'Processed', 'Succeeded', 'Not optimal', 'Created', 'Elapsed'].map((t) => h('th', {}, t)))),
      body),
    h('div', { class: 'pager' }, prev, next, info),
  );
  async function refresh() {
    try {
      const page = await listRuns({ offset, limit: PAGE });
      body.replaceChildren(...page.items.map(runRow));
      if (page.items.length === 0) body.append(h('tr', {}, h('td', { colspan: 8, class: 'muted' }, 'No runs yet.')));
      info.textContent = `${fmtInt(page.total)} runs`;
      prev.disabled = offset === 0;
      next.disabled = offset + PAGE >= page.total;
      error.textContent = '';
    } catch (e) {
      error.textContent = `Could not load runs: ${e.message}`;
    }
  }
  refresh();
  const timer = setInterval(refresh, 2000);
  return () => clearInterval(timer);
}

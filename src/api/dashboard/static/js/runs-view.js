import { listRuns } from './api.js';
import { badge, fmtDate, fmtInt, fmtMs, h, notOptimalCount, progressBar, progressLegend } from './dom.js';

const PAGE = 20;
/** The runs list refreshes on this period (docs/OPERATIONS.md "Run view"; test/api/operations-doc checks it). */
export const RUNS_REFRESH_MS = 2000;

function runRow(run) {
  return h(
    'tr',
    { 'data-run-id': run.run_id },
    h('td', {}, h('a', { href: `#/runs/${encodeURIComponent(run.run_id)}`, class: 'id' }, run.run_id)),
    h('td', {}, badge(run.status)),
    h('td', {}, progressBar(run)),
    h('td', { class: 'num' }, `${fmtInt(run.processed)} / ${fmtInt(run.total)}`),
    h('td', { class: 'num' }, fmtInt(run.succeeded)),
    h('td', { class: 'num' }, fmtInt(notOptimalCount(run))),
    h('td', {}, fmtDate(run.created_at)),
    h('td', { class: 'num' }, fmtMs(run.elapsed_ms)),
  );
}

/** The runs list, newest first, refreshed every {@link RUNS_REFRESH_MS}. */
export function runsView(root, params) {
  const offset = Math.max(0, Number(params.get('offset') ?? 0) || 0);
  const body = h('tbody', {}, h('tr', {}, h('td', { colspan: 8, class: 'muted' }, 'loading…')));
  const info = h('span', { class: 'muted' });
  const prev = h('button', { onclick: () => (location.hash = `#/?offset=${Math.max(0, offset - PAGE)}`) }, '← Newer');
  const next = h('button', { onclick: () => (location.hash = `#/?offset=${offset + PAGE}`) }, 'Older →');
  const error = h('p', { class: 'error' });
  root.replaceChildren(
    h('h1', {}, 'Runs'),
    error,
    h('table', { 'data-testid': 'runs' },
      h('thead', {}, h('tr', {}, ['Run', 'Status', 'Progress', 'Processed', 'Optimal', 'Not optimal', 'Created', 'Elapsed'].map((t) => h('th', {}, t)))),
      body),
    progressLegend(),
    h('div', { class: 'pager' }, prev, next, info),
  );
  let timer;
  let stopped = false;
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
    if (!stopped) timer = setTimeout(refresh, RUNS_REFRESH_MS);
  }
  refresh();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

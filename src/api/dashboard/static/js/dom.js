/** Builds an element. Text always goes in as text nodes, never as HTML (reasons come from data). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export const FINAL_STATUSES = ['completed', 'completed_with_errors', 'failed', 'cancelled'];

export function isFinal(status) {
  return FINAL_STATUSES.includes(status);
}

export function fmtInt(n) {
  return n === null || n === undefined ? '—' : Number(n).toLocaleString('en-US');
}

/** Groups a decimal string for display without passing it through a binary float. */
export function fmtMoney(value) {
  if (value === null || value === undefined) return '—';
  const [whole, frac] = String(value).split('.');
  const sign = whole.startsWith('-') ? '-' : '';
  const digits = whole.replace('-', '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${digits}.${(frac ?? '').padEnd(2, '0').slice(0, 2)}`;
}

export function fmtMs(ms) {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60000)} min ${Math.round((ms % 60000) / 1000)} s`;
}

export function fmtDate(iso) {
  return iso ? new Date(iso).toLocaleString() : '—';
}

/** The words shown for API statuses: the API's own, spaced (`completed_with_errors` → "completed with errors"). */
export function statusLabel(status) {
  return status === 'timeout' ? 'timed out' : status.replaceAll('_', ' ');
}

export function badge(status) {
  return h('span', { class: `badge ${status}`, 'data-status': status, title: `status: ${status}` }, statusLabel(status));
}

/** Colours with one meaning each, shared by bars, charts and their legends. */
export const COLOURS = { optimal: '#2e7d32', notOptimal: '#b26a00', pending: '#e4e7ec', before: '#98a2b3', after: '#2456c9', buy: '#2e7d32', sell: '#c62828', band: '#dbe6fb', target: '#1d2330' };

export function swatch(color) {
  const s = h('span', { class: 'swatch' });
  s.style.background = color;
  return s;
}

/** A legend: `[[colour, label], …]`. */
export function legend(entries, testId) {
  return h('div', { class: 'legend', 'data-testid': testId }, entries.map(([color, label]) => h('span', {}, swatch(color), label)));
}

/**
 * A run's progress as a stacked bar: optimal (green), not optimal (amber), not yet processed
 * (grey), each segment as wide as its share, so 5 infeasible of 20,000 is a sliver, not a colour.
 */
export function progressBar(run) {
  const total = run.total ?? 0;
  const optimal = run.succeeded ?? 0;
  const notOptimal = notOptimalCount(run);
  const done = run.processed ?? optimal + notOptimal;
  const bar = h('div', { class: 'progress', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': total, 'aria-valuenow': done, title: `${fmtInt(optimal)} optimal, ${fmtInt(notOptimal)} not optimal, ${fmtInt(Math.max(0, total - done))} to do, of ${fmtInt(total)}` });
  const width = (n) => `${total > 0 ? Math.min(100, (n / total) * 100).toFixed(2) : 0}%`;
  const ok = h('span', { class: 'seg optimal' });
  ok.style.width = width(optimal);
  const bad = h('span', { class: 'seg not-optimal' });
  bad.style.width = width(notOptimal);
  // A non-zero count stays visible however small its share.
  if (notOptimal > 0) bad.style.minWidth = '3px';
  bar.append(ok, bad);
  return bar;
}

export const progressLegend = () => legend([[COLOURS.optimal, 'optimal'], [COLOURS.notOptimal, 'not optimal (infeasible, timed out, failed)'], [COLOURS.pending, 'not processed yet']], 'progress-legend');

export function notOptimalCount(run) {
  return (run.infeasible ?? 0) + (run.timed_out ?? 0) + (run.failed ?? 0);
}

/** A model by name, its id on hover; the id alone when the name is unknown. */
export function modelLabel(modelId, name) {
  return h('span', { title: `model ${modelId}`, 'data-model-id': modelId }, name ?? modelId);
}

/** A weight fraction (`"0.2990"`) in percent of market value: `29.90 %`. */
export function fmtWeight(fraction, digits = 2) {
  if (fraction === null || fraction === undefined || fraction === '') return '—';
  return `${(Number(fraction) * 100).toFixed(digits)} %`;
}

/** A difference of weights in percentage points: `+0.50 pp`. */
export function fmtPoints(fraction, digits = 2) {
  if (fraction === null || fraction === undefined || Number.isNaN(Number(fraction))) return '—';
  const v = Number(fraction) * 100;
  return `${v > 0 ? '+' : v < 0 ? '−' : ''}${Math.abs(v).toFixed(digits)} pp`;
}

export function card(label, value, testId) {
  return h('div', { class: 'card', 'data-testid': testId }, h('div', { class: 'label' }, label), h('div', { class: 'value' }, value));
}

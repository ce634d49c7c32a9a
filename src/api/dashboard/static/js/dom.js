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

export function fmtPct(fraction, digits = 2) {
  if (fraction === null || fraction === undefined || fraction === '') return '—';
  return `${(Number(fraction) * 100).toFixed(digits)}%`;
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

export function badge(status) {
  return h('span', { class: `badge ${status}`, 'data-status': status }, status.replaceAll('_', ' '));
}

/** A progress bar for `done` of `total`; colour says whether errors happened. */
export function progressBar(done, total, state = '') {
  const pct = total > 0 ? Math.min(100, (done / total) * 100) : 0;
  const bar = h('div', { class: `progress ${state}`, role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': total, 'aria-valuenow': done, title: `${done} / ${total}` });
  const fill = h('span');
  fill.style.width = `${pct.toFixed(1)}%`;
  bar.append(fill);
  return bar;
}

export function card(label, value, testId) {
  return h('div', { class: 'card', 'data-testid': testId }, h('div', { class: 'label' }, label), h('div', { class: 'value' }, value));
}

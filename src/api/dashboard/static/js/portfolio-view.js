import { findResult } from './api.js';
import { badge, card, fmtInt, fmtMoney, fmtPct, h } from './dom.js';
import { driftChart } from './drift-chart.js';

/** Drift as the service defines it, 1 − actual/target; none for a 0-target position. */
function drift(actual, target) {
  const t = Number(target);
  return t > 0 && actual !== null && actual !== undefined ? 1 - Number(actual) / t : null;
}

function positionRow(p) {
  return h('tr', { 'data-security': p.security_id },
    h('td', {}, p.security_id),
    h('td', { class: 'num' }, fmtMoney(p.price)),
    h('td', { class: 'num' }, fmtInt(p.original_quantity)),
    h('td', { class: 'num' }, fmtInt(p.adjusted_quantity)),
    h('td', { class: 'trade' }, p.transaction_type ? `${p.transaction_type} ${fmtInt(p.trade_quantity)}` : '—'),
    h('td', { class: 'num' }, fmtPct(p.target)),
    h('td', { class: 'num' }, `−${fmtPct(p.low_drift)} / +${fmtPct(p.high_drift)}`),
    h('td', { class: 'num' }, fmtPct(p.actual_before)),
    h('td', { class: 'num' }, fmtPct(p.actual)),
    h('td', { class: 'num' }, fmtPct(drift(p.actual_before, p.target))),
    h('td', { class: 'num' }, fmtPct(p.actual_drift ?? drift(p.actual, p.target))),
  );
}

function legend() {
  const swatch = (color) => {
    const s = h('span', { class: 'swatch' });
    s.style.background = color;
    return s;
  };
  return h('div', { class: 'legend' },
    h('span', {}, swatch('#dbe6fb'), 'drift band'), h('span', {}, swatch('#1d2330'), 'target'),
    h('span', {}, swatch('#98a2b3'), 'weight before'), h('span', {}, swatch('#2456c9'), 'weight after'));
}

function render(root, runId, r) {
  const positions = r.positions ?? [];
  // replaceChildren would print a null as the text "null".
  const parts = [
    h('p', {}, h('a', { href: `#/runs/${encodeURIComponent(runId)}` }, '← Run ', runId)),
    h('h1', {}, 'Portfolio ', h('code', {}, r.portfolio_id), ' ', badge(r.status)),
    h('p', { class: 'muted' }, `Model ${r.model_id}`),
    r.reason ? h('p', { class: 'error', 'data-testid': 'reason' }, r.reason) : null,
    h('div', { class: 'cards' },
      card('Market value', fmtMoney(r.market_value), 'market_value'),
      card('Cash before', fmtMoney(r.cash_before), 'cash_before'),
      card('Cash after', fmtMoney(r.cash_after), 'cash_after'),
      card('Trades', fmtInt(r.trade_count), 'trade_count'),
    ),
    positions.length > 0 ? h('h2', {}, 'Weights against drift bands') : null,
    positions.length > 0 ? legend() : null,
    positions.length > 0 ? h('div', { class: 'chart' }, driftChart(positions)) : null,
    h('h2', {}, 'Positions'),
    h('table', { 'data-testid': 'positions' },
      h('thead', {}, h('tr', {}, ['Security', 'Price', 'Qty before', 'Qty after', 'Trade', 'Target', 'Band', 'Weight before', 'Weight after', 'Drift before', 'Drift after'].map((t) => h('th', {}, t)))),
      h('tbody', {}, positions.map(positionRow))),
  ];
  root.replaceChildren(...parts.filter(Boolean));
}

/** One portfolio of a run: its outcome, the drift chart and its positions. */
export function portfolioView(root, runId, portfolioId, modelId) {
  root.replaceChildren(h('p', { class: 'muted' }, 'Loading portfolio…'));
  findResult(runId, portfolioId, modelId)
    .then((r) => {
      if (r) render(root, runId, r);
      else root.replaceChildren(h('p', { class: 'error' }, `No result for portfolio ${portfolioId} in run ${runId}.`));
    })
    .catch((e) => root.replaceChildren(h('p', { class: 'error' }, `Could not load portfolio: ${e.message}`)));
  return () => undefined;
}

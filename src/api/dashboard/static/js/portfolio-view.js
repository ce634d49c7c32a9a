import { findResult, modelNameMap } from './api.js';
import { badge, card, COLOURS, fmtInt, fmtMoney, fmtPoints, fmtWeight, h, legend, modelLabel } from './dom.js';
import { driftChart } from './drift-chart.js';
import { lotsTable, taxPanel } from './tax-view.js';

/** How far a weight is outside [target − low, target + high], as a fraction (0 inside). */
export function outsideBand(weight, p) {
  if (weight === null || weight === undefined) return null;
  const w = Number(weight);
  const low = Number(p.target) - Number(p.low_drift);
  const high = Number(p.target) + Number(p.high_drift);
  return w < low ? w - low : w > high ? w - high : 0;
}

function breachCell(weight, p) {
  const d = outsideBand(weight, p);
  return h('td', { class: `num${d ? ' error' : ''}` }, d === 0 ? 'inside' : fmtPoints(d));
}

function positionRow(p) {
  return h('tr', { 'data-security': p.security_id },
    h('td', { class: 'id', title: `security ${p.security_id}` }, p.ticker ?? p.security_id),
    h('td', { class: 'num' }, fmtMoney(p.price)),
    h('td', { class: 'num' }, fmtInt(p.original_quantity)),
    h('td', { class: 'num' }, fmtInt(p.adjusted_quantity)),
    h('td', { class: 'trade' }, p.transaction_type ? `${p.transaction_type} ${fmtInt(p.trade_quantity)}` : '—'),
    h('td', { class: 'num' }, fmtWeight(p.target)),
    h('td', { class: 'num' }, `${fmtPoints(-Number(p.low_drift))} / ${fmtPoints(Number(p.high_drift))}`),
    h('td', { class: 'num' }, fmtWeight(p.actual_before)),
    h('td', { class: 'num' }, fmtWeight(p.actual)),
    breachCell(p.actual_before, p),
    breachCell(p.actual, p),
  );
}

const HEADERS = ['Security', 'Price', 'Qty before', 'Qty after', 'Trade', 'Target weight', 'Band (pp)', 'Weight before', 'Weight after', 'Outside band before', 'Outside band after'];

function render(root, runId, r, modelName) {
  const positions = r.positions ?? [];
  // replaceChildren would print a null as the text "null".
  const parts = [
    h('p', {}, h('a', { href: `#/runs/${encodeURIComponent(runId)}` }, '← Run ', runId)),
    h('h1', {}, 'Portfolio ', h('code', { title: `portfolio ${r.portfolio_id}` }, r.portfolio_name ?? r.portfolio_id), ' ', badge(r.status)),
    h('p', { class: 'muted' }, 'Model ', modelLabel(r.model_id, modelName)),
    r.reason ? h('p', { class: 'error', 'data-testid': 'reason' }, r.reason) : null,
    h('div', { class: 'cards' },
      card('Market value', fmtMoney(r.market_value), 'market_value'),
      card('Cash before', fmtMoney(r.cash_before), 'cash_before'),
      card('Cash after', fmtMoney(r.cash_after), 'cash_after'),
      card('Trades', fmtInt(r.trade_count), 'trade_count'),
    ),
    taxPanel(r),
    lotsTable(positions),
    positions.length > 0 ? h('h2', {}, 'Weights against drift bands (% of market value)') : null,
    positions.length > 0 ? legend([[COLOURS.band, 'drift band'], [COLOURS.target, 'target'], [COLOURS.before, 'weight before'], [COLOURS.after, 'weight after']], 'drift-legend') : null,
    positions.length > 0 ? h('div', { class: 'chart' }, driftChart(positions)) : null,
    h('h2', {}, 'Positions'),
    h('p', { class: 'muted' }, 'Weights in % of market value; band and distance outside it in weight percentage points (pp).'),
    h('table', { 'data-testid': 'positions' },
      h('thead', {}, h('tr', {}, HEADERS.map((t) => h('th', {}, t)))),
      h('tbody', {}, positions.map(positionRow))),
  ];
  root.replaceChildren(...parts.filter(Boolean));
}

/** One portfolio of a run: its outcome, the drift chart and its positions. */
export function portfolioView(root, runId, portfolioId, modelId) {
  root.replaceChildren(h('p', { class: 'muted' }, 'loading portfolio…'));
  Promise.all([findResult(runId, portfolioId, modelId), modelNameMap()])
    .then(([r, names]) => {
      if (r) render(root, runId, r, r.model_name ?? names.get(r.model_id));
      else root.replaceChildren(h('p', { class: 'error' }, `No result for portfolio ${portfolioId} in run ${runId}.`));
    })
    .catch((e) => root.replaceChildren(h('p', { class: 'error' }, `Could not load portfolio: ${e.message}`)));
  return () => undefined;
}

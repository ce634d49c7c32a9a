import { COLOURS, fmtInt, fmtMoney, h, legend } from './dom.js';
import { canvas, el, niceTicks } from './svg.js';

const W = 520;
const H = 220;
const PAD = { left: 48, right: 10, top: 12, bottom: 42 };

/**
 * Labels for histogram buckets given by their lower edges (the summary's `buckets`): `0` for an
 * exact-zero bucket (inside every band, no trades), `>0–0.25` for the one just above it, then
 * `0.25–0.5` …, and `≥ 10` for the last, open-ended one. `counts` may also have one bucket fewer
 * than `edges` (edges as boundaries).
 */
export function bucketLabels(edges, n, unit) {
  const fmt = (v) => (v > 0 && v < 0.01 ? '>0' : Number(v).toLocaleString('en-US', { maximumFractionDigits: 2 }));
  return Array.from({ length: n }, (_v, i) => {
    const low = Number(edges[i] ?? edges.at(-1));
    const high = edges[i + 1] === undefined ? undefined : Number(edges[i + 1]);
    if (high === undefined) return `≥ ${fmt(low)}${unit}`;
    if (low === 0 && high <= 0.001) return '0';
    return `${fmt(low)}–${fmt(high)}`;
  });
}

/** Vertical bars per bucket, one bar per series side by side; `series` = [{label, colour, counts}]. */
function histogram(labels, series, { label, testId, yLabel }) {
  const svg = canvas(W, H, label, testId);
  const max = Math.max(1, ...series.flatMap((s) => s.counts.map(Number)));
  const ticks = niceTicks(max, 4);
  const top = ticks.at(-1);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const y = (v) => PAD.top + plotH - (v / top) * plotH;
  for (const t of ticks) {
    svg.append(el('line', { class: 'grid', x1: PAD.left, x2: W - PAD.right, y1: y(t), y2: y(t) }));
    svg.append(el('text', { x: PAD.left - 6, y: y(t) + 4, 'text-anchor': 'end', class: 'small' }, fmtInt(t)));
  }
  svg.append(el('text', { x: 10, y: PAD.top + plotH / 2, transform: `rotate(-90 10 ${PAD.top + plotH / 2})`, 'text-anchor': 'middle', class: 'small' }, yLabel));
  const slot = plotW / Math.max(1, labels.length);
  const barW = Math.max(2, (slot * 0.8) / series.length);
  labels.forEach((text, i) => {
    const x0 = PAD.left + i * slot + slot * 0.1;
    series.forEach((s, k) => {
      const v = Number(s.counts[i] ?? 0);
      const bar = el('rect', { class: `bar ${s.key}`, x: x0 + k * barW, y: y(v), width: barW - 1, height: Math.max(0, PAD.top + plotH - y(v)), fill: s.colour });
      bar.append(el('title', {}, `${text}: ${fmtInt(v)} portfolios ${s.label}`));
      svg.append(bar);
    });
    svg.append(el('text', { x: x0 + (slot * 0.8) / 2, y: H - PAD.bottom + 14, 'text-anchor': 'middle', class: 'small' }, text));
  });
  svg.append(el('line', { class: 'axis', x1: PAD.left, x2: W - PAD.right, y1: PAD.top + plotH, y2: PAD.top + plotH }));
  return svg;
}

function breachChart(s) {
  const before = s.breach_before ?? { buckets: [], counts: [] };
  const after = s.breach_after ?? { buckets: [], counts: [] };
  const n = Math.max(before.counts.length, after.counts.length);
  const labels = bucketLabels(before.buckets.length ? before.buckets : after.buckets, n, '');
  return h('div', { class: 'chart' },
    h('h3', {}, 'Largest band breach per portfolio (weight percentage points)'),
    legend([[COLOURS.before, 'before rebalancing'], [COLOURS.after, 'after rebalancing']], 'breach-legend'),
    histogram(labels, [{ key: 'before', label: 'before', colour: COLOURS.before, counts: before.counts }, { key: 'after', label: 'after', colour: COLOURS.after, counts: after.counts }],
      { label: 'Portfolios by largest distance outside any band, before and after', testId: 'breach-chart', yLabel: 'portfolios' }),
    h('p', { class: 'muted' }, '0 = every position inside its band.'),
  );
}

function turnoverChart(s) {
  const t = s.turnover ?? { buckets: [], counts: [] };
  return h('div', { class: 'chart' },
    h('h3', {}, 'Turnover per portfolio (traded value, % of market value)'),
    legend([[COLOURS.after, 'portfolios']], 'turnover-legend'),
    histogram(bucketLabels(t.buckets, t.counts.length, ' %'), [{ key: 'turnover', label: '', colour: COLOURS.after, counts: t.counts }],
      { label: 'Portfolios by turnover', testId: 'turnover-chart', yLabel: 'portfolios' }),
  );
}

/** Horizontal bars: rows of [{label, title, parts:[{value, colour, key}], note}] on one value scale. */
function hbars(rows, { label, testId, labelWidth = 150 }) {
  const rowH = 22;
  const height = PAD.top + rows.length * rowH + 24;
  const svg = canvas(W, height, label, testId);
  const max = Math.max(1, ...rows.map((r) => r.parts.reduce((n, p) => n + p.value, 0)));
  const ticks = niceTicks(max, 4);
  const plotW = W - labelWidth - 90;
  const x = (v) => labelWidth + (v / ticks.at(-1)) * plotW;
  for (const t of ticks) {
    svg.append(el('line', { class: 'grid', x1: x(t), x2: x(t), y1: PAD.top - 4, y2: height - 20 }));
    svg.append(el('text', { x: x(t), y: height - 6, 'text-anchor': 'middle', class: 'small' }, compactMoney(t)));
  }
  rows.forEach((r, i) => {
    const y = PAD.top + i * rowH;
    const g = el('g', { class: 'row', 'data-key': r.key });
    g.append(el('text', { x: labelWidth - 6, y: y + 14, 'text-anchor': 'end' }, r.label));
    let at = 0;
    for (const p of r.parts) {
      g.append(el('rect', { class: `bar ${p.key}`, x: x(at), y: y + 3, width: Math.max(0, x(at + p.value) - x(at)), height: rowH - 7, fill: p.colour }));
      at += p.value;
    }
    g.append(el('text', { x: x(at) + 4, y: y + 14, class: 'small' }, r.note));
    g.append(el('title', {}, r.title));
    svg.append(g);
  });
  return svg;
}

function compactMoney(v) {
  return `$${Number(v).toLocaleString('en-US', { notation: 'compact', maximumFractionDigits: 1 })}`;
}

function flowChart(s) {
  const buy = Number(s.buy_value ?? 0);
  const sell = Number(s.sell_value ?? 0);
  return h('div', { class: 'chart' },
    h('h3', {}, 'Buys vs sells by value'),
    legend([[COLOURS.buy, 'buys'], [COLOURS.sell, 'sells']], 'flow-legend'),
    hbars([
      { key: 'buy', label: 'Buys', parts: [{ key: 'buy', value: buy, colour: COLOURS.buy }], note: `$${fmtMoney(s.buy_value ?? '0')}`, title: `bought $${fmtMoney(s.buy_value ?? '0')}` },
      { key: 'sell', label: 'Sells', parts: [{ key: 'sell', value: sell, colour: COLOURS.sell }], note: `$${fmtMoney(s.sell_value ?? '0')}`, title: `sold $${fmtMoney(s.sell_value ?? '0')}` },
    ], { label: 'Value bought and sold', testId: 'flow-chart', labelWidth: 60 }),
  );
}

function topChart(s) {
  const top = s.top_securities ?? [];
  return h('div', { class: 'chart' },
    h('h3', {}, `Top ${top.length} traded securities by value`),
    legend([[COLOURS.buy, 'bought'], [COLOURS.sell, 'sold']], 'top-legend'),
    top.length === 0
      ? h('p', { class: 'muted' }, 'No trades yet.')
      : hbars(top.map((t) => ({
        key: t.security_id,
        label: t.ticker ?? `${t.security_id.slice(0, 6)}…${t.security_id.slice(-4)}`,
        parts: [{ key: 'buy', value: Number(t.buy_value), colour: COLOURS.buy }, { key: 'sell', value: Number(t.sell_value), colour: COLOURS.sell }],
        note: `${fmtInt(t.orders)} orders`,
        title: `${t.ticker ? `${t.ticker} ` : ''}${t.security_id}: bought $${fmtMoney(t.buy_value)}, sold $${fmtMoney(t.sell_value)}, ${fmtInt(t.orders)} orders`,
      })), { label: 'Most traded securities by value', testId: 'top-chart', labelWidth: 110 }),
  );
}

/** The run's pictures from `/runs/{id}/summary`. */
export function runCharts(summary) {
  return h('div', { class: 'charts', 'data-testid': 'run-charts' }, breachChart(summary), turnoverChart(summary), flowChart(summary), topChart(summary));
}

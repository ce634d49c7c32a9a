import { COLOURS } from './dom.js';
import { canvas, el, niceTicks } from './svg.js';

const ROW = 24;
const LABEL_W = 200;
const PLOT_W = 640;
const VALUE_W = 170;
const TOP = 24;

const num = (v) => (v === null || v === undefined || v === '' ? 0 : Number(v));
/** Weights in percent of market value, as many decimals as the tick step needs. */
const pct = (v, digits = 2) => `${(v * 100).toFixed(digits)} %`;

/**
 * Weight of each position before and after the rebalance against its drift band, in percent of
 * market value. Per row: the band [target − low, target + high] as a pale strip, the target as a
 * tick, the weight before as a grey bar and after as a blue bar; a bar ending outside its strip
 * is a position out of band. The axis ends at a round number just past the largest value, and
 * the drawing scales to the card's width.
 */
export function driftChart(positions) {
  const rows = positions.map((p) => {
    const target = num(p.target);
    return {
      id: p.security_id,
      label: p.ticker ?? p.security_id,
      target,
      low: Math.max(0, target - num(p.low_drift)),
      high: target + num(p.high_drift),
      before: num(p.actual_before),
      after: num(p.actual),
      modelled: target > 0 || num(p.high_drift) > 0,
    };
  });
  const largest = Math.max(0.0001, ...rows.map((r) => Math.max(r.high, r.before, r.after)));
  const ticks = niceTicks(largest * 100, 5).map((t) => t / 100);
  const max = ticks.at(-1);
  const digits = ticks[1] !== undefined && (ticks[1] * 100) % 1 !== 0 ? 1 : 0;
  const x = (v) => LABEL_W + (v / max) * PLOT_W;
  const width = LABEL_W + PLOT_W + VALUE_W;
  const height = TOP + rows.length * ROW + 8;
  const svg = canvas(width, height, 'Position weights before and after rebalancing against their drift bands', 'drift-chart');
  for (const v of ticks) {
    svg.append(el('line', { class: 'grid', x1: x(v), x2: x(v), y1: TOP - 4, y2: height - 8 }));
    svg.append(el('text', { x: x(v), y: 13, 'text-anchor': 'middle', class: 'small' }, pct(v, digits)));
  }
  rows.forEach((r, i) => {
    const y = TOP + i * ROW;
    const g = el('g', { 'data-security': r.id, class: 'row' });
    g.append(el('text', { x: 4, y: y + 15, class: 'id' }, r.label.length > 26 ? `${r.label.slice(0, 12)}…${r.label.slice(-8)}` : r.label));
    if (r.modelled) {
      g.append(el('rect', { class: 'band', x: x(r.low), y: y + 2, width: Math.max(1, x(r.high) - x(r.low)), height: ROW - 4, fill: COLOURS.band }));
      g.append(el('line', { class: 'target', x1: x(r.target), x2: x(r.target), y1: y + 1, y2: y + ROW - 1, stroke: COLOURS.target, 'stroke-width': 2 }));
    }
    g.append(el('rect', { class: 'before', x: x(0), y: y + 5, width: Math.max(0, x(r.before) - x(0)), height: 6, fill: COLOURS.before }));
    g.append(el('rect', { class: 'after', x: x(0), y: y + 12, width: Math.max(0, x(r.after) - x(0)), height: 6, fill: COLOURS.after }));
    g.append(el('text', { x: LABEL_W + PLOT_W + 8, y: y + 15 }, `${pct(r.before)} → ${pct(r.after)}`));
    g.append(el('title', {}, `${r.id}: target ${pct(r.target)}, band ${pct(r.low)} – ${pct(r.high)}, before ${pct(r.before)}, after ${pct(r.after)}`));
    svg.append(g);
  });
  return svg;
}

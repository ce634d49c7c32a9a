const SVG = 'http://www.w3.org/2000/svg';
const ROW = 24;
const LABEL_W = 190;
const PLOT_W = 520;
const VALUE_W = 150;
const TOP = 22;

function el(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

const num = (v) => (v === null || v === undefined || v === '' ? 0 : Number(v));
const pct = (v) => `${(v * 100).toFixed(2)}%`;

/**
 * Weight of each position before and after the rebalance against its drift band.
 * Per row: the band [target − low, target + high] as a pale strip, the target as a tick,
 * the weight before as a grey bar and after as a blue bar. A bar ending outside its strip is
 * a position out of band.
 */
export function driftChart(positions) {
  const rows = positions.map((p) => {
    const target = num(p.target);
    return {
      id: p.security_id,
      target,
      low: Math.max(0, target - num(p.low_drift)),
      high: target + num(p.high_drift),
      before: num(p.actual_before),
      after: num(p.actual),
      modelled: target > 0 || num(p.high_drift) > 0,
    };
  });
  const max = Math.max(0.01, ...rows.map((r) => Math.max(r.high, r.before, r.after))) * 1.08;
  const x = (v) => LABEL_W + (v / max) * PLOT_W;
  const height = TOP + rows.length * ROW + 8;
  const svg = el('svg', {
    width: LABEL_W + PLOT_W + VALUE_W,
    height,
    viewBox: `0 0 ${LABEL_W + PLOT_W + VALUE_W} ${height}`,
    role: 'img',
    'aria-label': 'Position weights before and after rebalancing against their drift bands',
    'data-testid': 'drift-chart',
  });
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    const v = max * tick;
    svg.append(el('line', { x1: x(v), x2: x(v), y1: TOP - 4, y2: height - 8, stroke: '#e4e7ec' }));
    svg.append(el('text', { x: x(v), y: 12, 'text-anchor': 'middle' }, pct(v)));
  }
  rows.forEach((r, i) => {
    const y = TOP + i * ROW;
    const g = el('g', { 'data-security': r.id, class: 'row' });
    g.append(el('text', { x: 4, y: y + 15 }, r.id));
    if (r.modelled) {
      g.append(el('rect', { class: 'band', x: x(r.low), y: y + 2, width: Math.max(1, x(r.high) - x(r.low)), height: ROW - 4, fill: '#dbe6fb' }));
      g.append(el('line', { class: 'target', x1: x(r.target), x2: x(r.target), y1: y + 1, y2: y + ROW - 1, stroke: '#1d2330', 'stroke-width': 2 }));
    }
    g.append(el('rect', { class: 'before', x: x(0), y: y + 5, width: Math.max(0, x(r.before) - x(0)), height: 6, fill: '#98a2b3' }));
    g.append(el('rect', { class: 'after', x: x(0), y: y + 12, width: Math.max(0, x(r.after) - x(0)), height: 6, fill: '#2456c9' }));
    g.append(el('text', { x: LABEL_W + PLOT_W + 8, y: y + 15 }, `${pct(r.before)} → ${pct(r.after)}`));
    g.append(el('title', {}, `${r.id}: target ${pct(r.target)}, band ${pct(r.low)}–${pct(r.high)}, before ${pct(r.before)}, after ${pct(r.after)}`));
    svg.append(g);
  });
  return svg;
}

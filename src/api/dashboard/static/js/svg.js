const SVG = 'http://www.w3.org/2000/svg';

/** An SVG element; `text` goes in as text, never markup. */
export function el(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A responsive chart canvas: drawn in `width`×`height` units, scaled to its card's width. */
export function canvas(width, height, label, testId) {
  return el('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': label, 'data-testid': testId, preserveAspectRatio: 'xMinYMin meet' });
}

/**
 * Tick values for an axis from 0 to at least `max`: steps of 1, 2 or 5 × 10^k, about `count`
 * of them, so labels read 0, 5, 10, 15 rather than 0.81, 1.62.
 */
export function niceTicks(max, count = 5) {
  const top = max > 0 ? max : 1;
  const raw = top / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks = [];
  for (let v = 0; v < top + step * 0.999; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

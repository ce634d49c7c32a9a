/**
 * The flat cover, a second incumbent for the tax cut (`tax-search.ts`): every security inside the
 * stretch of counts where its reduced cost is zero, and among such covers the least overshoot of
 * the excess. Its cost is the Lagrangian bound plus λ × that overshoot, so where the stretches can
 * free the excess exactly (many securities below target, every unit costing the same per money)
 * the search starts from an optimal cover and only has to confirm it.
 */
import { buildFullPriceSums } from '../fast-path/full-price-sums.js';
import { allowedAt } from './security-cost.js';
import type { Item } from './tax-cut-root.js';

/** Flexible items the flat cover leaves to its exact subset-sum step (the rest are filled greedily). */
const FLAT_EXACT_ITEMS = 24;
/** Units of each of those that the greedy part leaves them to place. */
const FLAT_RESERVE_UNITS = 4;
/** Most money the exact part places: its bitsets take (this / 32) words per security. */
const FLAT_RESERVE_MAX = 1 << 18;

/**
 * The stretch of counts where `item`'s reduced cost g − λ·d·unit − lagrangian is least (zero up
 * to rounding): consecutive candidate points at the minimum, g λ-linear between them, so every
 * count in it has reduced cost zero. Sets `flatFrom` and `flatTo`.
 */
export function setFlatStretch(item: Item, lambda: number): void {
  const { points, gains, unit, lagrangian } = item;
  const tiny = 1e-11 * item.magnitude + 1e-9;
  let first = -1;
  let last = -1;
  for (let k = 0; k < points.length; k++) {
    if ((gains[k] as number) - lambda * (points[k] as number) * unit - lagrangian > tiny) {
      if (first >= 0) break;
      continue;
    }
    if (first < 0) first = k;
    last = k;
  }
  item.flatFrom = first < 0 ? 0 : (points[first] as number);
  item.flatTo = first < 0 ? 0 : (points[last] as number);
}

/**
 * A cover with every security inside its flat stretch and the least overshoot such covers allow,
 * or null. Its cost is the Lagrangian bound plus λ × that overshoot, so when the stretches can
 * free exactly what is needed (the usual case when many securities sit below their targets, where
 * every unit costs the same per money) it is optimal and the search only has to confirm it. The
 * flexible securities but the last {@link FLAT_EXACT_ITEMS} are filled greedily without passing
 * the need; the rest is an exact least-overshoot subset sum (`full-price-sums.ts`) over those last
 * ones, read back one security at a time.
 */
export function flatCover(items: Item[], need: number): Int32Array | null {
  const counts = new Int32Array(items.length);
  let left = need;
  const flexible: number[] = [];
  for (let j = 0; j < items.length; j++) {
    const item = items[j] as Item;
    counts[j] = item.flatFrom;
    left -= item.flatFrom * item.unit;
    if (item.flatTo > item.flatFrom) flexible.push(j);
  }
  const exact = flexible.slice(Math.max(0, flexible.length - FLAT_EXACT_ITEMS)).map((j) => {
    const item = items[j] as Item;
    return { j, unit: item.unit, most: item.flatTo - item.flatFrom };
  });
  // What the greedy part leaves to the exact part: enough units of it that its sums are dense.
  let reserve = 0;
  for (const { unit, most } of exact) reserve += Math.min(most, FLAT_RESERVE_UNITS) * unit;
  reserve = Math.min(reserve, FLAT_RESERVE_MAX);
  for (let f = 0; f < flexible.length - exact.length && left > reserve; f++) {
    const j = flexible[f] as number;
    const item = items[j] as Item;
    const take = Math.min(item.flatTo - item.flatFrom, Math.ceil((left - reserve) / item.unit), Math.floor(left / item.unit));
    counts[j] = (counts[j] as number) + take;
    left -= take * item.unit;
  }
  if (left > FLAT_RESERVE_MAX) return null;
  if (left > 0) {
    const sums = buildFullPriceSums(exact, left);
    if (sums === null || sums.least(0, left) === Number.POSITIVE_INFINITY) return null;
    // Read the least overshoot O back: each security takes the first count after which the
    // securities after it still free exactly what is left plus O.
    const overshoot = sums.least(0, left);
    for (let e = 0; e < exact.length && left > 0; e++) {
      const { j, unit, most } = exact[e] as { j: number; unit: number; most: number };
      for (let x = 0; x <= most; x++) {
        const rest = left - x * unit;
        if (rest <= 0 ? -rest !== overshoot : sums.least(e + 1, rest) !== overshoot) continue;
        counts[j] = (counts[j] as number) + x;
        left = rest;
        break;
      }
    }
    if (left > 0) return null;
  }
  let freed = 0;
  for (let j = 0; j < items.length; j++) {
    const item = items[j] as Item;
    if (!allowedAt(item.p, item.p.best - (counts[j] as number))) return null;
    freed += (counts[j] as number) * item.unit;
  }
  return freed >= need ? counts : null;
}

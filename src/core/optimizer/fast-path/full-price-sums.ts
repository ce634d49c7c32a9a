/**
 * Exact completion bound over the full-price items of the cover. Every full-price unit costs S
 * per money unit, so completing a cover from item j on with `need` still to free costs exactly
 * S·(need + least overshoot), where the least overshoot is the smallest reachable sum of those
 * items at or above `need`, minus `need`: a bounded subset-sum question. One bitset per suffix
 * [j, n) of the items answers it: bit s is set when items [j, n) can free exactly s.
 *
 * Only sums up to `needCap + largest unit` are kept: the least sum ≥ need of any cover is below
 * need + (a unit it uses), or that unit could be dropped and the cover would still hold. When the
 * bitsets would take more than `MAX_WORDS`, `build` returns null and the caller's memoised search
 * answers instead (slower on dense books, equally exact).
 */
import type { CashItem } from './cash-items.js';

const MAX_WORDS = 1 << 22;

/** Suffix bitsets of the full-price items: `least(j, need)` is exact and costs a short scan. */
export interface FullPriceSums {
  /** Least overshoot of covering `need` (≥ 1) with items [first + j, n); Infinity when none. */
  least(j: number, need: number): number;
}

function shiftOr(bits: Int32Array, to: number, from: number, words: number, shift: number): void {
  const ws = shift >>> 5;
  const bs = shift & 31;
  const end = to + words;
  if (bs === 0) {
    for (let i = to + ws, k = from; i < end; i++, k++) bits[i] |= bits[k] as number;
    return;
  }
  const back = 32 - bs;
  bits[to + ws] |= (bits[from] as number) << bs;
  for (let i = to + ws + 1, k = from + 1; i < end; i++, k++) {
    bits[i] |= ((bits[k] as number) << bs) | ((bits[k - 1] as number) >>> back);
  }
}

/** Bitsets for `items` (full-price, in search order), for needs up to `needCap`; null if too large. */
export function buildFullPriceSums(items: CashItem[], needCap: number): FullPriceSums | null {
  let capacity = 0;
  let largest = 0;
  for (const item of items) {
    capacity += item.most * item.unit;
    largest = Math.max(largest, item.unit);
  }
  const top = Math.min(capacity, needCap + largest);
  const words = (top >>> 5) + 1;
  const rows = items.length + 1;
  if (rows * words > MAX_WORDS) return null;
  const bits = new Int32Array(rows * words);
  bits[items.length * words] = 1;
  for (let j = items.length - 1; j >= 0; j--) {
    const item = items[j] as CashItem;
    const to = j * words;
    const from = to + words;
    bits.copyWithin(to, from, from + words);
    for (let d = 1; d <= item.most && d * item.unit <= top; d++) shiftOr(bits, to, from, words, d * item.unit);
  }
  return {
    least(j: number, need: number): number {
      if (need > top) return Number.POSITIVE_INFINITY;
      const base = j * words;
      let w = need >>> 5;
      let word = (bits[base + w] as number) & (-1 << (need & 31));
      while (word === 0) {
        if (++w >= words) return Number.POSITIVE_INFINITY;
        word = bits[base + w] as number;
      }
      const s = w * 32 + (31 - Math.clz32(word & -word));
      return s > top ? Number.POSITIVE_INFINITY : s - need;
    },
  };
}

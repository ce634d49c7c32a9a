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
/** Word operations the bitsets may take to build. */
const MAX_WORK = 1 << 24;

/** Suffix bitsets of the full-price items: `least(j, need)` is exact and costs a short scan. */
export interface FullPriceSums {
  /** Least overshoot of covering `need` (≥ 1) with items [first + j, n); Infinity when none. */
  least(j: number, need: number): number;
}

/** row |= row << shift, in place (descending, so every read is of a word not yet written). */
function shiftOr(bits: Int32Array, row: number, words: number, shift: number): void {
  const ws = shift >>> 5;
  const bs = shift & 31;
  if (bs === 0) {
    for (let i = row + words - 1, k = i - ws; k >= row; i--, k--) bits[i] = (bits[i] as number) | (bits[k] as number);
    return;
  }
  const back = 32 - bs;
  let i = row + words - 1;
  for (let k = i - ws; k > row; i--, k--) {
    bits[i] = (bits[i] as number) | ((bits[k] as number) << bs) | ((bits[k - 1] as number) >>> back);
  }
  bits[i] = (bits[i] as number) | ((bits[row] as number) << bs);
}

/** Binary splitting: parts 1, 2, 4, … and a remainder reach exactly the counts 0..most. */
function parts(most: number): number[] {
  const out: number[] = [];
  let left = most;
  for (let part = 1; left > 0; part *= 2) {
    const take = Math.min(part, left);
    out.push(take);
    left -= take;
  }
  return out;
}

/**
 * The first index j from which the bitsets of `items` [j, n), for needs up to `needCap`, stay
 * within the size and work limits; n when not even the last item fits.
 */
export function longestAffordableSuffix(items: readonly Pick<CashItem, 'unit' | 'most'>[], needCap: number): number {
  let capacity = 0;
  let largest = 0;
  let parted = 0;
  for (let j = items.length - 1; j >= 0; j--) {
    const item = items[j] as Pick<CashItem, 'unit' | 'most'>;
    capacity += item.most * item.unit;
    largest = Math.max(largest, item.unit);
    parted += parts(item.most).length;
    const words = (Math.min(capacity, needCap + largest) >>> 5) + 1;
    if ((items.length - j + 1) * words > MAX_WORDS || parted * words > MAX_WORK) return j + 1;
  }
  return 0;
}

/**
 * Bitsets for `items` (full-price, in search order; the tax search passes its securities with
 * their largest count), for needs up to `needCap`; null if too large.
 */
export function buildFullPriceSums(items: readonly Pick<CashItem, 'unit' | 'most'>[], needCap: number): FullPriceSums | null {
  let capacity = 0;
  let largest = 0;
  for (const item of items) {
    capacity += item.most * item.unit;
    largest = Math.max(largest, item.unit);
  }
  const top = Math.min(capacity, needCap + largest);
  const words = (top >>> 5) + 1;
  const rows = items.length + 1;
  const split = items.map((item) => parts(item.most));
  const work = split.reduce((sum, list) => sum + list.length, 0) * words;
  if (rows * words > MAX_WORDS || work > MAX_WORK) return null;
  const bits = new Int32Array(rows * words);
  bits[items.length * words] = 1;
  for (let j = items.length - 1; j >= 0; j--) {
    const unit = (items[j] as Pick<CashItem, 'unit'>).unit;
    const to = j * words;
    bits.copyWithin(to, to + words, to + 2 * words);
    for (const part of split[j] as number[]) {
      if (part * unit <= top) shiftOr(bits, to, words, part * unit);
    }
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

import { describe, expect, it } from '@jest/globals';
import type { CashItem } from '../../../src/core/optimizer/fast-path/cash-items.js';
import { buildFullPriceSums } from '../../../src/core/optimizer/fast-path/full-price-sums.js';
import { seededRandom } from '../../support/seeded-random.js';

/** Every sum items [j, n) can free, by brute force. */
function reachable(items: { unit: number; most: number }[], j: number): Set<number> {
  let sums = new Set([0]);
  for (const item of items.slice(j)) {
    const next = new Set<number>();
    for (const s of sums) for (let d = 0; d <= item.most; d++) next.add(s + d * item.unit);
    sums = next;
  }
  return sums;
}

describe('full-price completion bitsets', () => {
  it('when random bounded items are queried at every need, then the least overshoot matches brute force', () => {
    const rand = seededRandom(4242);
    let compared = 0;
    for (let round = 0; round < 80; round++) {
      const count = 1 + Math.floor(rand() * 6);
      const items = Array.from({ length: count }, () => ({ unit: 1 + Math.floor(rand() * (rand() < 0.5 ? 40 : 300)), most: 1 + Math.floor(rand() * 7) }));
      const needCap = 1 + Math.floor(rand() * 400);
      const sums = buildFullPriceSums(items as unknown as CashItem[], needCap);
      expect(sums).not.toBeNull();
      for (let j = 0; j < count; j++) {
        const all = [...reachable(items, j)].sort((a, b) => a - b);
        for (let need = 1; need <= needCap; need++) {
          const least = all.find((s) => s >= need);
          expect(sums?.least(j, need)).toBe(least === undefined ? Number.POSITIVE_INFINITY : least - need);
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(5_000);
  });
});

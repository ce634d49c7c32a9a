/**
 * Realistic books whose tax cash cut is a subset sum: most securities sit below their targets,
 * where every unit given up costs the same per money, so the Lagrangian bound is reached exactly
 * by a cover that frees exactly the excess. Before the flat cover (`flat-cover.ts`)
 * seeded the search with such a cover, these books ran into the node cap. Also:
 * the tax search's own node cap.
 */
import { describe, expect, it } from '@jest/globals';
import { solve } from '../../../src/core/optimizer/index.js';
import { generate } from '../../support/oracle/generator.js';
import { withTax } from '../../support/oracle/tax-lots.js';

/** `bench/solver.ts`'s "tax: realistic ≤ $1M, cash binding" book `i` at N = 100. */
function benchBook(i: number) {
  const n = 100;
  const base = generate(1_000_003 * n + i * 7 + 1, { n, fullyInvested: 1, narrowBands: 0, marketValue: [1e4, 1e6] });
  return withTax(base, 7_000_000 + i, { maxLots: 20, wash: [0, 0] });
}

describe('tax cash cut over securities below target', () => {
  it.each([23, 52, 58])('proves bench book %i optimal within the node cap', (i) => {
    const result = solve(benchBook(i));
    expect(result.reason).toBeNull();
    expect(result.status).toBe('optimal');
  });
});

describe('tax search node cap', () => {
  // Book 59 needs more nodes than the fast path's 200,000-node cap (asserted below) and fewer than
  // the tax search's own (the tax path has no general path to fall back on).
  it('proves a book that needs more nodes than the fast path allows', () => {
    const result = solve(benchBook(59));
    expect(result.reason).toBeNull();
    expect(result.status).toBe('optimal');
    expect(solve(benchBook(59), { nodeCap: 200_000 }).status).toBe('timeout');
  });
});

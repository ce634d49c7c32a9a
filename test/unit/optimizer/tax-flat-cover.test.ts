/**
 * Realistic books whose tax cash cut is a subset sum: most securities sit below their targets,
 * where every unit given up costs the same per money, so the Lagrangian bound is reached exactly
 * by a cover that frees exactly the excess. Before the flat cover (`flat-cover.ts`)
 * seeded the search with such a cover, these books ran into the node cap. Also: a book whose LP
 * break lies across a concave stretch (`improve-cover.ts`), and the tax search's own node cap.
 */
import { describe, expect, it } from '@jest/globals';
import { solve } from '../../../src/core/optimizer/index.js';
import { generate } from '../../support/oracle/generator.js';
import { withTax } from '../../support/oracle/tax-lots.js';
import { solveTaxWithHighs } from '../../support/oracle/tax-highs.js';
import { Decimal } from 'decimal.js';

/** `bench/solver.ts`'s "tax: realistic ≤ $1M, cash binding" book `i` at N = `n`. */
function benchBook(i: number, n = 100) {
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

describe('tax cash cut whose LP break bridges a concave stretch', () => {
  // Book 14 harvests losses at weight 20: the LP break falls on a hull piece across a credited
  // loss lot, the greedy cover rounds into the concave stretch, and with that incumbent the search
  // ran past its node cap. The improved cover (improve-cover.ts) is optimal; HiGHS, one
  // integer variable per lot, proves the same objective (it takes seconds).
  it('proves bench book 14 optimal, with the objective HiGHS proves', async () => {
    const book = benchBook(14);
    const result = solve(book);
    expect(result.reason).toBeNull();
    expect(result.status).toBe('optimal');
    const highs = await solveTaxWithHighs(book, 120);
    expect(highs.status).toBe('optimal');
    expect(new Decimal(result.objective as string).times(1e14).toFixed(0)).toBe(String(highs.objective));
  }, 180_000);
});

describe('tax cash cut whose best cover trades one security for another', () => {
  // The incumbent gives up first units of securities the LP would keep; the optimum gives up first
  // units of others instead, at the same money. One-security moves cannot swap them; the pair
  // moves of improve-cover.ts do, and the search then proves the cut within the cap below, which
  // it did not reach by far without them.
  it.each([
    [59, 100],
    [13, 500],
  ])('proves bench book %i (N = %i) within 20,000 nodes', (i, n) => {
    const result = solve(benchBook(i, n), { nodeCap: 20_000 });
    expect(result.reason).toBeNull();
    expect(result.status).toBe('optimal');
  });
});

describe('tax search node cap', () => {
  // The N = 500 book 11 is an exact subset sum over a handful of securities: more nodes than the
  // fast path's 200,000-node cap (asserted below) and fewer than the tax search's own (the tax
  // path has no general path to fall back on).
  it('proves a book that needs more nodes than the fast path allows', () => {
    const result = solve(benchBook(11, 500));
    expect(result.reason).toBeNull();
    expect(result.status).toBe('optimal');
    expect(solve(benchBook(11, 500), { nodeCap: 200_000 }).status).toBe('timeout');
  });
});

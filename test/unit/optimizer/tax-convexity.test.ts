import { describe, expect, it } from '@jest/globals';
import { buildProblem, type ProblemInput } from '../../../src/core/optimizer/index.js';
import { buildPositions } from '../../../src/core/optimizer/fast-path/build.js';
import { costScale } from '../../../src/core/optimizer/fast-path/cost.js';
import { costAt, taxPosition } from '../../../src/core/optimizer/tax/security-cost.js';
import { cumShares, shareCost, taxOfSelling, type TaxSecurity } from '../../../src/core/optimizer/tax/tax-problem.js';
import { seededRandom } from '../../support/seeded-random.js';

/** One security with `lots` random lots, price 100, held shares split across them. */
function book(seed: number, harvest: boolean): ProblemInput {
  const rand = seededRandom(seed);
  const count = 1 + Math.floor(rand() * 8);
  const lots = Array.from({ length: count }, (_, j) => ({
    lotId: `L${j}`,
    quantity: 1 + Math.floor(rand() * 20),
    unitCost: (rand() < 0.3 ? 100 + rand() * 80 : rand() * 100).toFixed(2),
    acquired: rand() < 0.5 ? '2020-01-02' : '2026-06-01',
  }));
  const held = lots.reduce((sum, lot) => sum + lot.quantity, 0);
  return {
    cash: (held * 100 * rand()).toFixed(2),
    holdings: [{ securityId: 'S', quantity: held, lots }],
    prices: { S: '100' },
    positions: [{ securityId: 'S', target: '0.5', lowDrift: '1', highDrift: '1' }],
    options: { tax: { enabled: true, shortTermRate: '0.37', longTermRate: '0.2', weight: ['1', '3', '10'][seed % 3] as string, harvestLosses: harvest, asOf: '2026-11-30' } },
  };
}

/** Least tax of selling k shares over every split across the lots (exhaustive for these sizes). */
function leastOverSplits(security: TaxSecurity, k: number): number {
  const lots = Array.from({ length: security.count }, (_, j) => ({ quantity: cumShares(security, j + 1) - cumShares(security, j), cost: shareCost(security, j) }));
  let best = Number.POSITIVE_INFINITY;
  const visit = (j: number, left: number, cost: number): void => {
    if (j === lots.length) {
      if (left === 0) best = Math.min(best, cost);
      return;
    }
    const lot = lots[j] as (typeof lots)[number];
    for (let x = 0; x <= Math.min(lot.quantity, left); x++) visit(j + 1, left - x, cost + x * lot.cost);
  };
  visit(0, k, 0);
  return best;
}

describe('the tax cost of a security (claims in src/core/optimizer/tax/security-cost.ts)', () => {
  it('when shares are sold in sale order, then the tax of k shares is convex in k and no split across lots is cheaper', () => {
    for (let seed = 1; seed <= 150; seed++) {
      const tax = buildProblem(book(seed, seed % 2 === 0)).tax?.securities[0] as TaxSecurity;
      const sellable = cumShares(tax, tax.count);
      for (let k = 1; k < sellable; k++) {
        const step = taxOfSelling(tax, k) - taxOfSelling(tax, k - 1);
        expect(taxOfSelling(tax, k + 1) - taxOfSelling(tax, k)).toBeGreaterThanOrEqual(step);
      }
      if (tax.count <= 4) for (let k = 0; k <= sellable; k++) expect(taxOfSelling(tax, k)).toBe(leastOverSplits(tax, k));
    }
  });

  it('when every lot costs ≥ 0, then the cost is convex in the quantity; with a credited loss lot it is convex on each side of the holding with a concave kink at it', () => {
    let kinks = 0;
    for (let seed = 1; seed <= 150; seed++) {
      const input = book(seed, seed % 2 === 0);
      const problem = buildProblem(input);
      const tax = problem.tax;
      if (tax === null) throw new Error('tax expected');
      const built = buildPositions(problem, costScale(problem.weightScale));
      if (!built.feasible) continue;
      const p = taxPosition(problem, tax, built.positions[0] as (typeof built.positions)[number], 0);
      const held = p.position.current;
      const second = (v: number) => costAt(p, v + 1) - 2 * costAt(p, v) + costAt(p, v - 1);
      const security = tax.securities[0];
      const first = security === null || security === undefined || security.count === 0 ? 0 : shareCost(security, 0);
      for (let v = p.lo + 1; v < p.hi; v++) {
        if (v !== held || first >= 0) expect(second(v)).toBeGreaterThanOrEqual(0);
      }
      if (first < 0 && held > p.lo && held < p.hi) {
        // At the holding the tax term's second difference is exactly c₁ < 0: the concave kink.
        const driftOnly = (v: number) => costAt(p, v) - taxOfSelling(tax.securities[0] ?? null, (input.holdings[0]?.quantity ?? 0) - v);
        expect(second(held) - (driftOnly(held + 1) - 2 * driftOnly(held) + driftOnly(held - 1))).toBe(first);
        kinks++;
      }
    }
    expect(kinks).toBeGreaterThan(10);
  });
});

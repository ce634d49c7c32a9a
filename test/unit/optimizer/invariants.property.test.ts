import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { deriveRebalance, solve, type ProblemInput } from '../../../src/core/optimizer/index.js';
import { Dec } from '../../../src/core/money/decimal.js';
import { judge, readOracle } from '../../support/oracle/exact.js';
import { generate, type Shape } from '../../support/oracle/generator.js';

const OPTIONS: NonNullable<Shape['options']> = ['reserve', 'minTrade', 'lots', 'restricted', 'band'];

const problems = fc
  .record({
    seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    n: fc.integer({ min: 1, max: 40 }),
    options: fc.subarray(OPTIONS),
    fullyInvested: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .map(({ seed, n, options, fullyInvested }) => ({ seed, input: generate(seed, { n, options, fullyInvested, narrowBands: 0.005 }) }));

function invariantsHold(input: ProblemInput): void {
  const result = solve(input, { deadlineAt: Date.now() + 5_000 });
  if (result.status !== 'optimal') return;
  const oracle = readOracle(input);
  const quantities = oracle.securities.map((s) => result.quantities[s.id] as number);
  for (const quantity of quantities) expect(Number.isSafeInteger(quantity) && quantity >= 0).toBe(true);
  // Bands, lots, restrictions, band mode, minimum trade value and cash ≥ reserve, judged exactly.
  expect(judge(oracle, quantities).feasible).toBe(true);
  const outcome = deriveRebalance(input, result);
  const invested = outcome.positions.reduce((sum, p) => sum.plus(new Dec(p.price).times(p.adjustedQuantity)), new Dec(0));
  // Market value is conserved: what left cash went into positions, to the cent and beyond.
  expect(invested.plus(outcome.cashAfter).eq(outcome.marketValue)).toBe(true);
  expect(new Dec(outcome.cashAfter).gte(new Dec(input.options?.cashReserve ?? '0'))).toBe(true);
  for (const trade of outcome.trades) {
    const position = outcome.positions.find((p) => p.securityId === trade.securityId);
    const delta = (position?.adjustedQuantity ?? 0) - (position?.originalQuantity ?? 0);
    expect(trade.quantity).toBe(Math.abs(delta));
    expect(trade.transactionType).toBe(delta > 0 ? 'BUY' : 'SELL');
  }
  expect(outcome.trades.length).toBe(outcome.positions.filter((p) => p.tradeType !== null).length);
}

describe('optimizer invariants (property-based)', () => {
  it('when any generated problem is solved optimally, then quantities are whole, every rule holds and value is conserved', () => {
    fc.assert(
      fc.property(problems, ({ input }) => invariantsHold(input)),
      { numRuns: 300, seed: 20261125 },
    );
  });

  it('when the same problem is solved twice, then the answer is identical (deterministic)', () => {
    fc.assert(
      fc.property(problems, ({ input }) => {
        const first = solve(input);
        const second = solve(input);
        expect({ ...second, solveMs: 0 }).toEqual({ ...first, solveMs: 0 });
      }),
      { numRuns: 100, seed: 7 },
    );
  });

  it('when holdings are listed in another order, then the solution does not change', () => {
    fc.assert(
      fc.property(problems, ({ input }) => {
        const reversed = { ...input, holdings: [...input.holdings].reverse(), positions: [...input.positions].reverse() };
        expect(solve(reversed).quantities).toEqual(solve(input).quantities);
      }),
      { numRuns: 100, seed: 11 },
    );
  });
});

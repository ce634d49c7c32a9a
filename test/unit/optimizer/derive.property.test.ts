import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { Dec, fixed } from '../../../src/core/money/decimal.js';
import { deriveRebalance, solve, type ProblemInput } from '../../../src/core/optimizer/index.js';
import { driftText, weightText } from '../../../src/core/optimizer/weights.js';
import { generate, random } from '../../support/oracle/generator.js';
import { referenceDerive } from '../../support/reference-derive.js';

/** Whole quantities anywhere from 0 to ~3× the holding or the target, so signs and ties vary. */
function someQuantities(input: ProblemInput, seed: number): Record<string, number> {
  const rand = random(seed);
  const quantities: Record<string, number> = {};
  const held = new Map(input.holdings.map((h) => [h.securityId, h.quantity]));
  for (const id of Object.keys(input.prices)) quantities[id] = Math.floor(rand() * 3 * ((held.get(id) ?? 0) + 1 + rand() * 50));
  return quantities;
}

/** Amounts with many decimal places: prices to 6 places, cash to 5. */
function manyPlaces(input: ProblemInput, seed: number): ProblemInput {
  const rand = random(seed);
  const prices = Object.fromEntries(Object.entries(input.prices).map(([id, p]) => [id, (Number(p) + rand() / 100).toFixed(6)]));
  return { ...input, cash: (Number(input.cash) + rand()).toFixed(5), prices };
}

const shapes = fc.record({
  seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  n: fc.integer({ min: 1, max: 60 }),
  large: fc.boolean(),
  places: fc.boolean(),
  solved: fc.boolean(),
});

describe('integer-native derivation', () => {
  it('when any generated problem is derived, then every field is byte-identical to the decimal.js derivation', () => {
    fc.assert(
      fc.property(shapes, ({ seed, n, large, places, solved }) => {
        const generated = generate(seed, { n, marketValue: large ? [1e9, 1e11] : [10, 1e8], maxPrice: large ? 90_000 : 5000, fullyInvested: 0.5 });
        // Many places only below $1e8 and large values only at cents: either way the scaled market value stays below 2^50.
        const input = places && !large ? manyPlaces(generated, seed) : generated;
        const result = solved ? solve(input, { deadlineAt: Date.now() + 200 }) : null;
        const quantities = result?.status === 'optimal' ? result.quantities : someQuantities(input, seed);
        const derived = deriveRebalance(input, { status: 'optimal', path: 'fast', quantities, objective: null, reason: null, solveMs: 0 });
        expect(derived).toStrictEqual(referenceDerive(input, quantities));
      }),
      { numRuns: 400, seed: 20261129 },
    );
  });

  it('when weights and drifts land on or next to a rounding half, then they round exactly as decimal.js does', () => {
    // Market values that are products of 2s and 5s put exact halves at 4 places within reach.
    const cases = fc.record({
      marketValue: fc.constantFrom(16, 80, 125, 160, 200, 625, 1000, 3125, 20_000, 100_000, 2 ** 20 * 5 ** 6),
      value: fc.integer({ min: 0, max: 200_000 }),
      target: fc.integer({ min: 0, max: 10_000 }),
      weightPlaces: fc.integer({ min: 0, max: 7 }),
    });
    fc.assert(
      fc.property(cases, ({ marketValue, value, target, weightPlaces }) => {
        const weightScale = 10 ** weightPlaces;
        const t = Math.min(target, weightScale);
        const mv = new Dec(marketValue);
        const weight = new Dec(value).div(mv);
        const tDec = new Dec(t).div(weightScale);
        expect(weightText({ marketValue, weightScale }, value)).toBe(fixed(weight, 4));
        const expected = tDec.isZero() ? null : fixed(new Dec(1).minus(weight.div(tDec)), 4);
        expect(driftText({ marketValue, weightScale }, value, t)).toBe(expected);
        expect(driftText({ marketValue, weightScale }, BigInt(value), t)).toBe(expected);
      }),
      { numRuns: 3000, seed: 5 },
    );
  });

  it('when quantities are beyond the exact range of a double, then the amounts are still exact', () => {
    const input: ProblemInput = { cash: '1', holdings: [{ securityId: 'A', quantity: 3 }], prices: { A: '4999.99' }, positions: [{ securityId: 'A', target: '0.5', lowDrift: '1', highDrift: '1' }] };
    const quantities = { A: 2 ** 52 + 1 };
    const derived = deriveRebalance(input, { status: 'optimal', path: 'fast', quantities, objective: null, reason: null, solveMs: 0 });
    expect(derived).toStrictEqual(referenceDerive(input, quantities));
    expect(derived.cashAfter.startsWith('-')).toBe(true);
  });
});

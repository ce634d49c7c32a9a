import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { deriveRebalance, type PositionOutcome, type ProblemInput } from '../../../src/core/optimizer/index.js';
import type { StoredPosition } from '../../../src/store/results-repository.js';
import { storedRebalance } from '../../../src/worker/stored-rebalance.js';
import { generate, random } from '../../support/oracle/generator.js';

/** The stored shape, field by field, as the API reads it back. */
function stored(p: PositionOutcome): StoredPosition {
  return {
    security_id: p.securityId,
    price: p.price,
    original_quantity: p.originalQuantity,
    adjusted_quantity: p.adjustedQuantity,
    original_position_market_value: p.originalMarketValue,
    adjusted_position_market_value: p.adjustedMarketValue,
    target: p.target,
    low_drift: p.lowDrift,
    high_drift: p.highDrift,
    actual_before: p.originalActual,
    actual: p.actual,
    actual_drift: p.actualDrift,
    transaction_type: p.tradeType,
    trade_quantity: p.tradeQuantity,
  };
}

/** Ids that need escaping in JSON, swapped in for the generated ones. */
const AWKWARD = ['quote"d', 'back\\slash', 'tab\there', 'ünïcödé', 'emoji 📈', 'line\nbreak'];

function withAwkwardIds(input: ProblemInput, seed: number): ProblemInput {
  const rename = new Map(Object.keys(input.prices).map((id, i) => [id, i % 3 === 0 ? `${AWKWARD[(seed + i) % AWKWARD.length]}${i}` : id]));
  const to = (id: string) => rename.get(id) as string;
  return {
    ...input,
    prices: Object.fromEntries(Object.entries(input.prices).map(([id, p]) => [to(id), p])),
    holdings: input.holdings.map((h) => ({ ...h, securityId: to(h.securityId) })),
    positions: input.positions.map((p) => ({ ...p, securityId: to(p.securityId) })),
  };
}

describe('stored rebalance', () => {
  it('when positions are written as stored JSON, then the text is exactly JSON.stringify of the stored positions', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 40 }), (seed, n) => {
        const input = withAwkwardIds(generate(seed, { n }), seed);
        const rand = random(seed);
        const quantities = Object.fromEntries(Object.keys(input.prices).map((id) => [id, Math.floor(rand() * 500)]));
        const outcome = deriveRebalance(input, { status: 'optimal', path: 'fast', quantities, objective: null, reason: null, solveMs: 0 });
        const result = storedRebalance(outcome);
        expect(result.positionsJson).toBe(JSON.stringify(outcome.positions.map(stored)));
        expect(result.trades).toEqual(outcome.trades.map((t) => ({ ...t, price: outcome.positions.find((p) => p.securityId === t.securityId)?.price })));
      }),
      { numRuns: 200, seed: 29 },
    );
  });
});

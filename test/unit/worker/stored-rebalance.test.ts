import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { deriveRebalance, solveAndDerive, type PositionOutcome, type ProblemInput } from '../../../src/core/optimizer/index.js';
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
  it('when a tax-aware sell takes lots, then the stored position, the trade and the summary carry them', () => {
    const a = 'a'.repeat(24);
    const b = 'b'.repeat(24);
    const input: ProblemInput = {
      cash: '100',
      holdings: [
        {
          securityId: a,
          quantity: 10,
          lots: [
            { lotId: 'old "1"', quantity: 6, unitCost: '50', acquired: '2020-01-01' },
            { lotId: 'L2', quantity: 4, unitCost: '120', acquired: '2026-01-10' },
          ],
        },
      ],
      prices: { [a]: '100', [b]: '10' },
      positions: [
        { securityId: a, target: '0.5', lowDrift: '0.05', highDrift: '0.05' },
        { securityId: b, target: '0.45', lowDrift: '0.05', highDrift: '0.05' },
      ],
      options: { tax: { enabled: true, shortTermRate: '0.37', longTermRate: '0.2', asOf: '2026-03-01' } },
    };
    const solved = solveAndDerive(input, {});
    const result = storedRebalance(solved.rebalance!);
    const positions = JSON.parse(result.positionsJson) as StoredPosition[];
    const sell = positions.find((p) => p.transaction_type === 'SELL')!;
    expect(sell.lots).toEqual([{ lot_id: 'L2', quantity: 4, realized_gain: '-80', term: 'short' }]);
    expect(positions.find((p) => p.transaction_type === 'BUY')?.lots).toBeUndefined();
    expect(result.trades.find((t) => t.transactionType === 'SELL')?.lots).toEqual([{ lotId: 'L2', quantity: 4, realizedGain: '-80', term: 'short' }]);
    expect(result.tax).toEqual({ short_term_gain: '0', short_term_loss: '80', long_term_gain: '0', long_term_loss: '0', estimated_tax: '-29.6' });
    // Written by hand, it must still be exactly what JSON.stringify writes (the lot id needs escaping).
    const sold = storedRebalance({ ...solved.rebalance!, trades: solved.rebalance!.trades.map((t) => (t.lots ? { ...t, lots: [{ ...t.lots[0]!, lotId: 'old "1"' }] } : t)) });
    expect(JSON.parse(sold.positionsJson)).toEqual(positions.map((p) => (p.lots ? { ...p, lots: [{ ...p.lots[0], lot_id: 'old "1"' }] } : p)));
  });

  it('when tax is off, then nothing about lots or tax is stored, lots or not', () => {
    const a = 'a'.repeat(24);
    const input: ProblemInput = {
      cash: '0',
      holdings: [{ securityId: a, quantity: 10, lots: [{ lotId: 'L', quantity: 10, unitCost: '1', acquired: '2020-01-01' }] }],
      prices: { [a]: '100' },
      positions: [{ securityId: a, target: '0.5', lowDrift: '0.05', highDrift: '0.05' }],
      options: { tax: { enabled: false, shortTermRate: '0', longTermRate: '0', asOf: '2026-03-01' } },
    };
    const withLots = storedRebalance(solveAndDerive(input, {}).rebalance!);
    const without = storedRebalance(solveAndDerive({ ...input, holdings: [{ securityId: a, quantity: 10 }], options: {} }, {}).rebalance!);
    expect(withLots).toEqual(without);
    expect(withLots.tax).toBeUndefined();
    expect(withLots.positionsJson).not.toContain('lots');
  });
});

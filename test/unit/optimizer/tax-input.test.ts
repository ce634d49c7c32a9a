import { describe, expect, it } from '@jest/globals';
import { fieldOf } from '../../support/invalid-field.js';
import { solve, solveAndDerive, type ProblemInput } from '../../../src/core/optimizer/index.js';

const TAX = { enabled: true, shortTermRate: '0.37', longTermRate: '0.2', asOf: '2026-11-30' };

function book(overrides: Partial<ProblemInput> = {}): ProblemInput {
  return {
    cash: '0',
    holdings: [
      { securityId: 'A', quantity: 10, lots: [
        { lotId: 'old', quantity: 6, unitCost: '20', acquired: '2020-01-02' },
        { lotId: 'new', quantity: 4, unitCost: '90', acquired: '2026-06-01' },
      ] },
      { securityId: 'B', quantity: 0 },
    ],
    prices: { A: '100', B: '50' },
    positions: [
      { securityId: 'A', target: '0.5', lowDrift: '1', highDrift: '1' },
      { securityId: 'B', target: '0.5', lowDrift: '1', highDrift: '1' },
    ],
    options: { tax: TAX },
    ...overrides,
  };
}

describe('tax input', () => {
  it('when the lots of a holding do not add up to its quantity, then InvalidInput names holdings[i].lots', () => {
    const input = book();
    input.holdings[0] = { ...input.holdings[0], quantity: 11 } as ProblemInput['holdings'][number];
    expect(fieldOf(input)).toBe('holdings[0].lots');
  });

  it('when a tax option is missing or out of range, then InvalidInput names it', () => {
    expect(fieldOf(book({ options: { tax: { ...TAX, asOf: '2026-02-30' } } }))).toBe('options.tax.as_of');
    expect(fieldOf(book({ options: { tax: { ...TAX, shortTermRate: '1.5' } } }))).toBe('options.tax.short_term_rate');
    expect(fieldOf(book({ options: { tax: { ...TAX, washSaleDays: -1 } } }))).toBe('options.tax.wash_sale_days');
  });

  it('when tax is disabled, then lots are not read at all', () => {
    const input = book({ options: { tax: { ...TAX, enabled: false } } });
    input.holdings[0] = { ...input.holdings[0], quantity: 11 } as ProblemInput['holdings'][number];
    expect(solve(input).status).toBe('optimal');
  });

  it('when the general path is asked for a tax problem, then the tax search answers (tax is never ignored)', () => {
    const result = solve(book(), { path: 'general' });
    expect(result.path).toBe('fast');
    expect(result.objective).toBe(solve(book()).objective);
  });

  it('when half the holding is sold, then the lot with the least tax per share goes first and the summary says so', () => {
    const solved = solveAndDerive(book());
    const sell = solved.rebalance?.trades.find((t) => t.securityId === 'A');
    expect(sell?.quantity).toBe(5);
    // new: short-term gain 10 × 0.37 = 3.7 per share; old: long-term gain 80 × 0.2 = 16 per share.
    expect(sell?.lots).toEqual([
      { lotId: 'new', quantity: 4, realizedGain: '40', term: 'short' },
      { lotId: 'old', quantity: 1, realizedGain: '80', term: 'long' },
    ]);
    expect(solved.rebalance?.tax).toEqual({ shortTermGain: '40', shortTermLoss: '0', longTermGain: '80', longTermLoss: '0', estimatedTax: '30.8' });
  });

  it('when a security was sold at a loss inside the window, then it is not bought', () => {
    const recentSales = [{ securityId: 'B', date: '2026-11-20', quantity: 3, realizedGain: '-12.50' }];
    const result = solve(book({ recentSales }));
    expect(result.status).toBe('optimal');
    expect(result.quantities.B).toBe(0);
    expect(solve(book({ recentSales: [{ ...recentSales[0] as (typeof recentSales)[number], date: '2026-10-01' }] })).quantities.B).toBeGreaterThan(0);
  });
});

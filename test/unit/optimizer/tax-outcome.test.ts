import { describe, expect, it } from '@jest/globals';
import { solveAndDerive, type ProblemInput } from '../../../src/core/optimizer/index.js';
import { Dec, plain } from '../../../src/core/money/decimal.js';

/** One holding sold in full: a lot at a loss of about $10^14 (beyond 2^53 at cents) and a small gain. */
function book(): ProblemInput {
  return {
    cash: '0',
    holdings: [
      { securityId: 'A', quantity: 150, lots: [
        { lotId: 'dear', quantity: 100, unitCost: '1000000000000', acquired: '2026-06-01' },
        { lotId: 'cheap', quantity: 50, unitCost: '0.5', acquired: '2020-01-02' },
      ] },
    ],
    prices: { A: '1.25' },
    positions: [{ securityId: 'A', target: '0', lowDrift: '1', highDrift: '1' }],
    options: { tax: { enabled: true, shortTermRate: '0.37', longTermRate: '0.2', weight: '0', asOf: '2026-11-30' } },
  };
}

describe('tax outcome', () => {
  it('when a realized loss and its tax leave the exact range of a double, then the lots and the summary are still exact', () => {
    const solved = solveAndDerive(book());
    const sell = solved.rebalance?.trades[0];
    expect(sell?.quantity).toBe(150);
    const loss = new Dec('1.25').minus('1000000000000').times(100);
    const gain = new Dec('1.25').minus('0.5').times(50);
    expect(sell?.lots).toEqual([
      { lotId: 'dear', quantity: 100, realizedGain: plain(loss), term: 'short' },
      { lotId: 'cheap', quantity: 50, realizedGain: plain(gain), term: 'long' },
    ]);
    expect(solved.rebalance?.tax).toEqual({
      shortTermGain: '0',
      shortTermLoss: plain(loss.neg()),
      longTermGain: plain(gain),
      longTermLoss: '0',
      estimatedTax: plain(loss.times('0.37').plus(gain.times('0.2'))),
    });
  });
});

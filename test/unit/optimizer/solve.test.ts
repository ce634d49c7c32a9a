import { describe, expect, it } from '@jest/globals';
import { fieldOf } from '../../support/invalid-field.js';
import { deriveRebalance, solve, solveAndDerive, type ProblemInput } from '../../../src/core/optimizer/index.js';
import { hardInstance } from '../../support/oracle/hard-instance.js';

const base: ProblemInput = {
  cash: '10000',
  holdings: [
    { securityId: 'A', quantity: 10 },
    { securityId: 'Z', quantity: 5 },
  ],
  prices: { A: '100', B: '33.33', C: '2000', Z: '7' },
  positions: [
    { securityId: 'A', target: '0.3', lowDrift: '0.02', highDrift: '0.02' },
    { securityId: 'B', target: '0.5', lowDrift: '0.05', highDrift: '0.05' },
    { securityId: 'C', target: '0.2', lowDrift: '0.1', highDrift: '0.1' },
  ],
};

describe('solve', () => {
  it('when the model is fully invested, then cash binds and the exact optimum is returned', () => {
    const result = solve(base);
    expect(result).toMatchObject({ status: 'optimal', path: 'fast', objective: '232.78' });
    expect(result.quantities).toEqual({ A: 33, B: 166, C: 1, Z: 0 });
  });

  it('when a held security is not in the model, then it is sold to zero', () => {
    expect(solve(base).quantities.Z).toBe(0);
  });

  it('when a band holds no whole share at the price, then the reason names the security and the band', () => {
    const input = { ...base, prices: { ...base.prices, C: '3000' }, positions: [{ securityId: 'C', target: '0.2', lowDrift: '0.01', highDrift: '0.01' }] };
    const result = solve(input);
    expect(result.status).toBe('infeasible');
    expect(result.reason).toBe('security C band [$2,096.65, $2,317.35] holds no whole number of shares at $3,000.00');
  });

  it('when the reserve leaves too little cash, then the reason gives the shortfall', () => {
    const result = solve({ ...base, options: { cashReserve: '9000' } });
    expect(result.status).toBe('infeasible');
    expect(result.reason).toBe(
      'cash short by $8,031.17: the band minimums need $10,066.17 but only $2,035.00 is available after the reserve',
    );
  });

  it('when a security may not be bought, then it is not bought', () => {
    const result = solve({ ...base, positions: base.positions.map((p) => ({ ...p, lowDrift: '0.3', highDrift: '0.3' })), options: { noBuy: ['A'] } });
    expect(result.status).toBe('optimal');
    expect(result.quantities.A).toBeLessThanOrEqual(10);
  });

  it('when lots are set, then every trade is a whole number of lots', () => {
    const result = solve({ ...base, options: { lotSizes: { B: 25, A: 4 } } });
    expect(result.status).toBe('optimal');
    expect((result.quantities.B as number) % 25).toBe(0);
    expect(((result.quantities.A as number) - 10) % 4).toBe(0);
  });

  it('when band mode is on, then a holding inside its band keeps its quantity', () => {
    const input: ProblemInput = { ...base, holdings: [{ securityId: 'A', quantity: 39 }] };
    expect(solve(input).quantities.A).toBe(42);
    expect(solve({ ...input, options: { mode: 'band' } }).quantities.A).toBe(39);
  });

  it('when the minimum trade value is larger than a small rebalance, then that trade is skipped', () => {
    const input: ProblemInput = { ...base, holdings: [{ securityId: 'A', quantity: 41 }], positions: [base.positions[0]!] };
    expect(solve(input).quantities.A).toBe(42);
    expect(solve({ ...input, options: { minTradeValue: '500' } }).quantities.A).toBe(41);
  });

  it('when the general path is forced, then it proves the same objective', () => {
    const result = solve({ ...base, options: { minTradeValue: '500' } }, { path: 'general' });
    expect(result).toMatchObject({ status: 'optimal', path: 'general', objective: '232.78' });
  });

  it('when the deadline is 50 ms on a problem hard for the general path, then the solve stops quickly and reports timeout', () => {
    const started = Date.now();
    // The general path, forced: the frozen instance stays hard there whatever the fast path learns
    // (unbounded, it runs far longer than the bound below).
    const result = solve(hardInstance, { deadlineAt: started + 50, path: 'general' });
    expect(result.status).toBe('timeout');
    expect(result.objective).toBeNull();
    // The deadline is checked between branch-and-bound nodes, so it overshoots by one LP solve. On
    // a loaded CI machine that overshoot stretches in wall time (the share of the cores this
    // process gets) and in CPU time too (process.cpuUsage counts the jest worker's garbage
    // collector threads, busy with the heap of the files it ran before), so the bound is generous:
    // it tells a stop at the deadline from a search that ignores it.
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it.each([
    [{ ...base, prices: { ...base.prices, B: '0' } }, 'prices.B'],
    [{ ...base, prices: { A: '100', C: '1', Z: '1' } }, 'prices.B'],
    [{ ...base, positions: [...base.positions, { securityId: 'D', target: '0.5', lowDrift: '0', highDrift: '0' }], prices: { ...base.prices, D: '1' } }, 'positions'],
    [{ ...base, positions: [{ securityId: 'A', target: '1.5', lowDrift: '0', highDrift: '0' }] }, 'positions[0].target'],
    [{ ...base, positions: [base.positions[0]!, base.positions[0]!] }, 'positions[1].security_id'],
    [{ ...base, holdings: [{ securityId: 'A', quantity: 1.5 }] }, 'holdings[0].quantity'],
    [{ ...base, holdings: [{ securityId: 'A', quantity: 1 }, { securityId: 'A', quantity: 1 }] }, 'holdings[1].security_id'],
    [{ ...base, cash: '-1' }, 'cash'],
    [{ ...base, options: { lotSizes: { A: 0 } } }, 'options.lot_sizes.A'],
    [{ ...base, options: { cashReserve: 'x' } }, 'options.cash_reserve'],
  ])('when the input breaks a rule (%#), then InvalidInput names the field', (input, field) => {
    expect(fieldOf(input as ProblemInput)).toBe(field);
  });
});

describe('solve timing and solveAndDerive', () => {
  it('when a problem is solved, then solveMs comes from a monotonic clock at sub-millisecond resolution', () => {
    const result = solve(base);
    expect(result.solveMs).toBeGreaterThan(0);
    // Date.now differences were whole milliseconds (0 for almost every solve).
    expect(Number.isInteger(result.solveMs)).toBe(false);
  });

  it('when solving and deriving in one call, then it gives what solve and deriveRebalance give', () => {
    const { rebalance, solveMs: _ms, ...result } = solveAndDerive(base);
    const { solveMs: _ms2, ...expected } = solve(base);
    expect(result).toEqual(expected);
    expect(rebalance).toEqual(deriveRebalance(base, solve(base)));
    expect(solveAndDerive({ ...base, options: { cashReserve: '9000' } }).rebalance).toBeUndefined();
  });
});

describe('deriveRebalance', () => {
  it('when a solution is derived, then amounts are exact strings with the stated rounding', () => {
    const outcome = deriveRebalance(base, solve(base));
    expect(outcome).toMatchObject({ marketValue: '11035', cashBefore: '10000', cashAfter: '202.22' });
    expect(outcome.positions.find((p) => p.securityId === 'B')).toMatchObject({
      price: '33.33',
      adjustedQuantity: 166,
      adjustedMarketValue: '5532.780',
      actual: '0.5014',
      actualDrift: '-0.0028',
      tradeType: 'BUY',
      tradeQuantity: 166,
    });
    expect(outcome.positions.find((p) => p.securityId === 'Z')).toMatchObject({ actualDrift: null, tradeType: 'SELL' });
    expect(outcome.trades.map((t) => t.securityId)).toEqual(['A', 'B', 'C', 'Z']);
  });

  it('when the result is infeasible, then deriving throws Infeasible', () => {
    expect(() => deriveRebalance(base, solve({ ...base, options: { cashReserve: '9000' } }))).toThrow('cash short');
  });
});

import { describe, expect, it } from '@jest/globals';
import { fieldPath, parseProblem, parseProblemLine } from '../../src/cli/problem-schema.js';
import { invalidJson } from '../../src/cli/result-json.js';

const id = 'a'.repeat(24);
const base = {
  id: 'p1',
  cash: 1000,
  holdings: [{ security_id: id, quantity: 3 }],
  prices: { [id]: 12.5 },
  model: { positions: [{ security_id: id, target: '0.5', low_drift: 0.05, high_drift: '0.05' }] },
};

describe('problem JSON → ProblemInput', () => {
  it('when decimals are JSON numbers, then they become their shortest decimal strings, without exponents', () => {
    const parsed = parseProblem({ ...base, cash: 1e-7, options: { cash_reserve: 1e21, deadline_ms: 250, mode: 'band' } });
    expect(parsed).toMatchObject({
      ok: true,
      id: 'p1',
      input: {
        cash: '0.0000001',
        prices: { [id]: '12.5' },
        positions: [{ securityId: id, target: '0.5', lowDrift: '0.05', highDrift: '0.05' }],
        holdings: [{ securityId: id, quantity: 3 }],
        options: { cashReserve: '1000000000000000000000', deadlineMs: 250, mode: 'band' },
      },
    });
  });

  it('when options are absent, then the input has none', () => {
    const parsed = parseProblem(base);
    expect(parsed.ok && parsed.input.options).toBeUndefined();
  });

  it('when a nested field has the wrong type, then the error names it by path', () => {
    const parsed = parseProblem({ ...base, model: { positions: [{ ...base.model.positions[0], target: true }] } });
    expect(parsed).toMatchObject({ ok: false, id: 'p1', field: 'model.positions[0].target' });
  });

  it('when an option is misspelt, then the unknown key is the field reported', () => {
    const parsed = parseProblem({ ...base, options: { cash_reserv: '5' } });
    expect(parsed).toMatchObject({ ok: false, field: 'options.cash_reserv' });
  });

  it('when several fields are wrong, then every one is reported with the value found', () => {
    const parsed = parseProblem({ ...base, cash: true, holdings: [{ security_id: id, quantity: 'x' }], options: { cash_reserv: '5' } });
    expect(parsed).toMatchObject({ ok: false, field: 'cash' });
    const message = parsed.ok ? '' : parsed.message;
    expect(message).toMatch(/^must be a decimal, as a string \("12\.50"\) or a number, got true/);
    expect(message).toContain('; also holdings[0].quantity: must be a whole number of shares, got "x"');
    expect(message).toContain('; also options.cash_reserv: unknown key');
    expect(message).not.toContain('Invalid input');
  });

  it('when holdings carry lots and the problem recent sales and a tax option, then all map onto the input', () => {
    const lots = [{ lot_id: 'L1', quantity: 3, unit_cost: 9.5, acquired: '2025-01-02' }];
    const parsed = parseProblem({
      ...base,
      holdings: [{ security_id: id, quantity: 3, lots }],
      recent_sales: [{ security_id: id, date: '2026-01-05', quantity: 2, realized_gain: -4.25 }],
      options: { tax: { enabled: true, short_term_rate: 0.37, long_term_rate: '0.2', as_of: '2026-02-01' } },
    });
    expect(parsed).toMatchObject({
      ok: true,
      input: {
        holdings: [{ securityId: id, quantity: 3, lots: [{ lotId: 'L1', quantity: 3, unitCost: '9.5', acquired: '2025-01-02' }] }],
        recentSales: [{ securityId: id, date: '2026-01-05', quantity: 2, realizedGain: '-4.25' }],
        options: { tax: { enabled: true, shortTermRate: '0.37', longTermRate: '0.2', longTermDays: 365, weight: '1', washSaleDays: 30, harvestLosses: false, asOf: '2026-02-01' } },
      },
    });
  });

  it('when a tax field is out of range, then the error names it', () => {
    const parsed = parseProblem({ ...base, options: { tax: { enabled: true, short_term_rate: '1.2', long_term_rate: '0.2' } } });
    expect(parsed).toMatchObject({ ok: false, field: 'options.tax.short_term_rate' });
  });

  it('when the line is not JSON, then the field is json and the id is unknown', () => {
    expect(parseProblemLine('{"id": 1,')).toMatchObject({ ok: false, id: null, field: 'json' });
  });

  it('when the optimizer names a positions field, then the CLI reason names it under model', () => {
    expect(invalidJson(7, 'positions[2].low_drift', 'positions[2].low_drift must be between 0 and 1')).toEqual({
      id: 7,
      status: 'invalid',
      reason: 'model.positions[2].low_drift: must be between 0 and 1',
    });
  });

  it('when building a field path, then indexes are bracketed and keys dotted', () => {
    expect(fieldPath(['prices', id])).toBe(`prices.${id}`);
    expect(fieldPath(['holdings', 0, 'quantity'])).toBe('holdings[0].quantity');
  });
});

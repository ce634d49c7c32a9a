import { describe, expect, it } from '@jest/globals';
import { recordedOptions, toSolveOptions } from '../../../src/runs/run-options.js';
import { taxOptionsSchema } from '../../../src/runs/tax-options.js';

const createdAt = new Date('2026-03-31T23:59:59.999Z');

describe('run options → solve options', () => {
  it('when tax is absent, then the solve options have no tax (results as without the feature)', () => {
    expect(toSolveOptions({ mode: 'band', cash_reserve: '5' }, createdAt)).toEqual({ mode: 'band', cashReserve: '5' });
    expect(recordedOptions({ mode: 'band' }, createdAt)).toEqual({ mode: 'band' });
  });

  it('when tax leaves out as_of, then the creation date in UTC is used and recorded, with the defaults', () => {
    const tax = taxOptionsSchema.parse({ enabled: true, short_term_rate: 0.37, long_term_rate: '0.20' });
    expect(toSolveOptions({ tax }, createdAt).tax).toEqual({
      enabled: true,
      shortTermRate: '0.37',
      longTermRate: '0.20',
      longTermDays: 365,
      weight: '1',
      washSaleDays: 30,
      harvestLosses: false,
      asOf: '2026-03-31',
    });
    expect(recordedOptions({ tax }, createdAt)).toEqual({ tax: { ...tax, as_of: '2026-03-31' } });
  });

  it('when as_of is given, then it is kept', () => {
    const tax = taxOptionsSchema.parse({ enabled: true, short_term_rate: '0.3', long_term_rate: '0.15', as_of: '2026-01-02', weight: 0.5, harvest_losses: true });
    expect(toSolveOptions({ tax }, createdAt).tax).toMatchObject({ asOf: '2026-01-02', weight: '0.5', harvestLosses: true });
  });
});

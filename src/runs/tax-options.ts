/**
 * The `tax` option of a run and of an `ogs solve` problem, snake_case as the API spells it: one
 * zod schema, so the API (400 naming `options.tax.<field>`), the CLI and the OpenAPI spec agree.
 */
import { Decimal } from 'decimal.js';
import { z } from 'zod';
import type { TaxOptions } from '../core/optimizer/types.js';
import { isoDate } from '../market-data/decimal-text.js';

/** Decimal text or a JSON number, as plain decimal text (no exponent). */
const decimalText = z
  .union([z.string().regex(/^\d{1,12}(\.\d{1,12})?$/, 'must be a decimal in plain notation'), z.number().finite().nonnegative()])
  .transform((v) => (typeof v === 'number' ? new Decimal(String(v)).toFixed() : v));

const rate = decimalText
  .refine((v) => new Decimal(v).lte(1), 'must be a decimal in [0, 1]')
  .meta({ description: 'A tax rate as a fraction in [0, 1], e.g. "0.37".', example: '0.37' });

/** A calendar date that exists, `YYYY-MM-DD`. */
const calendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((v) => isoDate(v) !== null, 'must be a date that exists');

/** Rates are required once tax is enabled; with `enabled: false` the rest may be left out. */
export const taxOptionsSchema = z
  .strictObject({
    enabled: z.boolean().meta({ description: 'Weigh the tax of the lots sold against the drift repaired.' }),
    short_term_rate: rate.optional().meta({ description: 'Rate on short-term gains, in [0, 1]; required when enabled.' }),
    long_term_rate: rate.optional().meta({ description: 'Rate on long-term gains, in [0, 1]; required when enabled.' }),
    long_term_days: z.number().int().min(1).max(3_660).default(365).meta({ description: 'A lot held more than this many days is long-term.' }),
    weight: decimalText
      .refine((v) => new Decimal(v).lte(1_000_000), 'must be at most 1000000')
      .default('1')
      .meta({ description: 'Dollars of drift repaired that one dollar of tax is worth, ≥ 0.' }),
    wash_sale_days: z.number().int().min(0).max(366).default(30).meta({ description: 'The wash-sale window before `as_of`, in days.' }),
    harvest_losses: z.boolean().default(false).meta({ description: 'Loss lots may be sold further than drift alone asks, within the band.' }),
    as_of: calendarDate.optional().meta({ description: 'Trade date the terms and the wash-sale window count from; defaults to the run\'s creation date (UTC).' }),
  })
  .superRefine((tax, ctx) => {
    if (!tax.enabled) return;
    for (const field of ['short_term_rate', 'long_term_rate'] as const) {
      if (tax[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'required when tax is enabled (a decimal in [0, 1])' });
    }
  })
  .meta({ id: 'TaxOptions', description: 'Tax-aware rebalancing: which lots to sell, and the tax cost weighed against drift.' });

/** The validated option, snake_case, defaults filled in. */
export type TaxOptionsJson = z.output<typeof taxOptionsSchema>;

/** `YYYY-MM-DD` of `at` in UTC. */
export function utcDate(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The option with `as_of` filled in (from `at`, the run's creation time, when absent). */
export function withAsOf(tax: TaxOptionsJson, at: Date): TaxOptionsJson {
  return tax.as_of === undefined ? { ...tax, as_of: utcDate(at) } : tax;
}

/** The solver's view; `as_of` is the option's, else the UTC date of `at` (the run's creation). */
export function toTaxOptions(tax: TaxOptionsJson, at: Date): TaxOptions {
  return {
    enabled: tax.enabled,
    shortTermRate: tax.short_term_rate ?? '0',
    longTermRate: tax.long_term_rate ?? '0',
    longTermDays: tax.long_term_days,
    weight: tax.weight,
    washSaleDays: tax.wash_sale_days,
    harvestLosses: tax.harvest_losses,
    asOf: tax.as_of ?? utcDate(at),
  };
}

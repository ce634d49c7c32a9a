/**
 * Validates the tax part of a ProblemInput (options.tax, holdings[].lots, recent_sales) and
 * reads it into digits and places. Read only when `options.tax.enabled`, so a problem without
 * tax is read exactly as before. Field names in errors are snake_case, as the JSON spells them.
 */
import { InvalidInput } from '../../../errors/index.js';
import { parseFixed, type FixedDecimal } from '../../money/fixed-point.js';
import type { ProblemInput, TaxOptions } from '../types.js';

/** One lot as read: unit cost in digits and places, acquisition as a day number. */
export interface RawLot {
  lotId: string;
  quantity: number;
  unitCost: FixedDecimal;
  unitCostText: string;
  acquiredDay: number;
}

/** The tax options with defaults applied; rates and weight as digits and places. */
export interface RawTax {
  shortTermRate: FixedDecimal;
  longTermRate: FixedDecimal;
  weight: FixedDecimal;
  longTermDays: number;
  washSaleDays: number;
  harvestLosses: boolean;
  asOfDay: number;
  /** Lots per held security id (holdings without lots are absent). */
  lots: Map<string, RawLot[]>;
  /** Securities with a loss sale within the wash-sale window: not bought. */
  washBlocked: Set<string>;
}

const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function invalid(field: string, problem: string): never {
  throw new InvalidInput(`${field} ${problem}`, field);
}

/** Days since 1970-01-01 of a YYYY-MM-DD calendar date. */
function dayOf(value: unknown, field: string): number {
  const match = typeof value === 'string' ? DATE.exec(value) : null;
  if (match === null) invalid(field, 'must be a date YYYY-MM-DD');
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const at = Date.UTC(year, month - 1, day);
  const back = new Date(at);
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) {
    invalid(field, 'is not a calendar date');
  }
  return at / DAY_MS;
}

function decimal(value: unknown, field: string, atMostOne = false): FixedDecimal {
  const read = typeof value === 'string' ? parseFixed(value) : null;
  if (read === null) invalid(field, 'must be a non-negative decimal string');
  if (atMostOne && !(read.whole === 0 || (read.whole === 1 && read.places === 0))) invalid(field, 'must be between 0 and 1');
  return read;
}

function wholeDays(value: unknown, fallback: number, field: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || (value as number) < 0) invalid(field, 'must be a whole number of days ≥ 0');
  return value as number;
}

/** Whether a signed decimal string is negative; throws when it is not a decimal. */
function isLoss(value: unknown, field: string): boolean {
  if (typeof value !== 'string') invalid(field, 'must be a decimal string');
  const negative = value.startsWith('-');
  const digits = decimal(negative ? value.slice(1) : value, field);
  return negative && digits.value > 0;
}

function readLots(input: ProblemInput, asOfDay: number): Map<string, RawLot[]> {
  const byId = new Map<string, RawLot[]>();
  (input.holdings ?? []).forEach((holding, index) => {
    const lots = holding.lots;
    if (lots === undefined) return;
    const at = `holdings[${index}].lots`;
    if (!Array.isArray(lots)) invalid(at, 'must be a list');
    const ids = new Set<string>();
    let total = 0;
    const read = lots.map((lot, j): RawLot => {
      const field = `${at}[${j}]`;
      if (typeof lot?.lotId !== 'string' || lot.lotId.length === 0) invalid(`${field}.lot_id`, 'must be a non-empty string');
      if (ids.has(lot.lotId)) invalid(`${field}.lot_id`, `repeats lot ${lot.lotId}`);
      ids.add(lot.lotId);
      if (!Number.isSafeInteger(lot.quantity) || lot.quantity <= 0) invalid(`${field}.quantity`, 'must be a whole number of shares > 0');
      total += lot.quantity;
      const acquiredDay = dayOf(lot.acquired, `${field}.acquired`);
      if (acquiredDay > asOfDay) invalid(`${field}.acquired`, 'is after options.tax.as_of');
      return { lotId: lot.lotId, quantity: lot.quantity, unitCost: decimal(lot.unitCost, `${field}.unit_cost`), unitCostText: lot.unitCost, acquiredDay };
    });
    if (total !== holding.quantity) {
      invalid(at, `of portfolio holding ${holding.securityId} add up to ${total} shares, not its quantity ${holding.quantity}`);
    }
    byId.set(holding.securityId, read);
  });
  return byId;
}

function readWashBlocked(input: ProblemInput, asOfDay: number, windowDays: number): Set<string> {
  const blocked = new Set<string>();
  const sales = input.recentSales;
  if (sales === undefined) return blocked;
  if (!Array.isArray(sales)) invalid('recent_sales', 'must be a list');
  sales.forEach((sale, index) => {
    const at = `recent_sales[${index}]`;
    if (typeof sale?.securityId !== 'string' || sale.securityId.length === 0) invalid(`${at}.security_id`, 'must be a non-empty string');
    if (!Number.isSafeInteger(sale.quantity) || sale.quantity < 0) invalid(`${at}.quantity`, 'must be a whole number of shares ≥ 0');
    const day = dayOf(sale.date, `${at}.date`);
    const loss = isLoss(sale.realizedGain, `${at}.realized_gain`);
    if (loss && day <= asOfDay && asOfDay - day <= windowDays) blocked.add(sale.securityId);
  });
  return blocked;
}

/** The tax part of `input`, or null when tax is absent or not enabled. */
export function readTax(input: ProblemInput): RawTax | null {
  const tax: TaxOptions | undefined = input.options?.tax;
  if (tax === undefined) return null;
  if (typeof tax !== 'object' || tax === null) invalid('options.tax', 'must be an object');
  if (typeof tax.enabled !== 'boolean') invalid('options.tax.enabled', 'must be true or false');
  if (!tax.enabled) return null;
  const asOfDay = dayOf(tax.asOf, 'options.tax.as_of');
  const washSaleDays = wholeDays(tax.washSaleDays, 30, 'options.tax.wash_sale_days');
  if (tax.harvestLosses !== undefined && typeof tax.harvestLosses !== 'boolean') invalid('options.tax.harvest_losses', 'must be true or false');
  return {
    shortTermRate: decimal(tax.shortTermRate, 'options.tax.short_term_rate', true),
    longTermRate: decimal(tax.longTermRate, 'options.tax.long_term_rate', true),
    weight: decimal(tax.weight ?? '1', 'options.tax.weight'),
    longTermDays: wholeDays(tax.longTermDays, 365, 'options.tax.long_term_days'),
    washSaleDays,
    harvestLosses: tax.harvestLosses ?? false,
    asOfDay,
    lots: readLots(input, asOfDay),
    washBlocked: readWashBlocked(input, asOfDay, washSaleDays),
  };
}

/**
 * Validates the tax part of a ProblemInput (options.tax, holdings[].lots, recent_sales) and
 * reads it into digits and places. Read only when `options.tax.enabled`, so a problem without
 * tax is read exactly as before. Field names in errors are snake_case, as the JSON spells them.
 *
 * A book has many lots per holding: their values are read into flat per-portfolio arrays (no
 * object per lot) and a field's name is built only for an error.
 */
import { InvalidInput } from '../../../errors/index.js';
import { parseFixed, parseFixedInto, type FixedDecimal } from '../../money/fixed-point.js';
import type { HoldingInput, ProblemInput, RecentSaleInput, TaxLotInput, TaxOptions } from '../types.js';
import { calendarDay, NOT_YYYY_MM_DD } from './calendar-day.js';

/** Where one holding's lots sit in the arrays of {@link RawLots}: indices [start, end). */
export interface LotRange {
  start: number;
  end: number;
}

/** Every lot of a portfolio, in holding order then lot order; lot `k`'s values are at index `k`. */
export interface RawLots {
  /** Lots read so far. */
  count: number;
  lotId: string[];
  quantity: Float64Array;
  /** Unit cost as digits and places. */
  costValue: Float64Array;
  costPlaces: Float64Array;
  /** Days from acquisition to `as_of` (≥ 0). */
  heldDays: Float64Array;
  /** The most places of any unit cost (0 without lots). */
  maxCostPlaces: number;
  /** Per holding (by its index in the input): where its lots are, or null when it has none. */
  ranges: (LotRange | null)[];
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
  lots: RawLots;
  /** Securities with a loss sale within the wash-sale window: not bought. */
  washBlocked: Set<string>;
}

/** What {@link parseFixedInto} read last; copied out at once. */
const scratch: FixedDecimal = { value: 0, places: 0, whole: 0 };

function invalid(field: string, problem: string): never {
  throw new InvalidInput(`${field} ${problem}`, field);
}

/** Why {@link calendarDay} refused a date. */
function dateProblem(day: number): string {
  return day === NOT_YYYY_MM_DD ? 'must be a date YYYY-MM-DD' : 'is not a calendar date';
}

/** Days since 1970-01-01 of a YYYY-MM-DD calendar date. */
function dayOf(value: unknown, field: string): number {
  const day = calendarDay(value);
  if (!Number.isFinite(day)) invalid(field, dateProblem(day));
  return day;
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

function lotInvalid(holding: number, lot: number, name: string, problem: string): never {
  return invalid(`holdings[${holding}].lots[${lot}].${name}`, problem);
}

/**
 * Lots of one holding up to which a linear scan of the ids read so far beats hashing each into a
 * set. The scan compares a number per id first ({@link idKey}), and strings only when those match.
 */
const SCAN_MAX = 64;

/** Length and last two character codes of a lot id: equal ids have equal keys. */
function idKey(lotId: string): number {
  const n = lotId.length;
  return n * 65_536 + lotId.charCodeAt(n - 1) * 256 + (n > 1 ? lotId.charCodeAt(n - 2) & 255 : 0);
}

/** Keys of the ids of the holding being read, by position in the book; reused across reads (nothing keeps it). */
let idKeys = new Float64Array(256);

/**
 * Whether `lotId` is among the ids of the holding read so far: `ids[start…end)`, or `seen` (which
 * it then joins) for a holding with more than {@link SCAN_MAX} lots.
 */
function repeats(lotId: string, ids: readonly string[], start: number, end: number, seen: Set<string> | null): boolean {
  if (seen !== null) {
    if (seen.has(lotId)) return true;
    seen.add(lotId);
    return false;
  }
  if (end >= idKeys.length) {
    const grown = new Float64Array(2 * end);
    grown.set(idKeys);
    idKeys = grown;
  }
  const key = idKey(lotId);
  idKeys[end] = key;
  for (let k = start; k < end; k++) if (idKeys[k] === key && ids[k] === lotId) return true;
  return false;
}

/** Reads lot `j` of holding `index` onto the end of `out`; returns its quantity. */
function readLot(lot: TaxLotInput | undefined, index: number, j: number, asOfDay: number, start: number, ids: Set<string> | null, out: RawLots): number {
  const lotId = lot?.lotId;
  if (typeof lotId !== 'string' || lotId.length === 0) lotInvalid(index, j, 'lot_id', 'must be a non-empty string');
  const at = out.count;
  if (repeats(lotId, out.lotId, start, at, ids)) lotInvalid(index, j, 'lot_id', `repeats lot ${lotId}`);
  const quantity = (lot as TaxLotInput).quantity;
  if (!Number.isSafeInteger(quantity) || quantity <= 0) lotInvalid(index, j, 'quantity', 'must be a whole number of shares > 0');
  const acquiredDay = calendarDay((lot as TaxLotInput).acquired);
  if (!Number.isFinite(acquiredDay)) lotInvalid(index, j, 'acquired', dateProblem(acquiredDay));
  if (acquiredDay > asOfDay) lotInvalid(index, j, 'acquired', 'is after options.tax.as_of');
  const unitCost = (lot as TaxLotInput).unitCost;
  if (typeof unitCost !== 'string' || !parseFixedInto(unitCost, scratch)) lotInvalid(index, j, 'unit_cost', 'must be a non-negative decimal string');
  out.lotId[at] = lotId;
  out.quantity[at] = quantity;
  out.costValue[at] = scratch.value;
  out.costPlaces[at] = scratch.places;
  out.heldDays[at] = asOfDay - acquiredDay;
  out.count = at + 1;
  if (scratch.places > out.maxCostPlaces) out.maxCostPlaces = scratch.places;
  return quantity;
}

/** Room for every lot of `holdings` (lists that are not lists are refused while reading). */
function emptyLots(holdings: readonly HoldingInput[]): RawLots {
  let count = 0;
  for (const holding of holdings) if (Array.isArray(holding.lots)) count += holding.lots.length;
  return {
    count: 0,
    lotId: new Array<string>(count),
    quantity: new Float64Array(count),
    costValue: new Float64Array(count),
    costPlaces: new Float64Array(count),
    heldDays: new Float64Array(count),
    maxCostPlaces: 0,
    ranges: [],
  };
}

function readLots(input: ProblemInput, asOfDay: number): RawLots {
  const holdings = input.holdings ?? [];
  const out = emptyLots(holdings);
  let ids: Set<string> | null = null;
  for (let index = 0; index < holdings.length; index++) {
    const holding = holdings[index] as HoldingInput;
    const lots = holding.lots;
    if (lots === undefined) {
      out.ranges.push(null);
      continue;
    }
    if (!Array.isArray(lots)) invalid(`holdings[${index}].lots`, 'must be a list');
    const start = out.count;
    const seen = lots.length > SCAN_MAX ? (ids ??= new Set()) : null;
    seen?.clear();
    let total = 0;
    for (let j = 0; j < lots.length; j++) total += readLot(lots[j], index, j, asOfDay, start, seen, out);
    if (total !== holding.quantity) {
      invalid(`holdings[${index}].lots`, `of portfolio holding ${holding.securityId} add up to ${total} shares, not its quantity ${holding.quantity}`);
    }
    out.ranges.push({ start, end: out.count });
  }
  return out;
}

function readWashBlocked(input: ProblemInput, asOfDay: number, windowDays: number): Set<string> {
  const blocked = new Set<string>();
  const sales = input.recentSales;
  if (sales === undefined) return blocked;
  if (!Array.isArray(sales)) invalid('recent_sales', 'must be a list');
  for (let index = 0; index < sales.length; index++) {
    const sale = sales[index] as RecentSaleInput;
    const at = `recent_sales[${index}]`;
    if (typeof sale?.securityId !== 'string' || sale.securityId.length === 0) invalid(`${at}.security_id`, 'must be a non-empty string');
    if (!Number.isSafeInteger(sale.quantity) || sale.quantity < 0) invalid(`${at}.quantity`, 'must be a whole number of shares ≥ 0');
    const day = dayOf(sale.date, `${at}.date`);
    const loss = isLoss(sale.realizedGain, `${at}.realized_gain`);
    if (loss && day <= asOfDay && asOfDay - day <= windowDays) blocked.add(sale.securityId);
  }
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

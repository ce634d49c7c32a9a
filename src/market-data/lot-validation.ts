/**
 * The tax data a holdings upload may carry: lots per holding and recent sales per portfolio.
 * Without them nothing changes; with them, every lot and sale is checked before anything is
 * written, and a holding whose lots do not add up to its quantity is refused by name.
 */
import type { RecentSaleInput, TaxLotInput } from '../core/optimizer/types.js';
import { canonicalDecimal, canonicalSignedDecimal, describeValue, isoDate, wholeQuantity } from './decimal-text.js';

/** Where validation problems go (the row validator's capped error list). */
export interface ErrorSink {
  add(field: string, message: string): void;
}

/** Lot ids are the custodian's: letters, digits and `_ . : -`, up to 64 characters. */
const LOT_ID = /^[A-Za-z0-9_.:-]{1,64}$/;
const OBJECT_ID = /^[0-9a-fA-F]{24}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readLot(item: unknown, at: string, errors: ErrorSink): TaxLotInput | null {
  if (!isRecord(item)) {
    errors.add(at, `must be an object {lot_id, quantity, unit_cost, acquired}, got ${describeValue(item)}`);
    return null;
  }
  const lotId = typeof item.lot_id === 'string' && LOT_ID.test(item.lot_id) ? item.lot_id : null;
  if (lotId === null) errors.add(`${at}.lot_id`, `must be 1–64 letters, digits or "_.:-", got ${describeValue(item.lot_id)}`);
  const quantity = wholeQuantity(item.quantity);
  if (quantity === null || quantity === 0) errors.add(`${at}.quantity`, `must be a whole number ≥ 1, got ${describeValue(item.quantity)}`);
  const unitCost = canonicalDecimal(item.unit_cost);
  if (unitCost === null) errors.add(`${at}.unit_cost`, `must be a decimal ≥ 0 in plain notation, got ${describeValue(item.unit_cost)}`);
  const acquired = isoDate(item.acquired);
  if (acquired === null) errors.add(`${at}.acquired`, `must be a date YYYY-MM-DD, got ${describeValue(item.acquired)}`);
  if (lotId === null || quantity === null || quantity === 0 || unitCost === null || acquired === null) return null;
  return { lotId, quantity, unitCost, acquired };
}

/**
 * The lots of one holding (`undefined` when it has none). Lot ids are unique within the holding,
 * and the lots must add up to the holding's quantity: the message names portfolio and security.
 */
export function readLots(
  value: unknown,
  at: string,
  holding: { portfolioId: string | null; securityId: string | null; quantity: number | null },
  errors: ErrorSink,
): TaxLotInput[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) {
    errors.add(`${at}.lots`, `must be an array of lots, got ${describeValue(value)}`);
    return undefined;
  }
  const lots: TaxLotInput[] = [];
  const seen = new Map<string, number>();
  let total = 0;
  let complete = true;
  value.forEach((item: unknown, k) => {
    const lot = readLot(item, `${at}.lots[${k}]`, errors);
    if (lot === null) {
      complete = false;
      return;
    }
    const first = seen.get(lot.lotId);
    if (first !== undefined) errors.add(`${at}.lots[${k}].lot_id`, `duplicate of ${at}.lots[${first}]`);
    else seen.set(lot.lotId, k);
    total += lot.quantity;
    lots.push(lot);
  });
  if (complete && holding.quantity !== null && total !== holding.quantity) {
    errors.add(
      `${at}.lots`,
      `lots of portfolio ${holding.portfolioId ?? '?'} security ${holding.securityId ?? '?'} add up to ${total} shares, not the holding's quantity ${holding.quantity}`,
    );
  }
  return lots;
}

function readSale(item: unknown, at: string, errors: ErrorSink): RecentSaleInput | null {
  if (!isRecord(item)) {
    errors.add(at, `must be an object {security_id, date, quantity, realized_gain}, got ${describeValue(item)}`);
    return null;
  }
  const securityId = typeof item.security_id === 'string' && OBJECT_ID.test(item.security_id) ? item.security_id : null;
  if (securityId === null) errors.add(`${at}.security_id`, `must be a 24-character hex id, got ${describeValue(item.security_id)}`);
  const date = isoDate(item.date);
  if (date === null) errors.add(`${at}.date`, `must be a date YYYY-MM-DD, got ${describeValue(item.date)}`);
  const quantity = wholeQuantity(item.quantity);
  if (quantity === null || quantity === 0) errors.add(`${at}.quantity`, `must be a whole number ≥ 1, got ${describeValue(item.quantity)}`);
  const realizedGain = canonicalSignedDecimal(item.realized_gain);
  if (realizedGain === null) {
    errors.add(`${at}.realized_gain`, `must be a decimal in plain notation, negative for a loss, got ${describeValue(item.realized_gain)}`);
  }
  if (securityId === null || date === null || quantity === null || quantity === 0 || realizedGain === null) return null;
  return { securityId, date, quantity, realizedGain };
}

/** A portfolio's recent sales (`undefined` when the row has none), for the wash-sale window. */
export function readRecentSales(value: unknown, path: string, errors: ErrorSink): RecentSaleInput[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) {
    errors.add(`${path}.recent_sales`, `must be an array of sales, got ${describeValue(value)}`);
    return undefined;
  }
  const sales: RecentSaleInput[] = [];
  value.forEach((item: unknown, k) => {
    const sale = readSale(item, `${path}.recent_sales[${k}]`, errors);
    if (sale !== null) sales.push(sale);
  });
  return sales;
}

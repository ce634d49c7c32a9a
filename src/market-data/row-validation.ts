import type { PortfolioSnapshot } from './types.js';
import { canonicalDecimal, describeValue, isPositiveDecimal, wholeQuantity } from './decimal-text.js';
import { readLots, readRecentSales } from './lot-validation.js';

/** One problem in a bulk request, named by its path in the body (`rows[17].holdings[2].quantity`). */
export interface RowError {
  field: string;
  message: string;
}

/** A security's price as stored in the snapshot. */
export interface SecurityPrice {
  securityId: string;
  /** Canonical decimal text, > 0. */
  price: string;
  /** Exchange ticker, when the upload names one. */
  ticker?: string;
}

/** Either every row is valid (and canonical), or the errors found, capped at `maxErrors`. */
export type Validated<T> =
  | { ok: true; rows: T[] }
  | { ok: false; errors: RowError[]; errorCount: number };

/** Portfolio and security ids are 24 hex characters (MongoDB ObjectId text, as GlobeCo uses). */
const OBJECT_ID = /^[0-9a-fA-F]{24}$/;

/** How many errors are kept by default; the count covers all of them. */
export const DEFAULT_MAX_ERRORS = 100;

class ErrorList {
  readonly errors: RowError[] = [];
  count = 0;

  constructor(private readonly max: number) {}

  add(field: string, message: string): void {
    this.count += 1;
    if (this.errors.length < this.max) this.errors.push({ field, message });
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readId(value: unknown, field: string, errors: ErrorList): string | null {
  if (typeof value === 'string' && OBJECT_ID.test(value)) return value.toLowerCase();
  errors.add(field, `must be a 24-character hex id, got ${describeValue(value)}`);
  return null;
}

/** Longest portfolio name and ticker accepted. */
export const MAX_NAME_LENGTH = 200;
export const MAX_TICKER_LENGTH = 32;

/** An optional display text (portfolio name, ticker): absent, null or blank is none; trimmed. */
function readLabel(value: unknown, field: string, max: number, errors: ErrorList): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.trim().length > max) {
    errors.add(field, `must be text of at most ${max} characters, got ${describeValue(value)}`);
    return undefined;
  }
  return value.trim() === '' ? undefined : value.trim();
}

function readHoldings(value: unknown, path: string, portfolioId: string | null, errors: ErrorList): PortfolioSnapshot['holdings'] {
  if (!Array.isArray(value)) {
    errors.add(`${path}.holdings`, `must be an array, got ${describeValue(value)}`);
    return [];
  }
  const seen = new Map<string, number>();
  const holdings: PortfolioSnapshot['holdings'] = [];
  value.forEach((item: unknown, j) => {
    const at = `${path}.holdings[${j}]`;
    if (!isRecord(item)) {
      errors.add(at, `must be an object {security_id, quantity, lots?}, got ${describeValue(item)}`);
      return;
    }
    const securityId = readId(item.security_id, `${at}.security_id`, errors);
    const quantity = wholeQuantity(item.quantity);
    if (quantity === null) {
      errors.add(`${at}.quantity`, `must be a whole number ≥ 0, got ${describeValue(item.quantity)}`);
    }
    if (securityId !== null) {
      const first = seen.get(securityId);
      if (first !== undefined) errors.add(`${at}.security_id`, `duplicate of ${path}.holdings[${first}]`);
      else seen.set(securityId, j);
    }
    const lots = readLots(item.lots, at, { portfolioId, securityId, quantity }, errors);
    if (securityId !== null && quantity !== null) holdings.push(lots === undefined ? { securityId, quantity } : { securityId, quantity, lots });
  });
  return holdings;
}

/**
 * Rows one upload request may carry (the CLI sends 2,000 CSV lines per request). Checked before
 * any row is looked at: a body of a million `{}` fits in the byte limit, and validating each
 * row held the event loop for seconds before the 400.
 */
export const MAX_UPLOAD_ROWS = 50_000;

function requireArray(body: unknown, errors: ErrorList): unknown[] {
  if (Array.isArray(body) && body.length > MAX_UPLOAD_ROWS) {
    errors.add('rows', `${body.length} rows; at most ${MAX_UPLOAD_ROWS} per request (split the upload, e.g. ogs import --batch)`);
    return [];
  }
  if (Array.isArray(body)) return body;
  errors.add('rows', `the body must be a JSON array of rows, got ${describeValue(body)}`);
  return [];
}

function finish<T>(rows: T[], errors: ErrorList): Validated<T> {
  return errors.count === 0 ? { ok: true, rows } : { ok: false, errors: errors.errors, errorCount: errors.count };
}

/**
 * Validates a holdings upload `[{portfolio_id, name?, cash, holdings:[{security_id, quantity, lots?}], recent_sales?}]`
 * completely before anything is written, so one bad row rejects the whole request.
 */
export function validateHoldingsRows(body: unknown, maxErrors = DEFAULT_MAX_ERRORS): Validated<PortfolioSnapshot> {
  const errors = new ErrorList(maxErrors);
  const seen = new Map<string, number>();
  const rows: PortfolioSnapshot[] = [];
  requireArray(body, errors).forEach((row: unknown, i) => {
    const path = `rows[${i}]`;
    if (!isRecord(row)) {
      errors.add(path, `must be an object {portfolio_id, cash, holdings}, got ${describeValue(row)}`);
      return;
    }
    const portfolioId = readId(row.portfolio_id, `${path}.portfolio_id`, errors);
    const cash = canonicalDecimal(row.cash);
    if (cash === null) {
      errors.add(`${path}.cash`, `must be a decimal ≥ 0 in plain notation, got ${describeValue(row.cash)}`);
    }
    const holdings = readHoldings(row.holdings, path, portfolioId, errors);
    const recentSales = readRecentSales(row.recent_sales, path, errors);
    const name = readLabel(row.name, `${path}.name`, MAX_NAME_LENGTH, errors);
    if (portfolioId !== null) {
      const first = seen.get(portfolioId);
      if (first !== undefined) errors.add(`${path}.portfolio_id`, `duplicate of rows[${first}]`);
      else seen.set(portfolioId, i);
    }
    if (portfolioId !== null && cash !== null) rows.push({ portfolioId, cash, holdings, ...(recentSales === undefined ? {} : { recentSales }), ...(name ? { name } : {}) });
  });
  return finish(rows, errors);
}

/** Validates a price upload `[{security_id, price, ticker?}]`; prices must be > 0. */
export function validatePriceRows(body: unknown, maxErrors = DEFAULT_MAX_ERRORS): Validated<SecurityPrice> {
  const errors = new ErrorList(maxErrors);
  const seen = new Map<string, number>();
  const rows: SecurityPrice[] = [];
  requireArray(body, errors).forEach((row: unknown, i) => {
    const path = `rows[${i}]`;
    if (!isRecord(row)) {
      errors.add(path, `must be an object {security_id, price}, got ${describeValue(row)}`);
      return;
    }
    const securityId = readId(row.security_id, `${path}.security_id`, errors);
    const price = canonicalDecimal(row.price);
    if (price === null || !isPositiveDecimal(price)) {
      errors.add(`${path}.price`, `must be a decimal > 0 in plain notation, got ${describeValue(row.price)}`);
    }
    const ticker = readLabel(row.ticker, `${path}.ticker`, MAX_TICKER_LENGTH, errors);
    if (securityId !== null) {
      const first = seen.get(securityId);
      if (first !== undefined) errors.add(`${path}.security_id`, `duplicate of rows[${first}]`);
      else seen.set(securityId, i);
    }
    if (securityId !== null && price !== null) rows.push({ securityId, price, ...(ticker ? { ticker } : {}) });
  });
  return finish(rows, errors);
}

/** `rows[17].holdings[2].quantity: must be …` — how a row error reads in messages and logs. */
export function formatRowError(error: RowError): string {
  return `${error.field}: ${error.message}`;
}

import { Decimal } from 'decimal.js';

/**
 * Plain decimal notation only: digits, at most one point, no sign, no exponent. The bounds
 * (18 integer and 12 fraction digits) cover any cash balance or price while keeping every
 * stored value exact; anything wider is more likely a unit mistake than real data.
 */
const PLAIN_DECIMAL = /^\d{1,18}(\.\d{1,12})?$/;

/** A short, printable rendering of a rejected value for error messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = typeof value === 'string' ? JSON.stringify(value) : String(JSON.stringify(value) ?? value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/**
 * Reads a non-negative decimal from a request value and returns its canonical text
 * (`"0100.50"` → `"100.5"`), or null when it is not one. Canonical text makes equal
 * amounts equal strings, so stored snapshots compare and round-trip exactly.
 *
 * JSON numbers are accepted for convenience when their JavaScript rendering is plain
 * decimal notation; NaN, Infinity and exponent forms are not.
 */
export function canonicalDecimal(value: unknown): string | null {
  let text: string;
  if (typeof value === 'string') text = value.trim();
  else if (typeof value === 'number' && Number.isFinite(value)) text = String(value);
  else return null;
  if (!PLAIN_DECIMAL.test(text)) return null;
  return new Decimal(text).toFixed();
}

/**
 * Reads a decimal that an upstream service sent, more leniently than client input (signs and
 * exponents allowed, since those services are trusted to send numbers, not to format them),
 * and returns its canonical plain text or null.
 */
export function upstreamDecimal(value: unknown): string | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  if (typeof value === 'string' && value.trim() === '') return null;
  try {
    const parsed = new Decimal(typeof value === 'number' ? String(value) : value.trim());
    return parsed.isFinite() ? parsed.toFixed() : null;
  } catch {
    return null;
  }
}

/**
 * Reads a whole number of shares ≥ 0 (a JSON number or a string of digits, as CSV files
 * carry them) or returns null. Quantities beyond 2^53 − 1 are refused because they could
 * not be stored or compared exactly.
 */
export function wholeQuantity(value: unknown): number | null {
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && /^\d{1,16}$/.test(value.trim())) n = Number(value.trim());
  else return null;
  return Number.isSafeInteger(n) && n >= 0 ? n : null;
}

/** True when the canonical decimal text is strictly positive. */
export function isPositiveDecimal(text: string): boolean {
  return new Decimal(text).gt(0);
}

/** Like {@link canonicalDecimal}, with an optional leading minus (a realized loss); zero reads "0". */
export function canonicalSignedDecimal(value: unknown): string | null {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  if (typeof text !== 'string') return null;
  const trimmed = text.trim();
  const negative = trimmed.startsWith('-');
  const magnitude = canonicalDecimal(negative ? trimmed.slice(1) : trimmed);
  if (magnitude === null) return null;
  return negative && magnitude !== '0' ? `-${magnitude}` : magnitude;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A calendar date `YYYY-MM-DD` that exists (no 2026-02-30) in year 0100 or later, or null. Years
 * 0000–0099 are refused as the optimizer refuses them (`calendar-day.ts`), so that no date passes
 * the API only to fail the solve.
 */
export function isoDate(value: unknown): string | null {
  if (typeof value !== 'string' || !ISO_DATE.test(value.trim())) return null;
  const text = value.trim();
  if (text.startsWith('00')) return null;
  const parsed = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === text ? text : null;
}

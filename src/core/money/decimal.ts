/**
 * Decimal helpers for money and weights at the solver's edges.
 *
 * Amounts arrive as decimal strings and leave as decimal strings. In between the optimizer works
 * on scaled integers (see `problem.ts`). decimal.js is used for what gets stored or shown because
 * a binary float cannot represent 0.1 or 19.99 exactly, and a market value that drifts by a
 * fraction of a cent between runs would make two identical rebalances compare unequal.
 */
import { Decimal } from 'decimal.js';

/** A decimal.js constructor with enough precision for any product of two amounts we handle. */
export const Dec = Decimal.clone({ precision: 60, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -40, toExpPos: 60 });
export type Dec = InstanceType<typeof Dec>;

const PLAIN_DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/** The parts of a non-negative plain decimal string, or null when it is not one. */
export function splitDecimal(text: string): { whole: string; fraction: string } | null {
  const match = PLAIN_DECIMAL.exec(text);
  if (match === null) return null;
  // Trailing zeros carry no value; dropping them keeps the common scale as small as possible.
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  return { whole: match[1] as string, fraction };
}

/** Fraction digits that carry value: `"12.50"` → 1. Assumes a valid plain decimal. */
export function significantPlaces(text: string): number {
  return splitDecimal(text)?.fraction.length ?? 0;
}

/** `text` × 10^places as a bigint, exactly. Assumes a valid plain decimal with ≤ `places` digits. */
export function toScaledBigInt(text: string, places: number): bigint {
  const parts = splitDecimal(text);
  if (parts === null) throw new RangeError(`not a plain decimal: ${text}`);
  return BigInt(parts.whole + parts.fraction.padEnd(places, '0'));
}

/** `text` × 10^places as a number; throws RangeError when it would not be an exact integer. */
export function toScaledNumber(text: string, places: number): number {
  const parts = splitDecimal(text);
  if (parts === null) throw new RangeError(`not a plain decimal: ${text}`);
  const value = Number(parts.whole + parts.fraction.padEnd(places, '0'));
  if (!Number.isSafeInteger(value)) throw new RangeError(`too large to scale exactly: ${text}`);
  return value;
}

/** A scaled integer `value / 10^places` as an exact decimal. */
export function fromScaled(value: bigint | number, places: number): Dec {
  return new Dec(value.toString()).div(new Dec(10).pow(places));
}

/** Fixed-point text, half-up: market values use 3 places, weights 4. */
export function fixed(value: Dec, places: number): string {
  return value.toFixed(places, Decimal.ROUND_HALF_UP);
}

/** Exact plain text without exponent or trailing zeros (`"1500"`, `"0.125"`). */
export function plain(value: Dec): string {
  return value.toFixed();
}

/** Dollars for people: `$1,234.50`. Display only — never stored. */
export function dollars(value: Dec): string {
  const [whole, cents] = value.toFixed(2, Decimal.ROUND_HALF_UP).split('.') as [string, string];
  const negative = whole.startsWith('-');
  const digits = negative ? whole.slice(1) : whole;
  return `${negative ? '-' : ''}$${digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${cents}`;
}

/** `value / 10^places` as exact plain text, without decimal.js (hot path). `value` ≥ 0. */
export function scaledText(value: bigint, places: number): string {
  if (places === 0) return value.toString();
  const digits = value.toString().padStart(places + 1, '0');
  const fraction = digits.slice(-places).replace(/0+$/, '');
  const whole = digits.slice(0, -places);
  return fraction === '' ? whole : `${whole}.${fraction}`;
}

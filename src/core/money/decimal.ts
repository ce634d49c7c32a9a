/**
 * decimal.js, where it still earns its place: the dollar amounts of infeasibility reasons
 * (`optimizer/reasons.ts`: rare, display only, and the one place that divides scaled amounts
 * for people), and the tests' reference derivation. Everything a portfolio's path reads, stores
 * or derives is scaled-integer arithmetic (`fixed-point.ts`), exact and far cheaper than
 * 60-digit decimals per position.
 */
import { Decimal } from 'decimal.js';

/** A decimal.js constructor with enough precision for any product of two amounts we handle. */
export const Dec = Decimal.clone({ precision: 60, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -40, toExpPos: 60 });
export type Dec = InstanceType<typeof Dec>;

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

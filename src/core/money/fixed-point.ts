/**
 * Exact fixed-point arithmetic on scaled integers for the optimizer's hot path: decimal strings
 * are read once into `value / 10^places` and everything derived from them is computed and
 * rounded in integers. Doubles carry integers below 2^53 exactly; anything that could leave that
 * range is finished in BigInt.
 */

/** A non-negative plain decimal read into digits and places: `"12.50"` → `{ whole: 12, value: 125, places: 1 }`. */
export interface FixedDecimal {
  /** The digits as an integer, trailing fraction zeros dropped. Exact below 2^53; beyond that only its magnitude is right. */
  value: number;
  /** Fraction digits that carry value. */
  places: number;
  /** The integer part (same caveat as `value`). */
  whole: number;
}

/** 10^k as a double, exact for k ≤ 22. */
export const POW10: readonly number[] = Array.from({ length: 23 }, (_, k) => 10 ** k);

const DOT = 46;
const ZERO = 48;

/** Reads `text` if it is a non-negative plain decimal (`/^\d+(\.\d+)?$/`), else null. */
export function parseFixed(text: string): FixedDecimal | null {
  const into: FixedDecimal = { value: 0, places: 0, whole: 0 };
  return parseFixedInto(text, into) ? into : null;
}

/**
 * As {@link parseFixed}, into `into` (false when `text` is not a plain decimal): one pass over
 * the characters, no regular expression, no intermediate strings and no allocation.
 */
export function parseFixedInto(text: string, into: FixedDecimal): boolean {
  const length = text.length;
  if (length === 0) return false;
  let value = 0;
  let whole = 0;
  let places = 0;
  let pendingZeros = 0;
  let dotAt = -1;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code === DOT) {
      if (dotAt >= 0 || i === 0 || i === length - 1) return false;
      dotAt = i;
      whole = value;
      continue;
    }
    const digit = code - ZERO;
    if (digit < 0 || digit > 9) return false;
    if (dotAt < 0) {
      value = value * 10 + digit;
    } else if (digit === 0) {
      // Trailing zeros carry no value: count them and apply them only if a digit follows.
      pendingZeros++;
    } else {
      value = value * (POW10[pendingZeros + 1] ?? 10 ** (pendingZeros + 1)) + digit;
      places += pendingZeros + 1;
      pendingZeros = 0;
    }
  }
  into.value = value;
  into.places = places;
  into.whole = dotAt < 0 ? value : whole;
  return true;
}

/** Exact text of `value / 10^places`, without trailing zeros or exponent: `(-1250n, 2)` → `"-12.5"`. */
export function scaledText(value: bigint | number, places: number): string {
  const negative = value < 0;
  let digits = (negative ? -value : value).toString();
  if (places > 0) {
    digits = digits.padStart(places + 1, '0');
    let end = digits.length;
    const point = end - places;
    while (end > point && digits.charCodeAt(end - 1) === ZERO) end--;
    digits = end === point ? digits.slice(0, point) : `${digits.slice(0, point)}.${digits.slice(point, end)}`;
  }
  return negative ? `-${digits}` : digits;
}

/** Text of `value / 10^places` with exactly `places` fraction digits: `(1250, 3)` → `"1.250"`. `negative` prints a sign (also before zero, as decimal.js does for a negative that rounds to zero). */
export function fixedText(value: number | bigint, places: number, negative = false): string {
  const magnitude = (value < 0 ? -value : value).toString();
  const sign = negative || value < 0 ? '-' : '';
  if (places === 0) return sign + magnitude;
  const digits = magnitude.padStart(places + 1, '0');
  const point = digits.length - places;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** round(n / d), halves away from zero, for d > 0. */
export function roundedQuotient(n: bigint, d: bigint): bigint {
  const magnitude = n < 0n ? -n : n;
  const q = (2n * magnitude + d) / (2n * d);
  return n < 0n ? -q : q;
}

/** round(n / d) for safe integers n ≥ 0, d > 0, halves up; exact while 2n stays safe. */
export function roundedQuotientOfSafe(n: number, d: number): number {
  let q = Math.floor(n / d);
  let r = n - q * d;
  // The float quotient can be off by one next to a multiple of d; the remainder says which way.
  if (r < 0) {
    q -= 1;
    r += d;
  } else if (r >= d) {
    q += 1;
    r -= d;
  }
  return 2 * r >= d ? q + 1 : q;
}

/** `value` (≥ 0, scaled by 10^from) rounded half-up to `to` places and printed with exactly `to` digits. */
export function roundedText(value: number | bigint, from: number, to: number): string {
  if (typeof value === 'number') {
    if (from <= to) {
      const widened = value * (POW10[to - from] as number);
      if (Number.isSafeInteger(widened)) return fixedText(widened, to);
    } else if (Number.isSafeInteger(value) && from - to <= 15) {
      return fixedText(roundedQuotientOfSafe(value, POW10[from - to] as number), to);
    }
  }
  const exact = BigInt(value);
  if (from <= to) return fixedText(exact * 10n ** BigInt(to - from), to);
  return fixedText(roundedQuotient(exact, 10n ** BigInt(from - to)), to);
}

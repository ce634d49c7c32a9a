/**
 * Weights and drifts of a position, from scaled integers, rounded exactly as decimal.js rounds
 * the exact quotient at 4 places half-up (halves away from zero, and a negative that rounds to
 * zero keeps its sign: `-0.0000`). A double estimate decides every case that is not within a
 * hair of a rounding boundary; those few are settled in BigInt.
 */
import { fixedText, roundedQuotient, roundedQuotientOfSafe } from '../money/fixed-point.js';

/** Shared by every position of one portfolio. */
export interface WeightScale {
  /** Market value × 10^moneyPlaces. */
  marketValue: number;
  /** 10^weightPlaces. */
  weightScale: number;
}

const PLACES = 4;
const UNIT = 10_000;
const ZERO_TEXT = '0.0000';
const ONE_TEXT = '1.0000';

/** `value / marketValue` at 4 places; `value` is money × 10^moneyPlaces, ≥ 0. */
export function weightText(scale: WeightScale, value: number | bigint): string {
  if (scale.marketValue === 0) return ZERO_TEXT;
  const widened = typeof value === 'number' ? value * UNIT : 0;
  if (typeof value === 'number' && Number.isSafeInteger(widened)) {
    return fixedText(roundedQuotientOfSafe(widened, scale.marketValue), PLACES);
  }
  return fixedText(roundedQuotient(BigInt(value) * BigInt(UNIT), BigInt(scale.marketValue)), PLACES);
}

/** Exact sign of M·T − V·W. */
function driftSign(scale: WeightScale, value: number | bigint, target: number): number {
  const left = scale.marketValue * target;
  const right = typeof value === 'number' ? value * scale.weightScale : Number.NaN;
  if (Number.isSafeInteger(left) && Number.isSafeInteger(right)) return Math.sign(left - right);
  const exact = BigInt(scale.marketValue) * BigInt(target) - BigInt(value) * BigInt(scale.weightScale);
  return exact === 0n ? 0 : exact < 0n ? -1 : 1;
}

function exactDriftText(scale: WeightScale, value: number | bigint, target: number): string {
  const den = BigInt(scale.marketValue) * BigInt(target);
  const num = den - BigInt(value) * BigInt(scale.weightScale);
  return fixedText(roundedQuotient(num * BigInt(UNIT), den), PLACES, num < 0n);
}

/**
 * `1 − (value / marketValue) / target` at 4 places; null where the target is 0. `target` is the
 * weight × 10^weightPlaces.
 */
export function driftText(scale: WeightScale, value: number | bigint, target: number): string | null {
  if (target === 0) return null;
  if (scale.marketValue === 0 || value === 0) return ONE_TEXT;
  const ratio = (UNIT * (Number(value) / scale.marketValue) * scale.weightScale) / target;
  const estimate = UNIT - ratio;
  const magnitude = Math.abs(estimate);
  // Far above the few ulps of error the estimate can carry.
  const margin = 1e-9 * (1 + ratio + magnitude);
  const whole = Math.floor(magnitude);
  const fraction = magnitude - whole;
  if (Math.abs(fraction - 0.5) < margin) return exactDriftText(scale, value, target);
  const rounded = fraction > 0.5 ? whole + 1 : whole;
  // Only a result of zero needs the exact sign: decimal.js prints a negative one as -0.0000.
  const negative = magnitude >= margin ? estimate < 0 : driftSign(scale, value, target) < 0;
  return fixedText(rounded, PLACES, negative);
}

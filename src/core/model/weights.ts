import { Decimal } from 'decimal.js';
import { InvalidInput } from '../../errors/index.js';

/**
 * Weights (targets and drifts) are kept as canonical decimal strings: exact, readable
 * in the database, and free of Decimal128, which FerretDB v1 cannot store. Targets would
 * fit integer units of 0.005, but drifts are arbitrary decimals, so one representation
 * serves both. Canonical = no exponent, no trailing zeros, no sign on zero ("0.05", "0").
 */
export function canonicalWeight(value: string | number, field: string): string {
  return toCanonical(parseWeight(value, field));
}

/** Parses a decimal given as a JSON number or a decimal string. */
export function parseWeight(value: string | number, field: string): Decimal {
  let parsed: Decimal;
  try {
    parsed = new Decimal(value);
  } catch {
    throw new InvalidInput(`${field}: ${String(value)} is not a decimal number`, field);
  }
  if (!parsed.isFinite()) throw new InvalidInput(`${field}: ${String(value)} is not a finite number`, field);
  return parsed;
}

export function toCanonical(value: Decimal): string {
  return value.isZero() ? '0' : value.toFixed();
}

import { canonicalId } from '../ids/canonical-id.js';
import { Decimal } from 'decimal.js';
import type { ModelPosition } from './types.js';
import { RuleViolation } from './rule-violation.js';
import { parseWeight, toCanonical } from './weights.js';

/** GlobeCo v1 limits. */
export const MODEL_LIMITS = Object.freeze({
  targetStep: new Decimal('0.005'),
  maxTarget: new Decimal('0.95'),
  maxTargetSum: new Decimal('0.95'),
  maxDrift: new Decimal('1'),
  maxNonZeroPositions: 100,
  securityIdLength: 24,
  /** Keeps one model document far below MongoDB's 16 MB limit. */
  maxPortfolios: 50_000,
});

/** A position as it arrives: weights as numbers or decimal strings. */
export interface PositionInput {
  securityId: string;
  target: string | number;
  highDrift: string | number;
  lowDrift: string | number;
}

const SECURITY_ID = /^[A-Za-z0-9]{24}$/;
const PORTFOLIO_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Checks one position and returns it with canonical weights. `field` prefixes the names
 * in errors, e.g. `positions[2]` gives `positions[2].target`; empty gives `target`.
 */
export function normalizePosition(input: PositionInput, field = ''): ModelPosition {
  const at = (name: string) => (field ? `${field}.${name}` : name);
  if (!SECURITY_ID.test(input.securityId)) {
    throw new RuleViolation(
      `${at('security_id')}: ${JSON.stringify(input.securityId.slice(0, 80))} is not ${MODEL_LIMITS.securityIdLength} letters or digits`,
      at('security_id'),
    );
  }
  const target = parseWeight(input.target, at('target'));
  checkTarget(target, String(input.target), at('target'));
  const highDrift = checkDrift(input.highDrift, at('high_drift'));
  const lowDrift = checkDrift(input.lowDrift, at('low_drift'));
  return { securityId: canonicalId(input.securityId), target: toCanonical(target), highDrift, lowDrift };
}

function checkTarget(target: Decimal, shown: string, field: string): void {
  if (target.isNegative() && !target.isZero()) throw new RuleViolation(`${field}: ${shown} is negative`, field);
  if (target.gt(MODEL_LIMITS.maxTarget)) {
    throw new RuleViolation(`${field}: ${shown} is above the maximum ${MODEL_LIMITS.maxTarget.toFixed()}`, field);
  }
  if (!target.mod(MODEL_LIMITS.targetStep).isZero()) {
    throw new RuleViolation(`${field}: ${shown} is not a multiple of ${MODEL_LIMITS.targetStep.toFixed()}`, field);
  }
}

function checkDrift(value: string | number, field: string): string {
  const drift = parseWeight(value, field);
  if ((drift.isNegative() && !drift.isZero()) || drift.gt(MODEL_LIMITS.maxDrift)) {
    throw new RuleViolation(`${field}: ${String(value)} is outside [0, 1]`, field);
  }
  return toCanonical(drift);
}

/**
 * Applies the whole-model rules: each position valid, a security at most once, at most
 * 100 positions with target > 0, Σ targets ≤ 0.95. Returns the positions to store, with
 * 0-target positions dropped (GlobeCo v1 does not keep them).
 */
export function normalizePositions(inputs: readonly PositionInput[], field = 'positions'): ModelPosition[] {
  const seen = new Map<string, number>();
  const positions = inputs.map((input, i) => {
    const position = normalizePosition(input, `${field}[${i}]`);
    const first = seen.get(position.securityId);
    if (first !== undefined) {
      throw new RuleViolation(
        `${field}[${i}].security_id: ${position.securityId} already appears at ${field}[${first}]`,
        `${field}[${i}].security_id`,
      );
    }
    seen.set(position.securityId, i);
    return position;
  });
  const kept = positions.filter((p) => p.target !== '0');
  if (kept.length > MODEL_LIMITS.maxNonZeroPositions) {
    throw new RuleViolation(
      `${field}: ${kept.length} positions have a target above 0; at most ${MODEL_LIMITS.maxNonZeroPositions} are allowed`,
      field,
    );
  }
  const sum = kept.reduce((acc, p) => acc.plus(p.target), new Decimal(0));
  if (sum.gt(MODEL_LIMITS.maxTargetSum)) {
    throw new RuleViolation(
      `${field}: targets sum to ${sum.toFixed()}, above the maximum ${MODEL_LIMITS.maxTargetSum.toFixed()}`,
      field,
    );
  }
  return kept;
}

/** Checks portfolio ids (1–64 letters, digits, `_` or `-`), once each, bounded in number. */
export function normalizePortfolios(ids: readonly string[], field = 'portfolios'): string[] {
  const seen = new Set<string>();
  ids.forEach((given, i) => {
    const id = canonicalId(given);
    if (!PORTFOLIO_ID.test(id)) {
      throw new RuleViolation(`${field}[${i}]: ${JSON.stringify(id.slice(0, 80))} is not a valid portfolio id`, `${field}[${i}]`);
    }
    if (seen.has(id)) throw new RuleViolation(`${field}[${i}]: ${id} is listed twice`, `${field}[${i}]`);
    seen.add(id);
  });
  if (seen.size > MODEL_LIMITS.maxPortfolios) {
    throw new RuleViolation(`${field}: ${seen.size} portfolios; at most ${MODEL_LIMITS.maxPortfolios} are allowed`, field);
  }
  return [...seen];
}

/** Checks a model name: 1–255 characters after trimming. Returns it trimmed. */
export function normalizeName(name: string, field = 'name'): string {
  const trimmed = name.trim();
  if (trimmed.length === 0) throw new RuleViolation(`${field}: must not be empty`, field);
  if (trimmed.length > 255) throw new RuleViolation(`${field}: ${trimmed.length} characters; at most 255 are allowed`, field);
  return trimmed;
}

import { canonicalId } from '../ids/canonical-id.js';
import { NotFound } from '../../errors/index.js';
import { normalizePortfolios, normalizePosition, normalizePositions, type PositionInput } from './model-rules.js';
import { RuleViolation } from './rule-violation.js';
import type { ModelPosition } from './types.js';

/**
 * Sub-resource edits of a model (GlobeCo v1 `…/position` and `…/portfolio`): each takes
 * the current list and returns the list to store, with every model rule re-checked.
 */

export function withPositionAdded(current: readonly ModelPosition[], input: PositionInput): ModelPosition[] {
  const position = normalizePosition(input);
  if (current.some((p) => canonicalId(p.securityId) === position.securityId)) {
    throw new RuleViolation(`security_id: ${position.securityId} is already in the model`, 'security_id');
  }
  return normalizePositions([...current, position]);
}

export function withPositionReplaced(current: readonly ModelPosition[], input: PositionInput): ModelPosition[] {
  const position = normalizePosition(input);
  const index = current.findIndex((p) => canonicalId(p.securityId) === position.securityId);
  if (index < 0) throw new NotFound(`security_id: ${position.securityId} is not in the model`);
  const next = [...current];
  next[index] = position;
  return normalizePositions(next);
}

export function withPositionRemoved(current: readonly ModelPosition[], given: string): ModelPosition[] {
  const securityId = canonicalId(given);
  if (!current.some((p) => canonicalId(p.securityId) === securityId)) {
    throw new NotFound(`security_id: ${given.slice(0, 80)} is not in the model`);
  }
  return current.filter((p) => canonicalId(p.securityId) !== securityId);
}

export function withPortfoliosAdded(current: readonly string[], added: readonly string[]): string[] {
  const ids = normalizePortfolios(added);
  // Stored ids from before normalisation may differ in case; the rewrite below stores them canonical.
  const present = new Set(current.map(canonicalId));
  ids.forEach((id, i) => {
    if (present.has(id)) throw new RuleViolation(`portfolios[${i}]: ${id} is already in the model`, `portfolios[${i}]`);
  });
  return normalizePortfolios([...current, ...ids]);
}

export function withPortfoliosRemoved(current: readonly string[], removed: readonly string[]): string[] {
  const ids = normalizePortfolios(removed);
  const present = new Set(current.map(canonicalId));
  ids.forEach((id, i) => {
    if (!present.has(id)) throw new RuleViolation(`portfolios[${i}]: ${id} is not in the model`, `portfolios[${i}]`);
  });
  const gone = new Set(ids);
  return current.filter((id) => !gone.has(canonicalId(id)));
}

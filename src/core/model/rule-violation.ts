import { InvalidInput } from '../../errors/index.js';

/**
 * Well-formed input that breaks a GlobeCo v1 model rule (a target off the 0.005 grid,
 * Σ targets above 0.95, a duplicate security…). Still an `InvalidInput` with a `field`;
 * the HTTP edge answers it with 422 where a malformed request gets 400.
 */
export class RuleViolation extends InvalidInput {
  readonly ruleViolation = true as const;
}

import { AppError } from './app-error.js';

/** One problem of an invalid input: the field (dotted path) and what is wrong with it. */
export interface InputProblem {
  field: string;
  message: string;
}

/**
 * Input that breaks a rule. `field` names the offending field (dotted path), when there is one;
 * `problems` lists every problem found when there are several.
 */
export class InvalidInput extends AppError {
  readonly code = 'INVALID_INPUT' as const;

  constructor(
    message: string,
    readonly field?: string,
    readonly problems?: readonly InputProblem[],
  ) {
    super(message);
  }
}

import { AppError } from './app-error.js';

/** Input that breaks a rule. `field` names the offending field (dotted path), when there is one. */
export class InvalidInput extends AppError {
  readonly code = 'INVALID_INPUT' as const;

  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

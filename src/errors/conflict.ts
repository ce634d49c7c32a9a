import { AppError } from './app-error.js';

/** The request clashes with existing state (e.g. an Idempotency-Key reused with another body). */
export class Conflict extends AppError {
  readonly code = 'CONFLICT' as const;
}

import { AppError } from './app-error.js';

/** The caller is known but its key's scope does not cover the route. */
export class Forbidden extends AppError {
  readonly code = 'FORBIDDEN' as const;
}

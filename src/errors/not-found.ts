import { AppError } from './app-error.js';

export class NotFound extends AppError {
  readonly code = 'NOT_FOUND' as const;
}

import { AppError } from './app-error.js';

export class Unauthorized extends AppError {
  readonly code = 'UNAUTHORIZED' as const;
}

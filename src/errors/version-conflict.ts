import { AppError } from './app-error.js';

/** An optimistic-concurrency check failed: the caller's `version` is stale. */
export class VersionConflict extends AppError {
  readonly code = 'VERSION_CONFLICT' as const;
}

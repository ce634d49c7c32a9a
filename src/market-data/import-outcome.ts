import type { UpsertCounts } from '../store/holdings-repository.js';
import type { RowError } from './row-validation.js';

/**
 * What a bulk import did. All-or-nothing per request: `rejected` means no row was written.
 * `errors` holds the first errors found (capped), `errorCount` how many there were.
 */
export type ImportOutcome =
  | { status: 'written'; counts: UpsertCounts }
  | { status: 'rejected'; errors: RowError[]; errorCount: number };

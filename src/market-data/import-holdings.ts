import type { UpsertCounts } from '../store/holdings-repository.js';
import type { ImportOutcome } from './import-outcome.js';
import { DEFAULT_MAX_ERRORS, validateHoldingsRows } from './row-validation.js';
import type { PortfolioSnapshot } from './types.js';

/** Where validated snapshots go (the holdings repository). */
export interface HoldingsWriter {
  upsertMany(snapshots: readonly PortfolioSnapshot[]): Promise<UpsertCounts>;
}

/**
 * Replaces the snapshot of every portfolio listed in `body`. Every row is validated before
 * anything is written; one bad row rejects the whole request with per-row errors.
 */
export async function importHoldings(
  writer: HoldingsWriter,
  body: unknown,
  maxErrors = DEFAULT_MAX_ERRORS,
): Promise<ImportOutcome> {
  const validated = validateHoldingsRows(body, maxErrors);
  if (!validated.ok) return { status: 'rejected', errors: validated.errors, errorCount: validated.errorCount };
  return { status: 'written', counts: await writer.upsertMany(validated.rows) };
}

import type { UpsertCounts } from '../store/holdings-repository.js';
import type { ImportOutcome } from './import-outcome.js';
import { DEFAULT_MAX_ERRORS, validatePriceRows, type SecurityPrice } from './row-validation.js';

/** Where validated prices go (the prices repository). */
export interface PricesWriter {
  upsertMany(prices: readonly SecurityPrice[]): Promise<UpsertCounts>;
}

/**
 * Sets the price of every security listed in `body`. Every row is validated before anything
 * is written; one bad row rejects the whole request with per-row errors.
 */
export async function importPrices(
  writer: PricesWriter,
  body: unknown,
  maxErrors = DEFAULT_MAX_ERRORS,
): Promise<ImportOutcome> {
  const validated = validatePriceRows(body, maxErrors);
  if (!validated.ok) return { status: 'rejected', errors: validated.errors, errorCount: validated.errorCount };
  return { status: 'written', counts: await writer.upsertMany(validated.rows) };
}

import type { Db } from 'mongodb';
import { ensureModelIndexes } from './models-repository.js';
import { ensureRunPipelineIndexes } from './run-indexes.js';
import { ensureHoldingsIndexes } from './holdings-repository.js';
import { ensurePricesIndexes } from './prices-repository.js';
import { ensureOutboxIndexes } from './outbox-repository.js';

/**
 * Creates every collection's indexes. Idempotent, run at start by each composition
 * root. A repository that owns a collection adds its `ensure…Indexes(db)` here with one line.
 */
export async function ensureIndexes(db: Db): Promise<void> {
  await ensureModelIndexes(db);
  await ensureRunPipelineIndexes(db);
  await ensureHoldingsIndexes(db);
  await ensurePricesIndexes(db);
  await ensureOutboxIndexes(db);
}

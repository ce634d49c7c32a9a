import type { Db } from 'mongodb';
import { ensureOrderIndexes } from './orders-repository.js';
import { ensureRebalanceIndexes } from './rebalances-repository.js';
import { ensureResultIndexes } from './results-repository.js';
import { ensureRunIndexes } from './runs-repository.js';

/** Indexes of the pipeline's collections: runs, their chunks and outcomes, results, orders, rebalances. */
export async function ensureRunPipelineIndexes(db: Db): Promise<void> {
  await ensureRunIndexes(db);
  await ensureResultIndexes(db);
  await ensureOrderIndexes(db);
  await ensureRebalanceIndexes(db);
}

import type { Db } from 'mongodb';
import { RESULTS_COLLECTION, type ResultDocument } from './results-repository.js';

/** The fields of a result that approval reads. */
export type ResultSummary = Pick<ResultDocument, '_id' | 'model_id' | 'portfolio_id' | 'status' | 'trade_count'>;

/**
 * Every result of a run, streamed (constant memory, one cursor). `withPositions` adds the packed
 * positions, for building orders.
 */
export function streamRunResults(db: Db, runId: string, options: { optimalOnly?: boolean; withPositions?: boolean } = {}): AsyncIterable<ResultSummary & Partial<Pick<ResultDocument, 'positions_json'>>> {
  const filter = { run_id: runId, ...(options.optimalOnly ? { status: 'optimal' as const } : {}) };
  const projection = { model_id: 1, portfolio_id: 1, status: 1, trade_count: 1, ...(options.withPositions ? { positions_json: 1, portfolio_name: 1, tickers_json: 1 } : {}) };
  return db.collection<ResultDocument>(RESULTS_COLLECTION).find(filter, { projection, batchSize: 500 });
}

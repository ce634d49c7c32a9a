import type { Collection, Db } from 'mongodb';
import { chunkJobId } from '../queue/chunk-job.js';
import { insertIgnoringDuplicates } from './insert-ignoring-duplicates.js';
import { KeyedReads } from './keyed-reads.js';
import type { ResultStatus } from './results-repository.js';

export const RUN_SUMMARIES_COLLECTION = 'run_chunk_summaries';

/** Traded value of one security in a chunk (decimal strings). */
export interface SecurityTrades {
  security_id: string;
  /** Absent when the market-data source had no ticker for it. */
  ticker?: string;
  buy_value: string;
  sell_value: string;
  orders: number;
}

/** A non-optimal result of a chunk, so a run's failures are listed by key, not by a scan. */
export interface NonOptimal {
  id: string;
  status: Exclude<ResultStatus, 'optimal'>;
}

/** What one finished chunk contributes to its run's summary. Small: bounded by the chunk size. */
export interface ChunkSummary {
  processed: number;
  breach_before: number[];
  breach_after: number[];
  turnover: number[];
  buy_value: string;
  sell_value: string;
  securities: SecurityTrades[];
  non_optimal: NonOptimal[];
  /** Optimal results per model, so a stored rebalance (run, model) counts its portfolios without a scan. */
  optimal_by_model: Record<string, number>;
}

/** A chunk's summary, written once as the chunk finishes; `_id` is the chunk's job id, so it is read by key. */
export interface ChunkSummaryDocument extends ChunkSummary {
  _id: string;
  run_id: string;
  index: number;
}

/** Per-chunk summaries: the run view's aggregates and its non-optimal list, read by `_id` only. */
export class RunSummariesRepository {
  private readonly summaries: Collection<ChunkSummaryDocument>;

  private readonly keyed: KeyedReads;

  constructor(db: Db) {
    this.keyed = new KeyedReads(db);
    this.summaries = db.collection<ChunkSummaryDocument>(RUN_SUMMARIES_COLLECTION);
  }

  /** First write wins, like the chunk's results: a re-delivered chunk leaves the stored summary as it is. */
  async record(runId: string, index: number, summary: ChunkSummary): Promise<void> {
    await insertIgnoringDuplicates(this.summaries, [{ _id: chunkJobId(runId, index), run_id: runId, index, ...summary }]);
  }

  /** Summaries of these chunks by index; chunks not finished yet are absent from the map. */
  async ofChunks(runId: string, indexes: readonly number[]): Promise<Map<number, ChunkSummaryDocument>> {
    const docs = await this.keyed.byIds(this.summaries, indexes.map((i) => chunkJobId(runId, i)));
    return new Map(docs.map((d) => [d.index, d]));
  }
}

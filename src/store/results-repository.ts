import type { Collection, Db } from 'mongodb';
import { insertIgnoringDuplicates, type InsertOutcome } from './insert-ignoring-duplicates.js';
import { KeyedReads } from './keyed-reads.js';
import { BOUNDED_QUERY_MS } from './bounded-query.js';
import type { StoredLotSale, StoredTaxSummary } from './tax-documents.js';

export const RESULTS_COLLECTION = 'run_results';

/** Outcome of one (model, portfolio) in a run. */
export type ResultStatus = 'optimal' | 'infeasible' | 'timeout' | 'invalid' | 'failed';

/** One position of a stored result; amounts are exact decimal strings. */
export interface StoredPosition {
  security_id: string;
  price: string;
  original_quantity: number;
  adjusted_quantity: number;
  original_position_market_value: string;
  adjusted_position_market_value: string;
  target: string;
  low_drift: string;
  high_drift: string;
  actual_before: string;
  actual: string;
  actual_drift: string | null;
  transaction_type: 'BUY' | 'SELL' | null;
  trade_quantity: number;
  /** The lots a sell takes; present only on sells of a tax-aware run whose holding has lots. */
  lots?: StoredLotSale[];
}

/**
 * One result per (run, model, portfolio): `_id` is that natural key, so the unique index that
 * makes a re-delivered chunk harmless is the `_id` index itself. Positions are stored packed as
 * one JSON string: nothing queries inside them, and FerretDB v1 spends most of an insert
 * encoding nested documents (measured: 600 results/s with 50 nested positions, 3,700/s packed).
 */
export interface ResultDocument {
  _id: string;
  run_id: string;
  model_id: string;
  portfolio_id: string;
  /** The portfolio's name from the market-data source at solve time; null or absent (older results) when unknown. */
  portfolio_name?: string | null;
  status: ResultStatus;
  reason: string | null;
  /** Machine-readable cause of a `failed` result (e.g. `UPSTREAM_UNAVAILABLE`, `MISSING_PRICE`); null otherwise. */
  error_code: string | null;
  market_value: string | null;
  cash_before: string | null;
  cash_after: string | null;
  trade_count: number;
  positions_json: string;
  /** Realized gains and estimated tax of an optimal tax-aware result; absent otherwise. */
  tax?: StoredTaxSummary;
  /**
   * JSON text of `{security_id: ticker}` for the result's securities whose ticker the source had;
   * absent when none. Packed like `positions_json`: FerretDB v1 encodes every field of a nested
   * document on insert, and nothing queries by ticker.
   */
  tickers_json?: string;
  created_at: Date;
}

export async function ensureResultIndexes(db: Db): Promise<void> {
  const results = db.collection(RESULTS_COLLECTION);
  // Behind the v1 search by portfolio (newest optimal results first). Run pages read by `_id`.
  await results.createIndex({ portfolio_id: 1, status: 1, created_at: -1 });
}

export function resultId(runId: string, modelId: string, portfolioId: string): string {
  return `${runId}:${modelId}:${portfolioId}`;
}

/** Ticker per security id of a result (empty when it stored none). */
export function tickersOf(doc: Pick<ResultDocument, 'tickers_json'>): Record<string, string> {
  return doc.tickers_json ? (JSON.parse(doc.tickers_json) as Record<string, string>) : {};
}

export function positionsOf(doc: ResultDocument): StoredPosition[] {
  return JSON.parse(doc.positions_json) as StoredPosition[];
}

/** A page and the number of matching documents. */
export interface Page<T> {
  items: T[];
  total: number;
}

export class ResultsRepository {
  private readonly results: Collection<ResultDocument>;

  private readonly keyed: KeyedReads;

  constructor(db: Db) {
    this.keyed = new KeyedReads(db);
    this.results = db.collection<ResultDocument>(RESULTS_COLLECTION);
  }

  /** First write wins: a re-delivered chunk's results that already exist are left as they are. */
  async insertMany(docs: readonly ResultDocument[]): Promise<InsertOutcome> {
    return insertIgnoringDuplicates(this.results, docs);
  }

  async get(id: string): Promise<ResultDocument | null> {
    return this.results.findOne({ _id: id });
  }

  /** Results by `_id`, in the order given; missing ones left out. */
  byIds(ids: readonly string[]): Promise<ResultDocument[]> {
    return this.keyed.byIds(this.results, ids);
  }

  /**
   * Results by `_id` as table rows: without their positions and tickers (most of a stored
   * result's bytes), which `positions_json` then holds as an empty list.
   */
  async rowsByIds(ids: readonly string[]): Promise<ResultDocument[]> {
    const docs = await this.keyed.byIds(this.results, ids, { positions_json: 0, tickers_json: 0 });
    return docs.map((d) => ({ ...d, positions_json: '[]' }));
  }

  /** Optimal results of these portfolios across every run (for the v1 portfolio search). */
  async optimalForPortfolios(portfolioIds: readonly string[], limit: number): Promise<ResultDocument[]> {
    return this.results
      .find({ portfolio_id: { $in: [...portfolioIds] }, status: 'optimal' })
      .sort({ created_at: -1 })
      .limit(limit)
      .maxTimeMS(BOUNDED_QUERY_MS)
      .toArray();
  }
}

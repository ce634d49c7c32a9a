import { createHash } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import { insertIgnoringDuplicates, type InsertOutcome } from './insert-ignoring-duplicates.js';
import { KeyedReads } from './keyed-reads.js';
import { BOUNDED_QUERY_MS, COUNT_CAP } from './bounded-query.js';
import type { StoredLotSale } from './tax-documents.js';

export const ORDERS_COLLECTION = 'orders';

/** An order: one trade of one portfolio in one run. Price is an exact decimal string. */
export interface OrderDocument {
  /** Hash of the natural key, so a re-delivered chunk writes the same id (and a 24-hex id like GlobeCo's). */
  _id: string;
  run_id: string;
  model_id: string;
  portfolio_id: string;
  /** Copied from the result at write time, so order pages need no join; null or absent when unknown. */
  portfolio_name?: string | null;
  security_id: string;
  ticker?: string | null;
  transaction_type: 'BUY' | 'SELL';
  quantity: number;
  price: string;
  trade_date: Date;
  /**
   * Set when the chunk that wrote the order finished after its run was cancelled (it was in
   * flight at the cancel): the order stays, but is known to belong to a cancelled run.
   */
  after_cancel?: true;
  /**
   * The lots a sell takes, for the trader; present only on sells of a tax-aware run. The Order
   * Service's order has no field for them, so they stay on this document and are not sent.
   */
  lots?: StoredLotSale[];
}

/** The natural key is unique, so no chunk delivery can add a second order for the same trade. */
export async function ensureOrderIndexes(db: Db): Promise<void> {
  const orders = db.collection(ORDERS_COLLECTION);
  await orders.createIndex({ run_id: 1, model_id: 1, portfolio_id: 1, security_id: 1 }, { unique: true, name: 'natural_key' });
  // Behind a portfolio's orders across runs, paged by `_id`.
  await orders.createIndex({ portfolio_id: 1, _id: 1 });
}

export function orderId(runId: string, modelId: string, portfolioId: string, securityId: string): string {
  return createHash('sha256').update(`${runId}:${modelId}:${portfolioId}:${securityId}`).digest('hex').slice(0, 24);
}

export class OrdersRepository {
  private readonly orders: Collection<OrderDocument>;

  private readonly keyed: KeyedReads;

  constructor(db: Db) {
    this.keyed = new KeyedReads(db);
    this.orders = db.collection<OrderDocument>(ORDERS_COLLECTION);
  }

  /** Orders already written by an earlier delivery of the same chunk are kept as they are. */
  async insertMany(docs: readonly OrderDocument[]): Promise<InsertOutcome> {
    return insertIgnoringDuplicates(this.orders, docs);
  }

  /**
   * Marks the orders of these portfolios of a run as written after the run was cancelled. One
   * update: on MongoDB the natural-key index (`run_id`, `model_id`, `portfolio_id`) serves it; on
   * FerretDB v1 it is one scan. Only a cancelled run's in-flight chunks come here.
   */
  async markAfterCancel(runId: string, items: readonly { modelId: string; portfolioId: string }[]): Promise<void> {
    if (items.length === 0) return;
    const models = [...new Set(items.map((i) => i.modelId))];
    const portfolios = [...new Set(items.map((i) => i.portfolioId))];
    await this.orders.updateMany({ run_id: runId, model_id: { $in: models }, portfolio_id: { $in: portfolios } }, { $set: { after_cancel: true } });
  }

  /** Orders by `_id`, in the order given; missing ones left out. */
  byIds(ids: readonly string[]): Promise<OrderDocument[]> {
    return this.keyed.byIds(this.orders, ids);
  }

  /**
   * A portfolio's orders across runs, by `_id` after `after`: an index range on MongoDB
   * (`{portfolio_id, _id}`), a scan on FerretDB v1, so the read is cut off at {@link BOUNDED_QUERY_MS}.
   */
  async ofPortfolio(portfolioId: string, after: string | undefined, limit: number): Promise<OrderDocument[]> {
    const filter = { portfolio_id: portfolioId, ...(after ? { _id: { $gt: after } } : {}) };
    return this.orders.find(filter).sort({ portfolio_id: 1, _id: 1 }).limit(limit).maxTimeMS(BOUNDED_QUERY_MS).toArray();
  }

  /** How many orders the portfolio has, counted up to {@link COUNT_CAP}. */
  countOfPortfolio(portfolioId: string): Promise<number> {
    return this.orders.countDocuments({ portfolio_id: portfolioId }, { limit: COUNT_CAP, maxTimeMS: BOUNDED_QUERY_MS });
  }
}

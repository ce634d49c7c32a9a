import { createHash } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import { insertIgnoringDuplicates, type InsertOutcome } from './insert-ignoring-duplicates.js';
import type { Page } from './results-repository.js';

export const ORDERS_COLLECTION = 'orders';

/** An order: one trade of one portfolio in one run. Price is an exact decimal string. */
export interface OrderDocument {
  /** Hash of the natural key, so a re-delivered chunk writes the same id (and a 24-hex id like GlobeCo's). */
  _id: string;
  run_id: string;
  model_id: string;
  portfolio_id: string;
  security_id: string;
  transaction_type: 'BUY' | 'SELL';
  quantity: number;
  price: string;
  trade_date: Date;
}

/** The natural key is unique, so no chunk delivery can add a second order for the same trade. */
export async function ensureOrderIndexes(db: Db): Promise<void> {
  const orders = db.collection(ORDERS_COLLECTION);
  await orders.createIndex({ run_id: 1, model_id: 1, portfolio_id: 1, security_id: 1 }, { unique: true, name: 'natural_key' });
  await orders.createIndex({ portfolio_id: 1, run_id: 1 });
}

export function orderId(runId: string, modelId: string, portfolioId: string, securityId: string): string {
  return createHash('sha256').update(`${runId}:${modelId}:${portfolioId}:${securityId}`).digest('hex').slice(0, 24);
}

/** Filter of {@link OrdersRepository.page}. */
export interface OrderFilter {
  runId?: string;
  portfolioId?: string;
}

export class OrdersRepository {
  private readonly orders: Collection<OrderDocument>;

  constructor(db: Db) {
    this.orders = db.collection<OrderDocument>(ORDERS_COLLECTION);
  }

  /** Orders already written by an earlier delivery of the same chunk are kept as they are. */
  async insertMany(docs: readonly OrderDocument[]): Promise<InsertOutcome> {
    return insertIgnoringDuplicates(this.orders, docs);
  }

  async page(filter: OrderFilter, offset: number, limit: number): Promise<Page<OrderDocument>> {
    const query = {
      ...(filter.runId ? { run_id: filter.runId } : {}),
      ...(filter.portfolioId ? { portfolio_id: filter.portfolioId } : {}),
    };
    const [items, total] = await Promise.all([
      this.orders.find(query).sort({ run_id: 1, portfolio_id: 1, security_id: 1, _id: 1 }).skip(offset).limit(limit).toArray(),
      this.orders.countDocuments(query),
    ]);
    return { items, total };
  }
}

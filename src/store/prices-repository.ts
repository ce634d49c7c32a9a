import type { Collection, Db, Document } from 'mongodb';
import type { SecurityPrice } from '../market-data/row-validation.js';
import type { SecurityQuote } from '../market-data/types.js';
import { DEFAULT_BATCH_SIZE, findLatest, newVersion, replaceSnapshots, type UpsertCounts } from './holdings-repository.js';

/**
 * The latest price of a security, versioned like `HoldingsDocument` (insert newer, delete
 * older) and stored as canonical decimal text for the same reasons: exact at any scale,
 * and no Decimal128 on FerretDB v1.
 */
export interface PriceDocument {
  /** `<security_id>@<version>` */
  _id: string;
  security_id: string;
  version: string;
  price: string;
  /** Absent when the upload named no ticker. */
  ticker?: string;
  updated_at: Date;
}

export const PRICES_COLLECTION = 'security_prices';

/** Newest version per security is the lookup; `updated_at` finds stale prices for explicit cleanup (no TTL on FerretDB). */
export async function ensurePricesIndexes(db: Db): Promise<void> {
  const collection = db.collection(PRICES_COLLECTION);
  await collection.createIndex({ security_id: 1, version: -1 }, { name: 'security_id_1_version_-1' });
  await collection.createIndex({ updated_at: 1 }, { name: 'updated_at_1' });
}

/** Prices per security for the `snapshot` market-data source. */
export class PricesRepository {
  private readonly collection: Collection<Document>;

  constructor(
    db: Db,
    private readonly batchSize = DEFAULT_BATCH_SIZE,
  ) {
    this.collection = db.collection(PRICES_COLLECTION);
  }

  /** Sets (or creates) each listed security's price. Ids must be unique. */
  async upsertMany(prices: readonly SecurityPrice[], now = new Date()): Promise<UpsertCounts> {
    const version = newVersion(now);
    const docs: PriceDocument[] = prices.map((p) => ({
      _id: `${p.securityId}@${version}`,
      security_id: p.securityId,
      version,
      price: p.price,
      ...(p.ticker ? { ticker: p.ticker } : {}),
      updated_at: now,
    }));
    return replaceSnapshots(this.collection, 'security_id', docs, this.batchSize);
  }

  /** Price and ticker per security id, for the ids that have a price. */
  async findMany(securityIds: readonly string[]): Promise<Map<string, SecurityQuote>> {
    const latest = await findLatest<PriceDocument>(this.collection, 'security_id', securityIds, this.batchSize);
    return new Map([...latest].map(([id, doc]) => [id, quoteOf(doc)]));
  }

  async findOne(securityId: string): Promise<(SecurityQuote & { securityId: string; updatedAt: Date }) | null> {
    const doc = (await findLatest<PriceDocument>(this.collection, 'security_id', [securityId])).get(securityId);
    return doc ? { securityId: doc.security_id, ...quoteOf(doc), updatedAt: doc.updated_at } : null;
  }
}

function quoteOf(doc: PriceDocument): SecurityQuote {
  return doc.ticker ? { price: doc.price, ticker: doc.ticker } : { price: doc.price };
}

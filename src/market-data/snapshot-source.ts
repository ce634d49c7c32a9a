import { MongoError } from 'mongodb';
import { UpstreamUnavailable } from '../errors/index.js';
import type { HoldingsRepository } from '../store/holdings-repository.js';
import type { PricesRepository } from '../store/prices-repository.js';
import type { MarketDataSource, PortfolioSnapshot, SecurityQuote } from './types.js';

/**
 * Market data uploaded through `PUT /api/v1/portfolios/holdings` and `PUT /api/v1/prices`,
 * read from MongoDB in bulk.
 */
export class SnapshotMarketData implements MarketDataSource {
  readonly name = 'snapshot' as const;

  constructor(
    private readonly holdings: Pick<HoldingsRepository, 'findMany'>,
    private readonly prices: Pick<PricesRepository, 'findMany'>,
  ) {}

  /** Only the portfolios that were uploaded: one never uploaded has no market data, which is not the same as cash 0. */
  async loadPortfolios(portfolioIds: readonly string[]): Promise<Map<string, PortfolioSnapshot>> {
    return unavailableOnDbError(() => this.holdings.findMany(portfolioIds));
  }

  async loadPrices(securityIds: readonly string[]): Promise<Map<string, SecurityQuote>> {
    return unavailableOnDbError(() => this.prices.findMany(securityIds));
  }
}

/** A database that cannot answer makes the job fail as retryable, not as a bug. */
async function unavailableOnDbError<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof MongoError) {
      throw new UpstreamUnavailable(`market data store unavailable: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

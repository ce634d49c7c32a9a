import type { Db } from 'mongodb';
import type { Config } from '../config/config.js';
import { GlobecoMarketData } from '../market-data/globeco/globeco-source.js';
import { SnapshotMarketData } from '../market-data/snapshot-source.js';
import type { MarketDataSource } from '../market-data/types.js';
import { HoldingsRepository } from '../store/holdings-repository.js';
import { PricesRepository } from '../store/prices-repository.js';

/** The market-data source `MARKET_DATA_SOURCE` names. */
export function marketDataFromConfig(config: Config, db: Db): MarketDataSource {
  if (config.MARKET_DATA_SOURCE === 'globeco') {
    return new GlobecoMarketData({
      portfolioAccountingUrl: config.PORTFOLIO_ACCOUNTING_SERVICE_URL,
      securityUrl: config.SECURITY_SERVICE_URL,
      pricingUrl: config.PRICING_SERVICE_URL,
      ...(config.PORTFOLIO_SERVICE_URL ? { portfolioUrl: config.PORTFOLIO_SERVICE_URL } : {}),
    });
  }
  return new SnapshotMarketData(new HoldingsRepository(db), new PricesRepository(db));
}

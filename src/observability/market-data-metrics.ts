import type { MarketDataSource } from '../market-data/types.js';
import type { WorkerMetrics } from './worker-metrics.js';

/**
 * Wraps a market-data source so every load (one `loadPortfolios` or `loadPrices` call per
 * chunk) counts in `ogs_market_data_requests_total{source, outcome}`. The worker's
 * composition root wraps its source once: `instrumentMarketData(source, metrics)`.
 */
export function instrumentMarketData(source: MarketDataSource, metrics: Pick<WorkerMetrics, 'recordMarketDataRequest'>): MarketDataSource {
  async function counted<T>(load: () => Promise<T>): Promise<T> {
    try {
      const value = await load();
      metrics.recordMarketDataRequest(source.name, 'success');
      return value;
    } catch (error) {
      metrics.recordMarketDataRequest(source.name, 'error');
      throw error;
    }
  }
  return {
    name: source.name,
    loadPortfolios: (ids) => counted(() => source.loadPortfolios(ids)),
    loadPrices: (ids) => counted(() => source.loadPrices(ids)),
  };
}

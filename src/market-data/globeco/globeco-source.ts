import { LRUCache } from 'lru-cache';
import pLimit from 'p-limit';
import { UpstreamUnavailable } from '../../errors/index.js';
import type { MarketDataSource, PortfolioSnapshot, SecurityQuote } from '../types.js';
import { CachedLoader, loadAll } from './concurrency.js';
import { parseClose, parsePortfolioName, parsePortfolioSummary, parseTicker } from './responses.js';
import { UpstreamClient, type UpstreamClientOptions } from './upstream-client.js';

/** Settings shared by the three clients, plus the caches' clock. */
export type GlobecoCallOptions = Omit<UpstreamClientOptions, 'name' | 'baseUrl'> & {
  /** Milliseconds clock for the caches' time-to-live, for tests. @defaultValue `performance.now` */
  now?: () => number;
};

/** Where the GlobeCo services live and how to call them. */
export interface GlobecoMarketDataOptions {
  portfolioAccountingUrl: string;
  securityUrl: string;
  pricingUrl: string;
  /** The portfolio service, for portfolio names; without it results carry no names. */
  portfolioUrl?: string;
  /** Timeouts, retries, breaker window, injectable fetch and cache clock. */
  calls?: GlobecoCallOptions;
  /** Upstream requests in flight at once, across the three services. @defaultValue 16 */
  concurrency?: number;
  /** @defaultValue 600000 (10 min) */
  tickerTtlMs?: number;
  /** @defaultValue 60000 (1 min) */
  priceTtlMs?: number;
  /** Entries per cache. @defaultValue 10000 */
  cacheSize?: number;
}

/**
 * Market data from the GlobeCo portfolio accounting, security and pricing services.
 * Holdings are read fresh each time; tickers and prices are cached. Any service that is
 * down makes the call throw `UpstreamUnavailable`, at once while its breaker is open.
 */
export class GlobecoMarketData implements MarketDataSource {
  readonly name = 'globeco' as const;
  readonly accounting: UpstreamClient;
  readonly security: UpstreamClient;
  readonly pricing: UpstreamClient;
  readonly portfolio: UpstreamClient | null;
  private readonly summaries: CachedLoader<PortfolioSnapshot>;
  private readonly tickers: CachedLoader<string | null>;
  private readonly closes: CachedLoader<string | null>;
  private readonly names: CachedLoader<string | null> | null;

  constructor(options: GlobecoMarketDataOptions) {
    const { now, ...calls } = options.calls ?? {};
    this.accounting = new UpstreamClient({ ...calls, name: 'portfolio accounting service', baseUrl: options.portfolioAccountingUrl });
    this.security = new UpstreamClient({ ...calls, name: 'security service', baseUrl: options.securityUrl });
    this.pricing = new UpstreamClient({ ...calls, name: 'pricing service', baseUrl: options.pricingUrl });
    this.portfolio = options.portfolioUrl ? new UpstreamClient({ ...calls, name: 'portfolio service', baseUrl: options.portfolioUrl }) : null;
    const limit = pLimit(options.concurrency ?? 16);
    const max = options.cacheSize ?? 10_000;
    const perf = now ? { now } : undefined;
    this.summaries = new CachedLoader(null, limit, async (id) =>
      parsePortfolioSummary(id, await this.accounting.getJson(`/api/v1/portfolios/${encodeURIComponent(id)}/summary`)),
    );
    this.tickers = new CachedLoader(new LRUCache({ ttl: options.tickerTtlMs ?? 600_000, max, perf }), limit, async (id) =>
      parseTicker(id, await this.security.getJson(`/api/v1/security/${encodeURIComponent(id)}`)),
    );
    this.closes = new CachedLoader(new LRUCache({ ttl: options.priceTtlMs ?? 60_000, max, perf }), limit, async (ticker) =>
      parseClose(await this.pricing.getJson(`/api/v1/price/${encodeURIComponent(ticker)}`)),
    );
    const portfolio = this.portfolio;
    this.names = portfolio
      ? new CachedLoader(new LRUCache({ ttl: options.tickerTtlMs ?? 600_000, max, perf }), limit, async (id) =>
          parsePortfolioName(id, await portfolio.getJson(`/api/v1/portfolio/${encodeURIComponent(id)}`)),
        )
      : null;
  }

  async loadPortfolios(portfolioIds: readonly string[]): Promise<Map<string, PortfolioSnapshot>> {
    const [snapshots, names] = await Promise.all([loadAll(portfolioIds, this.summaries), this.loadNames(portfolioIds)]);
    for (const [id, name] of names) {
      const snapshot = snapshots.get(id);
      if (snapshot && name) snapshots.set(id, { ...snapshot, name });
    }
    return snapshots;
  }

  /**
   * Portfolio names, or none: a name only labels a result, so a portfolio service that cannot
   * answer leaves the names out (its breaker then answers at once) rather than failing the run.
   */
  private async loadNames(portfolioIds: readonly string[]): Promise<Map<string, string | null>> {
    if (!this.names) return new Map();
    try {
      return await loadAll(portfolioIds, this.names);
    } catch (error) {
      if (error instanceof UpstreamUnavailable) return new Map();
      throw error;
    }
  }

  async loadPrices(securityIds: readonly string[]): Promise<Map<string, SecurityQuote>> {
    const unique = [...new Set(securityIds)];
    // Each security goes on to its price as soon as its ticker is known.
    const quotes = await Promise.all(
      unique.map(async (id): Promise<SecurityQuote | null> => {
        const ticker = await this.tickers.get(id);
        const price = ticker === null ? null : await this.closes.get(ticker);
        return price && ticker ? { price, ticker } : null;
      }),
    );
    const prices = new Map<string, SecurityQuote>();
    unique.forEach((id, i) => {
      const quote = quotes[i];
      if (quote) prices.set(id, quote);
    });
    return prices;
  }
}

import type { HoldingInput, RecentSaleInput } from '../core/optimizer/types.js';

/** Cash and holdings of one portfolio, as the market-data source reports them. */
export interface PortfolioSnapshot {
  portfolioId: string;
  /** Cash balance, decimal string. */
  cash: string;
  /** Whole-share holdings, with their tax lots where known; securities with quantity 0 may be left out. */
  holdings: HoldingInput[];
  /** Sales of the last weeks, for the wash-sale window; absent when not uploaded. */
  recentSales?: RecentSaleInput[];
  /** The portfolio's name where the source has one. */
  name?: string;
}

/** A security's price (decimal string > 0) and its ticker where the source has one. */
export interface SecurityQuote {
  price: string;
  ticker?: string;
}

/**
 * Where holdings, cash and prices come from: `snapshot` (stored in MongoDB) or
 * `globeco` (the GlobeCo accounting, security and pricing services).
 * Implementations throw `UpstreamUnavailable` when the source cannot answer.
 */
export interface MarketDataSource {
  readonly name: 'snapshot' | 'globeco';
  /**
   * Holdings and cash for each portfolio the source knows. A portfolio missing from the map has
   * no market data and is reported failed (`NO_MARKET_DATA`); the `globeco` source includes a
   * portfolio the accounting service has no record of as empty (cash "0"), as its contract says.
   */
  loadPortfolios(portfolioIds: readonly string[]): Promise<Map<string, PortfolioSnapshot>>;
  /** Price (and ticker) per security. Securities without a price are absent. */
  loadPrices(securityIds: readonly string[]): Promise<Map<string, SecurityQuote>>;
}

import { InvalidInput, NotFound } from '../errors/index.js';
import { rebalanceIdFor, type RebalanceDocument, type RebalancesRepository } from '../store/rebalances-repository.js';
import type { ResultDocument, ResultsRepository } from '../store/results-repository.js';
import { resultId } from '../store/results-repository.js';

/** A (run, model)'s optimal results, paged by key, with their number from the run's counters. */
export type OptimalResults = (runId: string, modelId: string, page: { offset: number; limit: number }) => Promise<{ items: ResultDocument[]; total: number }>;
import { toStoredPortfolio, toStoredPositions, toStoredRebalance } from './rebalance-views.js';

/** How many portfolios a rebalance JSON carries inline; the rest are paged by `/portfolios`. */
export interface PortfolioWindow {
  offset: number;
  limit: number;
}

/** Most results the portfolio search returns. */
const SEARCH_LIMIT = 1_000;

/**
 * Stored rebalances in the GlobeCo v1 shapes, assembled from bounded documents: a small header
 * per (run, model) and the run's optimal results for that model, paged.
 */
export class RebalanceService {
  /**
   * @param storeUnstored - writes runs accepted in Redis and not yet in MongoDB, so a list
   * includes their rebalances (see `createRun`).
   */
  constructor(
    private readonly rebalances: RebalancesRepository,
    private readonly results: Pick<ResultsRepository, 'get' | 'optimalForPortfolios'>,
    private readonly optimal: OptimalResults,
    private readonly storeUnstored: () => Promise<void> = async () => undefined,
  ) {}

  async list(offset: number, limit: number, window: PortfolioWindow) {
    await this.storeUnstored();
    const headers = await this.rebalances.list(offset, limit);
    return Promise.all(headers.map((h) => this.assemble(h, window)));
  }

  async get(id: string, window: PortfolioWindow) {
    return this.assemble(await this.header(id), window);
  }

  async portfolios(id: string, offset: number, limit: number) {
    const header = await this.header(id);
    const page = await this.optimal(header.run_id, header.model_id, { offset, limit });
    return page.items.map((r) => toStoredPortfolio(r, header.rebalance_date));
  }

  async positions(id: string, portfolioId: string) {
    const header = await this.header(id);
    const result = await this.results.get(resultId(header.run_id, header.model_id, portfolioId));
    if (!result || result.status !== 'optimal') throw new NotFound(`portfolio ${portfolioId} is not in rebalance ${id}`);
    return toStoredPositions(result, header.rebalance_date);
  }

  /** Rebalances that contain any of these portfolios, each with only those portfolios. */
  async findByPortfolios(portfolioIds: readonly string[]) {
    if (portfolioIds.length === 0) throw new InvalidInput('portfolios: at least one portfolio id is required', 'portfolios');
    const found = await this.results.optimalForPortfolios(portfolioIds, SEARCH_LIMIT);
    const byRebalance = new Map<string, ResultDocument[]>();
    for (const r of found) {
      const id = rebalanceIdFor(r.run_id, r.model_id);
      byRebalance.set(id, [...(byRebalance.get(id) ?? []), r]);
    }
    const headers = await this.rebalances.findByIds([...byRebalance.keys()]);
    return headers.map((h) => toStoredRebalance(h, byRebalance.get(h._id)!.length, byRebalance.get(h._id)!));
  }

  delete(id: string, version: number): Promise<void> {
    return this.rebalances.delete(id, version);
  }

  /** The header, storing runs not yet in MongoDB first if it is not there. */
  private async header(id: string): Promise<RebalanceDocument> {
    try {
      return await this.rebalances.get(id);
    } catch (error) {
      if (!(error instanceof NotFound)) throw error;
      await this.storeUnstored();
      return this.rebalances.get(id);
    }
  }

  private async assemble(header: RebalanceDocument, window: PortfolioWindow) {
    const page = await this.optimal(header.run_id, header.model_id, window);
    return toStoredRebalance(header, page.total, page.items);
  }
}

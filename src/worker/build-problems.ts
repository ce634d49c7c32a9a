import type { PositionInput, ProblemInput, SolveOptions } from '../core/optimizer/types.js';
import type { PortfolioSnapshot } from '../market-data/types.js';
import type { RunItem } from '../queue/index.js';
import type { RunModelDocument } from '../store/run-documents.js';

/** An item that can be solved, with its problem. */
export interface Solvable {
  item: RunItem;
  problem: ProblemInput;
}

/** An item that cannot be solved, and why. */
export interface Unsolvable {
  item: RunItem;
  code: 'MISSING_PRICE' | 'MODEL_MISSING' | 'NO_MARKET_DATA';
  reason: string;
}

/** Every security a chunk needs a price for: the models' positions and every holding. */
export function securitiesOf(models: Iterable<RunModelDocument>, portfolios: Iterable<PortfolioSnapshot>): string[] {
  const ids = new Set<string>();
  for (const model of models) for (const p of model.positions) ids.add(p.security_id);
  for (const portfolio of portfolios) for (const h of portfolio.holdings) ids.add(h.securityId);
  return [...ids];
}

/**
 * One problem per item from the run's model snapshot, the portfolio's holdings and cash, the
 * prices and the run options. A portfolio the source has no market data for, or a security
 * without a price, makes that portfolio unsolvable (recorded as failed with the reason), never
 * silently solved as empty or left out of the problem.
 *
 * Problems of one model share one positions list, and all share one price table (the optimizer
 * reads only the prices it needs): a batch posted to a solver thread is cloned with each shared
 * object written once, so per portfolio only its cash and holdings cross the thread boundary.
 */
export function buildProblems(
  items: readonly RunItem[],
  models: ReadonlyMap<string, RunModelDocument>,
  portfolios: ReadonlyMap<string, PortfolioSnapshot>,
  prices: ReadonlyMap<string, string>,
  options: SolveOptions,
): { solvable: Solvable[]; unsolvable: Unsolvable[] } {
  const solvable: Solvable[] = [];
  const unsolvable: Unsolvable[] = [];
  const sharedPrices = Object.fromEntries(prices);
  const positionsOf = new Map<string, PositionInput[]>();
  for (const item of items) {
    const model = models.get(item.modelId);
    if (!model) {
      unsolvable.push({ item, code: 'MODEL_MISSING', reason: `model ${item.modelId} has no snapshot in this run` });
      continue;
    }
    const portfolio = portfolios.get(item.portfolioId);
    if (!portfolio) {
      // Never solved as cash 0: that would report an "optimal" portfolio worth nothing.
      unsolvable.push({ item, code: 'NO_MARKET_DATA', reason: `no market data for portfolio ${item.portfolioId}` });
      continue;
    }
    const held = portfolio.holdings.filter((h) => h.quantity > 0);
    const needed = new Set([...model.positions.map((p) => p.security_id), ...held.map((h) => h.securityId)]);
    const missing: string[] = [];
    for (const id of needed) if (!prices.has(id)) missing.push(id);
    if (missing.length > 0) {
      const more = missing.length > 3 ? ` and ${missing.length - 3} more` : '';
      unsolvable.push({ item, code: 'MISSING_PRICE', reason: `no price for security ${missing.slice(0, 3).join(', ')}${more}` });
      continue;
    }
    let positions = positionsOf.get(item.modelId);
    if (!positions) {
      positions = model.positions.map((p) => ({ securityId: p.security_id, target: p.target, lowDrift: p.low_drift, highDrift: p.high_drift }));
      positionsOf.set(item.modelId, positions);
    }
    const problem: ProblemInput = { cash: portfolio.cash, holdings: held, prices: sharedPrices, positions, options };
    // Lots travel with the holdings; the optimizer reads them, and the sales, only with tax enabled.
    if (portfolio.recentSales !== undefined) problem.recentSales = portfolio.recentSales;
    solvable.push({ item, problem });
  }
  return { solvable, unsolvable };
}

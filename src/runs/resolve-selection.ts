import type { InvestmentModel } from '../core/model/types.js';
import { InvalidInput, NotFound } from '../errors/index.js';
import type { RunItem } from '../queue/index.js';
import type { RunSelection } from '../store/run-documents.js';

/** A selection turned into work: every (model, portfolio) pair, and the models involved. */
export interface ResolvedSelection {
  items: RunItem[];
  models: InvestmentModel[];
}

/** The models indexed for resolving selections; built once per catalog load, not per submit. */
export interface IndexedModels {
  /** In id order. */
  models: InvestmentModel[];
  byId: Map<string, InvestmentModel>;
  /** Each model's distinct portfolios, sorted. */
  portfoliosOf: Map<string, string[]>;
  /** Each portfolio's models, in id order. */
  modelsOf: Map<string, string[]>;
}

/** Where a submission's selection is resolved (the API's model catalog). */
export interface ModelIndexSource {
  indexed(): Promise<IndexedModels>;
}

export function indexModels(models: readonly InvestmentModel[]): IndexedModels {
  const sorted = [...models].sort((a, b) => (a.modelId < b.modelId ? -1 : a.modelId > b.modelId ? 1 : 0));
  const portfoliosOf = new Map<string, string[]>();
  const modelsOf = new Map<string, string[]>();
  for (const model of sorted) {
    const portfolios = [...new Set(model.portfolios)].sort();
    portfoliosOf.set(model.modelId, portfolios);
    for (const portfolioId of portfolios) {
      const subscribed = modelsOf.get(portfolioId);
      if (subscribed) subscribed.push(model.modelId);
      else modelsOf.set(portfolioId, [model.modelId]);
    }
  }
  return { models: sorted, byId: new Map(sorted.map((m) => [m.modelId, m])), portfoliosOf, modelsOf };
}

const MAX_LISTED = 5;

function listed(ids: readonly string[]): string {
  const head = ids.slice(0, MAX_LISTED).join(', ');
  return ids.length > MAX_LISTED ? `${head} and ${ids.length - MAX_LISTED} more` : head;
}

/**
 * Models → their portfolios. A portfolio subscribed to several models is rebalanced once per
 * model (one result each, keyed by (run, model, portfolio)): each model is a separate mandate and
 * the v1 API answers per model. Items are in (model id, portfolio id) order, so a plan is
 * reproducible from the same models. Model ids are validated by the caller's schema.
 */
export async function resolveSelection(selection: RunSelection, source: ModelIndexSource): Promise<ResolvedSelection> {
  const index = await source.indexed();
  if ('model_ids' in selection) {
    const missing = selection.model_ids.filter((id) => !index.byId.has(id.toLowerCase()));
    if (missing.length > 0) throw new NotFound(`model not found: ${listed(missing)}`);
    const wanted = new Set(selection.model_ids.map((id) => id.toLowerCase()));
    return everyPortfolioOf(index, index.models.filter((m) => wanted.has(m.modelId)));
  }
  if ('all' in selection) return everyPortfolioOf(index, index.models);
  const wanted = [...new Set(selection.portfolio_ids)];
  const orphans = wanted.filter((id) => !index.modelsOf.has(id));
  if (orphans.length > 0) throw new InvalidInput(`portfolio is not subscribed to any model: ${listed(orphans)}`, 'portfolio_ids');
  const byModel = new Map<string, string[]>();
  for (const portfolioId of wanted) {
    for (const modelId of index.modelsOf.get(portfolioId)!) {
      const portfolios = byModel.get(modelId);
      if (portfolios) portfolios.push(portfolioId);
      else byModel.set(modelId, [portfolioId]);
    }
  }
  const models = index.models.filter((m) => byModel.has(m.modelId));
  const items = models.flatMap((m) => byModel.get(m.modelId)!.sort().map((portfolioId) => ({ modelId: m.modelId, portfolioId })));
  return { items, models };
}

function everyPortfolioOf(index: IndexedModels, models: readonly InvestmentModel[]): ResolvedSelection {
  const used = models.filter((m) => index.portfoliosOf.get(m.modelId)!.length > 0);
  const items = used.flatMap((m) => index.portfoliosOf.get(m.modelId)!.map((portfolioId) => ({ modelId: m.modelId, portfolioId })));
  return { items, models: used };
}

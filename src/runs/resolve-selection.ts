import type { InvestmentModel } from '../core/model/types.js';
import { InvalidInput, NotFound } from '../errors/index.js';
import type { RunItem } from '../queue/index.js';
import type { RunSelection } from '../store/run-documents.js';
import type { ModelsRepository } from '../store/models-repository.js';

/** A selection turned into work: every (model, portfolio) pair, and the models involved. */
export interface ResolvedSelection {
  items: RunItem[];
  models: InvestmentModel[];
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
 * reproducible from the same models.
 */
export async function resolveSelection(selection: RunSelection, models: Pick<ModelsRepository, 'findByIds' | 'list'>): Promise<ResolvedSelection> {
  if ('model_ids' in selection) {
    const found = await models.findByIds(selection.model_ids);
    const missing = selection.model_ids.filter((id) => !found.some((m) => m.modelId === id));
    if (missing.length > 0) throw new NotFound(`model not found: ${listed(missing)}`);
    return toResolved(found, () => true);
  }
  const all = await models.list();
  if ('all' in selection) return toResolved(all, () => true);
  const wanted = new Set(selection.portfolio_ids);
  const resolved = toResolved(all, (portfolioId) => wanted.has(portfolioId));
  const covered = new Set(resolved.items.map((i) => i.portfolioId));
  const orphans = selection.portfolio_ids.filter((id) => !covered.has(id));
  if (orphans.length > 0) {
    throw new InvalidInput(`portfolio is not subscribed to any model: ${listed(orphans)}`, 'portfolio_ids');
  }
  return resolved;
}

function toResolved(models: InvestmentModel[], keep: (portfolioId: string) => boolean): ResolvedSelection {
  const sorted = [...models].sort((a, b) => a.modelId.localeCompare(b.modelId));
  const items: RunItem[] = [];
  const used: InvestmentModel[] = [];
  for (const model of sorted) {
    const portfolios = [...new Set(model.portfolios)].filter(keep).sort();
    if (portfolios.length === 0) continue;
    used.push(model);
    for (const portfolioId of portfolios) items.push({ modelId: model.modelId, portfolioId });
  }
  return { items, models: used };
}

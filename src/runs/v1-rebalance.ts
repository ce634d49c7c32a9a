import { Infeasible, NotFound, SolverTimeout, UpstreamUnavailable } from '../errors/index.js';
import type { ModelsRepository } from '../store/models-repository.js';
import { rebalanceIdFor } from '../store/rebalances-repository.js';
import type { ResultDocument } from '../store/results-repository.js';
import type { ModelIndexSource } from './resolve-selection.js';
import type { RunService, RunState } from './run-service.js';
import { toV1RebalanceItem } from './rebalance-views.js';
import { isFinal } from './run-view.js';

/** What a v1 rebalance call ends with: the v1 list (200) or the still-running run (202). */
export type V1RebalanceOutcome = { done: true; items: ReturnType<typeof toV1RebalanceItem>[] } | { done: false; state: RunState };

/** Most results a v1 answer carries (a model's portfolios); bigger models are better served by POST /runs. */
const MAX_V1_RESULTS = 10_000;

/**
 * `POST /api/v1/model/{id}/rebalance` and `POST /api/v1/portfolio/{id}/rebalance`: a small
 * high-priority run through the same queue, awaited for up to `waitMs`.
 */
export async function rebalanceV1(
  runs: RunService,
  models: Pick<ModelsRepository, 'get'>,
  catalog: ModelIndexSource,
  target: { modelId: string } | { portfolioId: string },
  waitMs: number,
  signal?: AbortSignal,
): Promise<V1RebalanceOutcome> {
  if ('modelId' in target) await models.get(target.modelId);
  else if (!(await catalog.indexed()).modelsOf.has(target.portfolioId)) {
    throw new NotFound(`portfolio ${target.portfolioId} is not subscribed to any model`);
  }
  const selection = 'modelId' in target ? { model_ids: [target.modelId] } : { portfolio_ids: [target.portfolioId] };
  const kind = 'modelId' in target ? ('v1-model' as const) : ('v1-portfolio' as const);
  const { run } = await runs.submit({ selection, options: {}, kind });
  const state = await runs.wait(run._id, waitMs, signal);
  if (!isFinal(state.run)) return { done: false, state };
  const page = await runs.results(run._id, { offset: 0, limit: MAX_V1_RESULTS });
  raiseWhenNothingSolved(page.items);
  const items = page.items
    .filter((r) => r.status === 'optimal')
    .map((r) => toV1RebalanceItem(r, rebalanceIdFor(run._id, r.model_id), run.created_at));
  return { done: true, items };
}

/**
 * When no portfolio could be rebalanced, the call fails with the first reason: infeasible → 422,
 * market data unavailable → 503. With some successes the successes are answered (the failures
 * stay visible on the run).
 */
function raiseWhenNothingSolved(results: readonly ResultDocument[]): void {
  if (results.length === 0 || results.some((r) => r.status === 'optimal')) return;
  const upstream = results.find((r) => r.error_code === 'UPSTREAM_UNAVAILABLE');
  if (upstream) throw new UpstreamUnavailable(upstream.reason ?? 'market data unavailable');
  const infeasible = results.find((r) => r.status === 'infeasible' || r.status === 'invalid');
  if (infeasible) throw new Infeasible(`portfolio ${infeasible.portfolio_id}: ${infeasible.reason ?? 'infeasible'}`);
  const timeout = results.find((r) => r.status === 'timeout');
  if (timeout) throw new SolverTimeout(`portfolio ${timeout.portfolio_id}: ${timeout.reason ?? 'no solution in time'}`);
  throw new UpstreamUnavailable(`portfolio ${results[0]!.portfolio_id}: ${results[0]!.reason ?? 'failed'}`);
}

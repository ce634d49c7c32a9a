import { rebalanceV1, type V1RebalanceOutcome } from '../../runs/v1-rebalance.js';
import { toRunJson } from '../../runs/run-view.js';
import type { RouteResult } from './route.js';
import { defineRoute } from './route.js';
import { runOutput } from './runs-schemas.js';
import { modelRebalanceParams, portfolioRebalanceParams, v1RebalanceItem } from './rebalance-schemas.js';
import { z } from 'zod';

const tags = ['rebalance (GlobeCo v1)'];
const responses = {
  200: { description: 'Done: one entry per rebalanced portfolio', schema: z.array(v1RebalanceItem) },
  202: { description: 'Not finished within V1_REBALANCE_WAIT_SECONDS: the run to poll', schema: runOutput },
  400: { description: 'Malformed id' },
  404: { description: 'No such model, or portfolio in no model' },
  422: { description: 'Infeasible (no portfolio could be rebalanced), with the reason' },
  503: { description: 'Market data unavailable' },
};

function answer(outcome: V1RebalanceOutcome): RouteResult {
  if (outcome.done) return { body: outcome.items };
  const run = outcome.state.run;
  return { status: 202, body: toRunJson(run, outcome.state.counts), headers: { Location: `/api/v1/runs/${run._id}`, 'Retry-After': '2' } };
}

export const v1RebalanceRoutes = [
  defineRoute({
    method: 'post',
    path: '/api/v1/model/{model_id}/rebalance',
    mutates: true,
    summary: "Rebalance a model's portfolios",
    description: 'Runs through the queue at top priority and waits; sets the model\'s last_rebalance_date when the run completes.',
    tags,
    params: modelRebalanceParams,
    responses,
    async handler({ params, ctx }, services) {
      const { runs, v1WaitMs } = services.pipeline;
      return answer(await rebalanceV1(runs, services.models, services.pipeline.catalog, { modelId: params.model_id }, v1WaitMs, ctx.signal));
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/portfolio/{portfolio_id}/rebalance',
    mutates: true,
    summary: 'Rebalance one portfolio (against every model it is subscribed to)',
    tags,
    params: portfolioRebalanceParams,
    responses,
    async handler({ params, ctx }, services) {
      const { runs, v1WaitMs } = services.pipeline;
      return answer(await rebalanceV1(runs, services.models, services.pipeline.catalog, { portfolioId: params.portfolio_id }, v1WaitMs, ctx.signal));
    },
  }),
];

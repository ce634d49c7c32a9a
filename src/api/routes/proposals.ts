import { NotFound } from '../../errors/index.js';
import { approveRun, rejectRun } from '../../runs/approve-run.js';
import type { RunDecisionDocument } from '../../store/run-decisions-repository.js';
import { defineRoute, type ResponseSpec } from './route.js';
import { approveBody, decisionOutput } from './proposal-schemas.js';
import { runIdParams } from './runs-schemas.js';

const tags = ['proposals'];
const decided = { description: 'The decision', schema: decisionOutput };
const bad: ResponseSpec = { description: 'Malformed input, or a portfolio not in the run' };
const missing: ResponseSpec = { description: 'No such run' };
const conflict: ResponseSpec = {
  description: 'Already decided; not a proposal; not finished; a re-run of its models in progress; or prices too old, models or holdings changed (the message says what)',
};

const toJson = (d: RunDecisionDocument) => ({
  run_id: d._id,
  decision: d.decision,
  include: d.include,
  exclude: d.exclude,
  decided_by: d.decided_by,
  decided_at: d.decided_at.toISOString(),
  orders_written_at: d.orders_written_at?.toISOString() ?? null,
  order_count: d.order_count,
});

export const proposalRoutes = [
  defineRoute({
    method: 'post',
    path: '/api/v1/runs/{run_id}/approve',
    mutates: true,
    summary: 'Approve a proposal (whole, or with include / exclude lists)',
    description:
      'Writes the orders of the approved portfolios, once. Of two approvals at once one wins and the other answers 409. ' +
      'Refused with 409 when the run read its prices longer ago than `APPROVAL_MAX_PRICE_AGE_SECONDS`, or when its models, ' +
      'the approved portfolios\' holdings or its securities\' prices changed since it ran. With an Order Service configured ' +
      'the orders are then sent.',
    tags,
    params: runIdParams,
    body: approveBody,
    responses: { 200: decided, 400: bad, 404: missing, 409: conflict },
    async handler({ params, body, ctx }, services) {
      const decision = await approveRun(services.pipeline.approvals, params.run_id, { ...body, by: ctx.caller?.name ?? 'anonymous' });
      return { body: toJson(decision) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/runs/{run_id}/reject',
    mutates: true,
    summary: 'Reject a proposal',
    description: 'Records the rejection; no order is written or sent. Once decided, a proposal cannot be decided again (409).',
    tags,
    params: runIdParams,
    responses: { 200: decided, 400: bad, 404: missing, 409: conflict },
    async handler({ params, ctx }, services) {
      return { body: toJson(await rejectRun(services.pipeline.approvals, params.run_id, { by: ctx.caller?.name ?? 'anonymous' })) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/runs/{run_id}/decision',
    mutates: false,
    summary: 'The decision on a proposal',
    tags,
    params: runIdParams,
    responses: { 200: decided, 400: bad, 404: { description: 'No such run, or not decided yet' } },
    async handler({ params }, services) {
      const decision = await services.pipeline.approvals.decisions.get(params.run_id);
      if (!decision) throw new NotFound(`run ${params.run_id} has no decision`);
      return { body: toJson(decision) };
    },
  }),
];

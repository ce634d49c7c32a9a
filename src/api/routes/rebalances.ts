import { z } from 'zod';
import { defineRoute } from './route.js';
import {
  portfolioSearchBody,
  rebalanceGetQuery,
  rebalanceListQuery,
  rebalanceParams,
  rebalancePortfolioParams,
  rebalancePortfoliosQuery,
  rebalanceVersionQuery,
  storedPortfolio,
  storedPositionsOutput,
  storedRebalance,
} from './rebalance-schemas.js';

const tags = ['stored rebalances (GlobeCo v1)'];
const bad = { description: 'Malformed input' };
const missing = { description: 'No such rebalance (or portfolio in it)' };
const mapping =
  'A stored rebalance is one (run, model): its portfolios are the run\'s optimal results for that model. ' +
  'Amounts are JSON numbers. `portfolio_offset`/`portfolio_limit` page the portfolios carried inline; ' +
  '`number_of_portfolios` counts them all.';

export const rebalanceRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/rebalances',
    mutates: false,
    summary: 'Stored rebalances, newest first',
    description: mapping,
    tags,
    query: rebalanceListQuery,
    responses: { 200: { description: 'Rebalances', schema: z.array(storedRebalance) }, 400: bad },
    async handler({ query }, services) {
      const window = { offset: query.portfolio_offset, limit: query.portfolio_limit };
      return { body: await services.pipeline.rebalances.list(query.offset, query.limit, window) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/rebalance/{rebalance_id}',
    mutates: false,
    summary: 'A stored rebalance',
    description: mapping,
    tags,
    params: rebalanceParams,
    query: rebalanceGetQuery,
    responses: { 200: { description: 'The rebalance', schema: storedRebalance }, 400: bad, 404: missing },
    async handler({ params, query }, services) {
      const window = { offset: query.portfolio_offset, limit: query.portfolio_limit };
      return { body: await services.pipeline.rebalances.get(params.rebalance_id, window) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/rebalance/{rebalance_id}/portfolios',
    mutates: false,
    summary: "A stored rebalance's portfolios, paged",
    tags,
    params: rebalanceParams,
    query: rebalancePortfoliosQuery,
    responses: { 200: { description: 'Portfolios', schema: z.array(storedPortfolio) }, 400: bad, 404: missing },
    async handler({ params, query }, services) {
      return { body: await services.pipeline.rebalances.portfolios(params.rebalance_id, query.offset, query.limit) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/rebalance/{rebalance_id}/portfolio/{portfolio_id}/positions',
    mutates: false,
    summary: 'Positions of one portfolio in a stored rebalance',
    tags,
    params: rebalancePortfolioParams,
    responses: { 200: { description: 'Positions', schema: storedPositionsOutput }, 400: bad, 404: missing },
    async handler({ params }, services) {
      return { body: await services.pipeline.rebalances.positions(params.rebalance_id, params.portfolio_id) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/rebalances/portfolios',
    mutates: false,
    summary: 'Stored rebalances containing any of these portfolios (each with only those portfolios)',
    tags,
    body: portfolioSearchBody,
    responses: { 200: { description: 'Rebalances', schema: z.array(storedRebalance) }, 400: bad },
    async handler({ body }, services) {
      return { body: await services.pipeline.rebalances.findByPortfolios(body.portfolios) };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/api/v1/rebalance/{rebalance_id}',
    mutates: true,
    summary: 'Delete a stored rebalance',
    description: 'Removes the rebalance record; the run, its results and its orders are kept. Stale `version` → 409.',
    tags,
    params: rebalanceParams,
    query: rebalanceVersionQuery,
    responses: { 204: { description: 'Deleted' }, 400: bad, 404: missing, 409: { description: 'Stale version' } },
    async handler({ params, query }, services) {
      await services.pipeline.rebalances.delete(params.rebalance_id, query.version);
      return { status: 204 };
    },
  }),
];

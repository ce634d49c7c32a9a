import { canonicalId } from '../../core/ids/canonical-id.js';
import { z } from 'zod';
import { blocksCsv, blocksOf, ordersCsv } from '../../orders-out/exports.js';
import { blockAllocations } from '../../store/run-orders-stream.js';
import { toOrderJson } from '../../runs/run-view.js';
import { defineRoute, type ResponseSpec } from './route.js';
import { orderOutput, paged, pagingQuery, runIdParams } from './runs-schemas.js';

const tags = ['blocks'];
const bad: ResponseSpec = { description: 'Malformed input' };
const missing: ResponseSpec = { description: 'No such run' };

const blockOutput = z
  .object({
    security_id: z.string(),
    side: z.enum(['BUY', 'SELL']),
    quantity: z.number().int(),
    accounts: z.number().int().meta({ description: 'Distinct portfolios allocated.' }),
    allocations: z.number().int().meta({ description: 'Orders allocated (a portfolio in two models has two).' }),
    price: z.string().nullable().meta({ description: 'The run price; null when chunks read different prices.' }),
    notional: z.string().meta({ description: 'Σ quantity × price, exact decimal.' }),
    links: z.object({ allocations: z.string() }),
  })
  .meta({ id: 'Block' });
const blocksOutput = z.object({ run_id: z.string(), blocks: z.array(blockOutput) }).meta({ id: 'RunBlocks' });
const blockParams = z.object({
  run_id: runIdParams.shape.run_id,
  security_id: z.string().regex(/^[A-Za-z0-9]{24}$/, 'must be 24 letters or digits').transform(canonicalId),
  side: z.enum(['BUY', 'SELL']),
});

const csv = (name: string) => ({ 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${name}"` });

export const blockRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/runs/{run_id}/blocks',
    mutates: false,
    summary: "The run's block orders per security and side",
    description: "Aggregated from the run's orders (an executed run, or an approved proposal): quantity, accounts and notional at run prices.",
    tags,
    params: runIdParams,
    responses: { 200: { description: 'Blocks, by security then side', schema: blocksOutput }, 400: bad, 404: missing },
    async handler({ params }, services) {
      await services.pipeline.runs.get(params.run_id);
      const blocks = await blocksOf(services.pipeline.approvals.db, params.run_id);
      const self = `/api/v1/runs/${params.run_id}/blocks`;
      return { body: { run_id: params.run_id, blocks: blocks.map((b) => ({ ...b, links: { allocations: `${self}/${b.security_id}/${b.side}` } })) } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/runs/{run_id}/blocks/{security_id}/{side}',
    mutates: false,
    summary: "A block's allocations to portfolios (its orders), paged",
    tags,
    params: blockParams,
    query: z.object(pagingQuery),
    responses: { 200: { description: 'Allocations', schema: paged(orderOutput, 'AllocationPage') }, 400: bad, 404: missing },
    async handler({ params, query }, services) {
      await services.pipeline.runs.get(params.run_id);
      const page = await blockAllocations(services.pipeline.approvals.db, params.run_id, params.security_id, params.side, query.offset, query.limit);
      return { body: { items: page.items.map(toOrderJson), total: page.total, offset: query.offset, limit: query.limit } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/runs/{run_id}/orders.csv',
    mutates: false,
    summary: "The run's orders as CSV (streamed)",
    tags,
    params: runIdParams,
    responses: { 200: { description: 'One row per order, CRLF line ends', contentType: 'text/csv' }, 400: bad, 404: missing },
    async handler({ params }, services) {
      await services.pipeline.runs.get(params.run_id);
      return { stream: ordersCsv(services.pipeline.approvals.db, params.run_id), headers: csv(`orders-${params.run_id}.csv`) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/runs/{run_id}/blocks.csv',
    mutates: false,
    summary: "The run's blocks as CSV",
    tags,
    params: runIdParams,
    responses: { 200: { description: 'One row per block, CRLF line ends', contentType: 'text/csv' }, 400: bad, 404: missing },
    async handler({ params }, services) {
      await services.pipeline.runs.get(params.run_id);
      return { stream: blocksCsv(await blocksOf(services.pipeline.approvals.db, params.run_id)), headers: csv(`blocks-${params.run_id}.csv`) };
    },
  }),
];

import { z } from 'zod';
import { NotFound } from '../../errors/index.js';
import { importHoldings } from '../../market-data/import-holdings.js';
import type { ImportOutcome } from '../../market-data/import-outcome.js';
import { importPrices } from '../../market-data/import-prices.js';
import { formatRowError } from '../../market-data/row-validation.js';
import { defineRoute, type RouteDefinition, type RouteResult } from './route.js';

const objectId = z.string().regex(/^[0-9a-fA-F]{24}$/, 'must be a 24-character hex id');

const counts = z.object({
  upserted: z.number().int().describe('Documents created.'),
  modified: z.number().int().describe('Existing documents rewritten.'),
  matched: z.number().int().describe('Existing documents found.'),
});

const rejected = z.object({
  detail: z.string(),
  code: z.literal('INVALID_INPUT'),
  error_count: z.number().int().describe('How many row errors there were in total.'),
  errors: z
    .array(z.object({ field: z.string(), message: z.string() }))
    .describe('The first 100 row errors, e.g. field `rows[17].holdings[2].quantity`.'),
});

/**
 * Rows are checked one by one inside the use-case so that every bad row is reported;
 * the route schema only insists on an array.
 */
const rowsBody = (what: string) => z.array(z.unknown()).describe(what);

const ALL_OR_NOTHING =
  'All-or-nothing per request: every row is validated first, and if any row is invalid nothing is ' +
  'written and the answer is 400 with the per-row errors. Decimals are strings in plain notation ' +
  '(JSON numbers are accepted but may already have lost digits in parsing); they are stored in ' +
  'canonical form ("0100.50" reads back as "100.5").';

function answer(outcome: ImportOutcome): RouteResult {
  if (outcome.status === 'written') return { status: 200, body: outcome.counts };
  const first = outcome.errors[0];
  const detail = `${outcome.errorCount} invalid row value(s); nothing was written${first ? ` (first: ${formatRowError(first)})` : ''}`;
  return {
    status: 400,
    body: { detail, code: 'INVALID_INPUT', error_count: outcome.errorCount, errors: outcome.errors },
  };
}

/** Bulk upload and read-back of the `snapshot` market-data source. */
export const marketDataRoutes: RouteDefinition[] = [
  defineRoute({
    method: 'put',
    path: '/api/v1/portfolios/holdings',
    mutates: true,
    summary: 'Replace the holdings and cash snapshot of many portfolios',
    description: `Body: \`[{portfolio_id, name?, cash, holdings:[{security_id, quantity}]}]\`; \`name\` (optional, at most 200 characters) is shown next to the id in results, orders and the run view. Each listed portfolio's snapshot is replaced as a whole; unlisted portfolios are untouched. ${ALL_OR_NOTHING}`,
    tags: ['market data'],
    body: rowsBody('Portfolios: portfolio_id (24 hex), name (optional text), cash (decimal ≥ 0), holdings (security_id, whole quantity ≥ 0).'),
    responses: {
      200: { description: 'Written', schema: counts },
      400: { description: 'Invalid rows; nothing written', schema: rejected },
      401: { description: 'API key missing or wrong' },
    },
    handler: async ({ body }, services) => answer(await importHoldings(services.holdings, body)),
  }),
  defineRoute({
    method: 'put',
    path: '/api/v1/prices',
    mutates: true,
    summary: 'Set the price of many securities',
    description: `Body: \`[{security_id, price, ticker?}]\`, price a decimal > 0; \`ticker\` (optional, at most 32 characters) is shown next to the security id in results and orders. ${ALL_OR_NOTHING}`,
    tags: ['market data'],
    body: rowsBody('Prices: security_id (24 hex), price (decimal > 0), ticker (optional text).'),
    responses: {
      200: { description: 'Written', schema: counts },
      400: { description: 'Invalid rows; nothing written', schema: rejected },
      401: { description: 'API key missing or wrong' },
    },
    handler: async ({ body }, services) => answer(await importPrices(services.prices, body)),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/portfolio/{id}/holdings',
    mutates: false,
    summary: "A portfolio's stored holdings and cash",
    tags: ['market data'],
    params: z.object({ id: objectId }),
    responses: {
      200: {
        description: 'The snapshot',
        schema: z.object({
          portfolio_id: z.string(),
          name: z.string().nullable(),
          cash: z.string(),
          holdings: z.array(z.object({ security_id: z.string(), quantity: z.number().int() })),
          updated_at: z.string(),
        }),
      },
      400: { description: 'Bad id' },
      404: { description: 'No snapshot for this portfolio' },
    },
    handler: async ({ params }, services) => {
      const found = await services.holdings.findOne(params.id);
      if (!found) throw new NotFound(`no holdings snapshot for portfolio ${params.id}`);
      return {
        body: {
          portfolio_id: found.portfolioId,
          name: found.name ?? null,
          cash: found.cash,
          holdings: found.holdings.map((h) => ({ security_id: h.securityId, quantity: h.quantity })),
          updated_at: found.updatedAt.toISOString(),
        },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/price/{security_id}',
    mutates: false,
    summary: "A security's stored price",
    tags: ['market data'],
    params: z.object({ security_id: objectId }),
    responses: {
      200: {
        description: 'The price',
        schema: z.object({ security_id: z.string(), ticker: z.string().nullable(), price: z.string(), updated_at: z.string() }),
      },
      400: { description: 'Bad id' },
      404: { description: 'No price for this security' },
    },
    handler: async ({ params }, services) => {
      const found = await services.prices.findOne(params.security_id);
      if (!found) throw new NotFound(`no price for security ${params.security_id}`);
      return { body: { security_id: found.securityId, ticker: found.ticker ?? null, price: found.price, updated_at: found.updatedAt.toISOString() } };
    },
  }),
];

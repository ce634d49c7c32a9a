import { HEX_ID, canonicalId } from '../../core/ids/canonical-id.js';
import { z } from 'zod';
import type { HoldingInput, RecentSaleInput } from '../../core/optimizer/types.js';
import { NotFound } from '../../errors/index.js';
import { importHoldings } from '../../market-data/import-holdings.js';
import type { ImportOutcome } from '../../market-data/import-outcome.js';
import { importPrices } from '../../market-data/import-prices.js';
import { formatRowError } from '../../market-data/row-validation.js';
import { defineRoute, type RouteDefinition, type RouteResult } from './route.js';

const objectId = z.string().regex(HEX_ID, 'must be a 24-character hex id').transform(canonicalId);

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

const lotOutput = z.object({ lot_id: z.string(), quantity: z.number().int(), unit_cost: z.string(), acquired: z.string() });
const saleOutput = z.object({ security_id: z.string(), date: z.string(), quantity: z.number().int(), realized_gain: z.string() });

function holdingJson(h: HoldingInput) {
  const base = { security_id: h.securityId, quantity: h.quantity };
  if (h.lots === undefined) return base;
  return { ...base, lots: h.lots.map((l) => ({ lot_id: l.lotId, quantity: l.quantity, unit_cost: l.unitCost, acquired: l.acquired })) };
}

function saleJson(s: RecentSaleInput) {
  return { security_id: s.securityId, date: s.date, quantity: s.quantity, realized_gain: s.realizedGain };
}

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
    description:
      `Body: \`[{portfolio_id, name?, cash, holdings:[{security_id, quantity, lots?}], recent_sales?}]\`; \`name\` (optional, at most 200 characters) is shown next to the id in results, orders and the run view. Each listed portfolio's snapshot is replaced as a whole; unlisted portfolios are untouched. ` +
      'Tax data is optional: a holding may list its lots `[{lot_id, quantity, unit_cost, acquired: "YYYY-MM-DD"}]`, which must add up to its quantity ' +
      '(else 400 naming portfolio and security), and a portfolio its `recent_sales` `[{security_id, date, quantity, realized_gain}]` (negative gain = loss) for the wash-sale window. ' +
      ALL_OR_NOTHING,
    tags: ['market data'],
    body: rowsBody(
      'Portfolios: portfolio_id (24 hex), name (optional text), cash (decimal ≥ 0), holdings (security_id, whole quantity ≥ 0, optional lots: lot_id, quantity ≥ 1, unit_cost decimal ≥ 0, acquired date), ' +
        'optional recent_sales (security_id, date, quantity ≥ 1, realized_gain signed decimal).',
    ),
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
          holdings: z.array(z.object({ security_id: z.string(), quantity: z.number().int(), lots: z.array(lotOutput).optional().meta({ description: 'Present when lots were uploaded.' }) })),
          recent_sales: z.array(saleOutput).optional().meta({ description: 'Present when recent sales were uploaded.' }),
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
          holdings: found.holdings.map(holdingJson),
          ...(found.recentSales === undefined ? {} : { recent_sales: found.recentSales.map(saleJson) }),
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

import { HEX_ID, canonicalId } from '../../core/ids/canonical-id.js';
import { z } from 'zod';

const hexId = z.string().regex(HEX_ID, 'must be a 24-character hex id').transform(canonicalId).meta({ example: '68430c0edbfc814369506bf0' });
const portfolioId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1–64 letters, digits, "_" or "-"').transform(canonicalId);

const integerText = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,16}$/, 'must be a non-negative integer')
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

export const modelRebalanceParams = z.object({ model_id: hexId });
export const portfolioRebalanceParams = z.object({ portfolio_id: portfolioId });
export const rebalanceParams = z.object({ rebalance_id: hexId });
export const rebalancePortfolioParams = z.object({ rebalance_id: hexId, portfolio_id: portfolioId });

/** Portfolios carried inline by a rebalance JSON; the rest via `/portfolios`. */
const windowQuery = (defaultLimit: number) => ({
  portfolio_offset: integerText(0, Number.MAX_SAFE_INTEGER).default(0),
  portfolio_limit: integerText(0, 1_000).default(defaultLimit),
});

export const rebalanceListQuery = z.object({
  offset: integerText(0, 10_000).default(0),
  limit: integerText(1, 100).default(10),
  ...windowQuery(10),
});
export const rebalanceGetQuery = z.object(windowQuery(100));
export const rebalancePortfoliosQuery = z.object({
  offset: integerText(0, Number.MAX_SAFE_INTEGER).default(0),
  limit: integerText(1, 1_000).default(100),
});
export const rebalanceVersionQuery = z.object({ version: integerText(1, Number.MAX_SAFE_INTEGER) });
export const portfolioSearchBody = z.object({ portfolios: z.array(portfolioId).min(1).max(1_000) }).meta({ id: 'RebalancePortfolioSearch' });

const storedPosition = z.object({
  security_id: z.string(),
  price: z.number(),
  original_quantity: z.number().int(),
  adjusted_quantity: z.number().int(),
  original_position_market_value: z.number(),
  adjusted_position_market_value: z.number(),
  target: z.number(),
  high_drift: z.number(),
  low_drift: z.number(),
  actual: z.number(),
  actual_drift: z.number().nullable(),
  transaction_type: z.enum(['BUY', 'SELL']).nullable(),
  trade_quantity: z.number().int(),
  trade_date: z.string().nullable(),
});
export const storedPositionsOutput = z.array(storedPosition).meta({ id: 'RebalancePositions' });

export const storedPortfolio = z
  .object({
    portfolio_id: z.string(),
    market_value: z.number(),
    cash_before_rebalance: z.number(),
    cash_after_rebalance: z.number(),
    positions: z.array(storedPosition),
  })
  .meta({ id: 'RebalancePortfolio' });

export const storedRebalance = z
  .object({
    rebalance_id: z.string(),
    model_id: z.string(),
    model_name: z.string(),
    rebalance_date: z.string(),
    number_of_portfolios: z.number().int(),
    portfolios: z.array(storedPortfolio),
    version: z.number().int(),
    created_at: z.string(),
    run_id: z.string(),
  })
  .meta({ id: 'Rebalance' });

export const v1RebalanceItem = z
  .object({
    portfolio_id: z.string(),
    rebalance_id: z.string(),
    transactions: z.array(z.object({ transaction_type: z.enum(['BUY', 'SELL']), security_id: z.string(), quantity: z.number().int(), trade_date: z.string() })),
    drifts: z.array(
      z.object({
        security_id: z.string(),
        original_quantity: z.number().int(),
        adjusted_quantity: z.number().int(),
        target: z.string(),
        high_drift: z.string(),
        low_drift: z.string(),
        actual: z.string(),
      }),
    ),
  })
  .meta({ id: 'V1RebalanceResult' });

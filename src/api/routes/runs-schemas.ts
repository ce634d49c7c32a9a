import { HEX_ID, canonicalId } from '../../core/ids/canonical-id.js';
import { MAX_OPTION_MONEY_PLACES, optionAmountFits } from '../../core/optimizer/problem.js';
import { z } from 'zod';
import { taxOptionsSchema } from '../../runs/tax-options.js';

const hexId = (example: string) =>
  z.string().regex(HEX_ID, 'must be a 24-character hex id').transform(canonicalId).meta({ example });
const portfolioId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1–64 letters, digits, "_" or "-"').transform(canonicalId);
const securityId = z.string().regex(/^[A-Za-z0-9]{24}$/, 'must be 24 letters or digits').transform(canonicalId);
/** The solver's range, checked here so a run that could only fail every portfolio is a 400 instead. */
const amount = z
  .union([z.number().nonnegative().finite(), z.string()])
  .transform((v) => (typeof v === 'number' ? String(v) : v))
  .pipe(
    z
      .string()
      .regex(/^\d{1,16}(\.\d{1,12})?$/, { message: 'must be a non-negative decimal number without an exponent', abort: true })
      .refine(optionAmountFits, `must have at most ${MAX_OPTION_MONEY_PLACES} decimal places and at most 2^50 of its smallest unit (too large to solve exactly)`),
  )
  .meta({ description: `Dollars, as a decimal string or number; at most ${MAX_OPTION_MONEY_PLACES} decimal places.`, example: '100.00' });

const integerText = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,16}$/, 'must be a non-negative integer')
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

export const runIdParams = z.object({ run_id: hexId('6945a1f0c2d3e4f5a6b7c8d9') });

export const runOptions = z
  .object({
    cash_reserve: amount.optional(),
    min_trade_value: amount.optional(),
    lot_sizes: z.record(securityId, z.number().int().min(1).max(1_000_000)).optional(),
    no_buy: z.array(securityId).max(1_000).optional(),
    no_sell: z.array(securityId).max(1_000).optional(),
    mode: z.enum(['target', 'band']).optional(),
    tax: taxOptionsSchema.optional(),
  })
  .strict()
  .meta({ id: 'RunOptions', description: 'Per-run solver options; every key optional.' });

/** Exactly one of model_ids, portfolio_ids or all:true. */
export const runCreateBody = z
  .object({
    model_ids: z.array(hexId('6945a1f0c2d3e4f5a6b7c8d0')).min(1).max(10_000).optional(),
    portfolio_ids: z.array(portfolioId).min(1).max(200_000).optional(),
    all: z.literal(true).optional(),
    mode: z
      .enum(['propose', 'execute'])
      .default('execute')
      .meta({ description: '`execute` writes orders at once; `propose` writes results only, and orders when approved.' }),
    options: runOptions.default({}),
  })
  .strict()
  .refine((b) => [b.model_ids, b.portfolio_ids, b.all].filter((v) => v !== undefined).length === 1, {
    message: 'name exactly one of model_ids, portfolio_ids or all: true',
    path: ['model_ids'],
  })
  .meta({ id: 'RunCreate' });

export const pagingQuery = {
  offset: integerText(0, Number.MAX_SAFE_INTEGER)
    .default(0)
    .meta({ description: 'Compatibility only, at most 1000: page with `after` (the previous page\'s `next`).' }),
  limit: integerText(1, 1_000).default(50),
  after: z.string().min(1).max(128).optional().meta({ description: 'Opaque cursor: the `next` of the previous page.' }),
};

const runStatus = z.enum(['queued', 'running', 'completed', 'completed_with_errors', 'failed', 'cancelled']);
const resultStatus = z.enum(['optimal', 'infeasible', 'timeout', 'invalid', 'failed']);
const resultStatusFilter = z
  .enum(['optimal', 'infeasible', 'timeout', 'invalid', 'failed', 'not_optimal'])
  .meta({ description: '`not_optimal`: every status but optimal (complete, paged).' });

export const runListQuery = z.object({ ...pagingQuery, status: runStatus.optional() });
export const runGetQuery = z.object({
  wait: integerText(0, 30).optional().meta({ description: 'Long poll: answer once the run is final or after this many seconds (≤ 30).' }),
});
export const resultsQuery = z.object({
  ...pagingQuery,
  status: resultStatusFilter.optional(),
  portfolio_id: hexId('6945a1f0c2d3e4f5a6b7c8e1').optional().meta({ description: 'Only this portfolio (one result per model it is in).' }),
  positions: z
    .enum(['include', 'omit'])
    .default('include')
    .meta({ description: '`omit`: each result\'s `positions` is an empty list (the rows of a table, a fraction of the bytes); ignored with `portfolio_id`.' }),
});
export const runOrdersQuery = z.object({ ...pagingQuery, portfolio_id: portfolioId.optional() });
export const ordersQuery = z
  .object({
    ...pagingQuery,
    run_id: hexId('6945a1f0c2d3e4f5a6b7c8d9').optional(),
    portfolio_id: portfolioId.optional(),
  })
  .refine((q) => q.run_id !== undefined || q.portfolio_id !== undefined, {
    message: 'required: name run_id or portfolio_id (an unfiltered listing of every order is not offered)',
    path: ['run_id'],
  });

const counts = {
  total: z.number().int(),
  processed: z.number().int(),
  succeeded: z.number().int(),
  infeasible: z.number().int(),
  timed_out: z.number().int(),
  failed: z.number().int().meta({ description: 'Failed portfolios, invalid input included.' }),
  orders: z.number().int().meta({ description: 'Orders stored so far (one per trade of each optimal result).' }),
};

export const runOutput = z
  .object({
    run_id: z.string(),
    status: runStatus,
    mode: z.enum(['propose', 'execute']),
    ...counts,
    selection: z.record(z.string(), z.unknown()),
    options: z.record(z.string(), z.unknown()),
    priority: z.number().int(),
    reason: z.string().nullable(),
    created_at: z.string(),
    started_at: z.string().nullable(),
    finished_at: z.string().nullable(),
    elapsed_ms: z.number().nullable(),
    links: z.object({ self: z.string(), results: z.string(), orders: z.string(), summary: z.string(), cancel: z.string() }),
  })
  .meta({ id: 'Run' });

const lotSale = z
  .object({
    lot_id: z.string(),
    quantity: z.number().int(),
    realized_gain: z.string().meta({ description: '(price − unit cost) × quantity, exact; negative for a loss.' }),
    term: z.enum(['short', 'long']),
  })
  .meta({ id: 'LotSale' });
const portfolioName = z.string().nullable().meta({ description: 'The portfolio name from the market-data source at solve time; null when it has none.' });
const ticker = z.string().nullable().meta({ description: 'The ticker from the market-data source at solve time; null when it has none.' });

const position = z.object({
  security_id: z.string(),
  ticker,
  price: z.string(),
  original_quantity: z.number().int(),
  adjusted_quantity: z.number().int(),
  target: z.string(),
  low_drift: z.string(),
  high_drift: z.string(),
  actual_before: z.string(),
  actual: z.string(),
  actual_drift: z.string().nullable(),
  transaction_type: z.enum(['BUY', 'SELL']).nullable(),
  trade_quantity: z.number().int(),
  lots: z.array(lotSale).optional().meta({ description: 'The lots a sell takes; only on sells of a tax-aware run whose holding has lots.' }),
});

const taxSummary = z
  .object({
    short_term_gain: z.string(),
    short_term_loss: z.string().meta({ description: 'Size of the short-term losses, ≥ 0.' }),
    long_term_gain: z.string(),
    long_term_loss: z.string().meta({ description: 'Size of the long-term losses, ≥ 0.' }),
    estimated_tax: z.string().meta({ description: 'Σ rate × realized gain over the lots sold (losses count negative).' }),
  })
  .meta({ id: 'TaxSummary', description: 'Realized gains and losses of the sells and their estimated tax; exact decimal strings.' });

export const resultOutput = z
  .object({
    portfolio_id: z.string(),
    portfolio_name: portfolioName,
    model_id: z.string(),
    model_name: z.string().nullable().meta({ description: 'The model as the run saw it; null when unknown.' }),
    status: resultStatus,
    reason: z.string().nullable(),
    code: z.string().nullable().meta({ description: 'Machine-readable cause of a failed result, e.g. NO_MARKET_DATA, MISSING_PRICE; null otherwise.' }),
    market_value: z.string().nullable(),
    cash_before: z.string().nullable(),
    cash_after: z.string().nullable(),
    trade_count: z.number().int(),
    positions: z.array(position),
    tax: taxSummary.optional().meta({ description: 'Only on optimal results of a tax-aware run.' }),
  })
  .meta({ id: 'RunResult' });

export const orderOutput = z
  .object({
    order_id: z.string(),
    run_id: z.string(),
    portfolio_id: z.string(),
    portfolio_name: portfolioName,
    model_id: z.string(),
    security_id: z.string(),
    ticker,
    transaction_type: z.enum(['BUY', 'SELL']),
    quantity: z.number().int(),
    price: z.string(),
    trade_date: z.string(),
    after_cancel: z.boolean().meta({ description: 'The chunk that wrote this order finished after its run was cancelled (it was in flight); such orders are never sent.' }),
    lots: z
      .array(lotSale)
      .optional()
      .meta({ description: 'The lots a sell takes (tax-aware runs). Kept here for the trader: the Order Service order has no field for them, so they are not sent.' }),
  })
  .meta({ id: 'Order' });

export const paged = <T extends z.ZodType>(item: T, id: string) =>
  z
    .object({
      items: z.array(item),
      total: z.number().int().meta({ description: 'From the run counters (runs list: counted up to 10,000).' }),
      offset: z.number().int(),
      limit: z.number().int(),
      next: z.string().nullable().meta({ description: 'Cursor of the next page (`?after=`), null on the last page.' }),
    })
    .meta({ id });

const histogram = z.object({ buckets: z.array(z.number()), counts: z.array(z.number().int()) });
export const runSummaryOutput = z
  .object({
    run_id: z.string(),
    processed: z.number().int(),
    breach_before: histogram.meta({ description: 'Largest distance outside any band per portfolio, weight percentage points; `buckets` are lower edges (0 = inside).' }),
    breach_after: histogram,
    turnover: histogram.meta({ description: 'Traded value per portfolio, percent of its market value; `buckets` are lower edges.' }),
    buy_value: z.string(),
    sell_value: z.string(),
    top_securities: z.array(
      z.object({ security_id: z.string(), ticker: z.string().optional().meta({ description: 'When the market-data source has one.' }), buy_value: z.string(), sell_value: z.string(), orders: z.number().int() }),
    ),
  })
  .meta({ id: 'RunSummary' });

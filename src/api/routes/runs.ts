import { InvalidInput } from '../../errors/index.js';
import type { RunSelection } from '../../store/run-documents.js';
import { toOrderJson, toResultJson, toRunJson } from '../../runs/run-view.js';
import type { RunState } from '../../runs/run-service.js';
import { defineRoute, type ResponseSpec } from './route.js';
import {
  orderOutput,
  ordersQuery,
  paged,
  resultOutput,
  resultsQuery,
  runCreateBody,
  runGetQuery,
  runIdParams,
  runListQuery,
  runOrdersQuery,
  runOutput,
  runSummaryOutput,
} from './runs-schemas.js';

const tags = ['runs'];
const run = { description: 'The run', schema: runOutput };
const bad: ResponseSpec = { description: 'Malformed input' };
const missing: ResponseSpec = { description: 'No such run' };
/** Seconds a client should wait before polling a queued or running run again. */
const RETRY_AFTER_SECONDS = '2';

const json = ({ run: r, counts }: RunState) => toRunJson(r, counts);

/** Longest Idempotency-Key accepted; a longer one is refused, never cut (two keys would collide). */
const MAX_IDEMPOTENCY_KEY = 200;

/**
 * The stored idempotency key: scoped to the calling API key's name, so two clients that happen
 * to choose the same key never share a run. Anonymous APIs keep the key as sent.
 */
function idempotencyKeyOf(header: string | string[] | undefined, caller: string | undefined): string | undefined {
  if (typeof header !== 'string' || header.length === 0) return undefined;
  if (header.length > MAX_IDEMPOTENCY_KEY) {
    throw new InvalidInput(`Idempotency-Key: at most ${MAX_IDEMPOTENCY_KEY} characters (got ${header.length})`, 'Idempotency-Key');
  }
  return caller === undefined ? header : `${caller}:${header}`;
}

export const runRoutes = [
  defineRoute({
    method: 'post',
    path: '/api/v1/runs',
    mutates: true,
    summary: 'Submit a run',
    description:
      'Rebalances `model_ids` (their portfolios), `portfolio_ids` (every model each is subscribed to) or `all: true`. ' +
      'A portfolio in several models gets one result per model. 202 with the run; with an `Idempotency-Key` header a ' +
      'repeated submit answers 200 with the same run (and finishes an enqueue a crash interrupted); the same key with ' +
      'another body is 409. Unknown model → 404; portfolio in no model → 400.',
    tags,
    body: runCreateBody,
    responses: { 202: { description: 'Run accepted', schema: runOutput }, 200: { description: 'Same run (idempotent repeat)', schema: runOutput }, 400: bad, 404: { description: 'Unknown model' }, 409: { description: 'Idempotency-Key reused with another body' } },
    async handler({ body, ctx }, services) {
      const selection: RunSelection = body.model_ids ? { model_ids: body.model_ids } : body.portfolio_ids ? { portfolio_ids: body.portfolio_ids } : { all: true };
      const idempotencyKey = idempotencyKeyOf(ctx.headers['idempotency-key'], ctx.caller?.name);
      const created = await services.pipeline.runs.submit({ selection, options: body.options, mode: body.mode, idempotencyKey });
      const state = await services.pipeline.runs.get(created.run._id);
      return {
        status: created.created ? 202 : 200,
        body: json(state),
        headers: { Location: `/api/v1/runs/${created.run._id}`, 'Retry-After': RETRY_AFTER_SECONDS },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/runs',
    mutates: false,
    summary: 'List runs, newest first',
    tags,
    query: runListQuery,
    responses: { 200: { description: 'Runs', schema: paged(runOutput, 'RunPage') }, 400: bad },
    async handler({ query }, services) {
      const page = await services.pipeline.runs.list(query);
      return { body: { items: page.items.map(json), total: page.total, offset: query.offset, limit: query.limit, next: page.next } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/runs/{run_id}',
    mutates: false,
    summary: 'A run, its status and counts',
    description: '`?wait=N` (≤ 30 s) answers as soon as the run is final, or after N seconds.',
    tags,
    params: runIdParams,
    query: runGetQuery,
    responses: { 200: run, 400: bad, 404: missing },
    async handler({ params, query, ctx }, services) {
      const state = query.wait
        ? await services.pipeline.runs.wait(params.run_id, query.wait * 1000, ctx.signal)
        : await services.pipeline.runs.get(params.run_id);
      return { body: json(state) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/runs/{run_id}/results',
    mutates: false,
    summary: 'Per-portfolio outcomes of a run',
    description: 'In plan order, read by key. Page with `after` (each page\'s `next`); a page may hold fewer than `limit` items and still have a `next`.',
    tags,
    params: runIdParams,
    query: resultsQuery,
    responses: { 200: { description: 'Results', schema: paged(resultOutput, 'RunResultPage') }, 400: bad, 404: missing },
    async handler({ params, query }, services) {
      const runs = services.pipeline.runs;
      const page = await runs.results(params.run_id, { ...query, portfolioId: query.portfolio_id, rows: query.positions === 'omit' });
      const names = await runs.modelNames(params.run_id, page.items.map((r) => r.model_id));
      const items = page.items.map((r) => toResultJson(r, names.get(r.model_id) ?? null));
      return { body: { items, total: page.total, offset: query.offset, limit: query.limit, next: page.next } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/runs/{run_id}/orders',
    mutates: false,
    summary: 'Orders of a run',
    description: 'In plan order, read by key; `portfolio_id` narrows to one portfolio. Page with `after`.',
    tags,
    params: runIdParams,
    query: runOrdersQuery,
    responses: { 200: { description: 'Orders', schema: paged(orderOutput, 'RunOrderPage') }, 400: bad, 404: missing },
    async handler({ params, query }, services) {
      const page = await services.pipeline.runs.orders(params.run_id, { ...query, portfolioId: query.portfolio_id });
      return { body: { items: page.items.map(toOrderJson), total: page.total, offset: query.offset, limit: query.limit, next: page.next } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/runs/{run_id}/summary',
    mutates: false,
    summary: 'Aggregates of a run: band breaches before/after, turnover, traded value, top securities',
    description: 'Merged from the summary each chunk writes as it finishes (no scan of results or orders); live while the run progresses.',
    tags,
    params: runIdParams,
    responses: { 200: { description: 'Summary', schema: runSummaryOutput }, 400: bad, 404: missing },
    async handler({ params }, services) {
      return { body: await services.pipeline.runs.summary(params.run_id) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/runs/{run_id}/cancel',
    mutates: true,
    summary: 'Cancel a run',
    description: 'Chunks not started are dropped; chunks in flight finish. A final run is answered unchanged.',
    tags,
    params: runIdParams,
    responses: { 200: run, 400: bad, 404: missing },
    async handler({ params }, services) {
      return { body: json(await services.pipeline.runs.cancel(params.run_id)) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/orders',
    mutates: false,
    summary: 'Orders, by run and/or portfolio',
    description: '`run_id` or `portfolio_id` is required. With `run_id` this is `/api/v1/runs/{run_id}/orders`; with only `portfolio_id`, that portfolio\'s orders across runs by order id (`total` counted up to 10,000).',
    tags,
    query: ordersQuery,
    responses: { 200: { description: 'Orders', schema: paged(orderOutput, 'OrderPage') }, 400: bad, 404: missing },
    async handler({ query }, services) {
      const runs = services.pipeline.runs;
      const page = query.run_id
        ? await runs.orders(query.run_id, { ...query, portfolioId: query.portfolio_id })
        : await runs.portfolioOrders(query.portfolio_id!, query);
      return { body: { items: page.items.map(toOrderJson), total: page.total, offset: query.offset, limit: query.limit, next: page.next } };
    },
  }),
];

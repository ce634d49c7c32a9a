import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A faithful stand-in for the GlobeCo Order Service (its published API guide): batch POST of at
 * most 1,000 orders answered 200 / 207 / 400 / 413, 503 with Retry-After, no deduplication, and
 * GET /orders paged with `limit`/`offset` and filtered by `orderTimestamp` and `portfolio.name`.
 * Faults can be switched on from the test, or over HTTP (`POST /_faults`) when it runs as its own
 * process (`scripts/order-service-stand-in.ts`).
 */
export interface Faults {
  /** The next N batch POSTs are committed, then the connection is destroyed without an answer. */
  dropAfterCommit: number;
  /** The next N batch POSTs are cut before anything is committed. */
  dropBeforeCommit: number;
  /** Until this time (epoch ms) every /api request answers 503 with `Retry-After`. */
  unavailableUntil: number;
  /** Seconds sent in `Retry-After` during an outage. */
  retryAfterSeconds: number;
  /** Delay before a batch POST is processed, ms. */
  slowMs: number;
  /** `portfolioId:securityId` pairs answered FAILURE (a business rejection). */
  reject: string[];
}

/** An order as stored (the OrderWithDetailsDTO shape, trimmed to what the stand-in knows). */
export interface StoredOrder {
  id: number;
  blotter: { id: number } | null;
  status: { id: number; abbreviation: string };
  portfolio: { portfolioId: string; name: string };
  security: { securityId: string; ticker: string | null };
  orderType: { id: number; abbreviation: string };
  quantity: number;
  limitPrice: number | null;
  orderTimestamp: string;
  version: number;
}

export interface OrderServiceStandIn {
  url: string;
  orders: StoredOrder[];
  faults: Faults;
  /** Batch POSTs received (including refused and dropped ones). */
  posts: number;
  stop(): Promise<void>;
}

const ORDER_TYPES = [
  { id: 2, abbreviation: 'BUY', description: 'Buy', version: 1 },
  { id: 3, abbreviation: 'SELL', description: 'Sell', version: 1 },
];
const STATUSES = [{ id: 1, abbreviation: 'NEW', description: 'New', version: 1 }];
const MAX_BATCH = 1000;

export const NO_FAULTS: Faults = Object.freeze({ dropAfterCommit: 0, dropBeforeCommit: 0, unavailableUntil: 0, retryAfterSeconds: 1, slowMs: 0, reject: [] });

export async function startOrderServiceStandIn(port = 0, host = '127.0.0.1'): Promise<OrderServiceStandIn> {
  const state: OrderServiceStandIn = { url: '', orders: [], faults: { ...NO_FAULTS, reject: [] }, posts: 0, stop: async () => undefined };
  const server: Server = createServer((req, res) => {
    handle(state, req, res).catch((error: unknown) => send(res, 500, { message: String(error) }));
  });
  // Keep-alive sockets must not hold stop() open.
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  state.url = `http://${host}:${(server.address() as AddressInfo).port}`;
  state.stop = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}

async function handle(state: OrderServiceStandIn, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://stand-in');
  const body = await readBody(req);
  if (url.pathname === '/_faults' && req.method === 'POST') {
    Object.assign(state.faults, JSON.parse(body || '{}') as Partial<Faults>);
    return send(res, 200, state.faults);
  }
  if (url.pathname === '/_stats') return send(res, 200, { orders: state.orders.length, posts: state.posts });
  if (Date.now() < state.faults.unavailableUntil) {
    res.setHeader('Retry-After', String(state.faults.retryAfterSeconds));
    return send(res, 503, { message: 'circuit breaker open' });
  }
  if (url.pathname === '/api/v1/orderTypes' && req.method === 'GET') return send(res, 200, ORDER_TYPES);
  if (url.pathname === '/api/v1/statuses' && req.method === 'GET') return send(res, 200, STATUSES);
  if (url.pathname === '/api/v1/orders' && req.method === 'GET') return listOrders(state, url, res);
  if (url.pathname === '/api/v1/orders' && req.method === 'POST') return postOrders(state, body, req, res);
  send(res, 404, { message: `no route ${req.method} ${url.pathname}` });
}

async function postOrders(state: OrderServiceStandIn, body: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  state.posts += 1;
  if (state.faults.slowMs > 0) await new Promise((r) => setTimeout(r, state.faults.slowMs));
  if (state.faults.dropBeforeCommit > 0) {
    state.faults.dropBeforeCommit -= 1;
    req.socket.destroy();
    return;
  }
  let batch: unknown;
  try {
    batch = JSON.parse(body);
  } catch {
    return send(res, 400, failure('Request validation failed: malformed JSON'));
  }
  if (!Array.isArray(batch)) return send(res, 400, failure('Request validation failed: expected an array of orders'));
  if (batch.length > MAX_BATCH) return send(res, 413, failure(`Batch size ${batch.length} exceeds maximum allowed size of ${MAX_BATCH}`));
  const results = batch.map((order, requestIndex) => {
    const problem = validate(order) ?? rejected(state, order as Record<string, unknown>);
    if (problem) return { status: 'FAILURE', message: problem, orderDetails: null, orderId: null, requestIndex };
    const stored = store(state, order as Record<string, unknown>);
    return { status: 'SUCCESS', message: 'Order created successfully', orderDetails: stored, orderId: stored.id, requestIndex };
  });
  if (state.faults.dropAfterCommit > 0) {
    state.faults.dropAfterCommit -= 1;
    req.socket.destroy();
    return;
  }
  const failed = results.filter((r) => r.status === 'FAILURE').length;
  const status = failed === 0 ? 'SUCCESS' : failed === results.length ? 'FAILURE' : 'PARTIAL';
  send(res, failed === 0 ? 200 : 207, { status, message: `${results.length - failed} of ${results.length} orders processed successfully`, totalReceived: results.length, successful: results.length - failed, failed, orders: results });
}

function validate(order: unknown): string | null {
  if (order === null || typeof order !== 'object') return 'Order must be an object';
  const o = order as Record<string, unknown>;
  if (typeof o.portfolioId !== 'string' || o.portfolioId.length === 0 || o.portfolioId.length > 24) return 'Portfolio ID is required (at most 24 characters)';
  if (typeof o.securityId !== 'string' || o.securityId.length === 0 || o.securityId.length > 24) return 'Security ID is required (at most 24 characters)';
  if (!ORDER_TYPES.some((t) => t.id === o.orderTypeId)) return `Order type ${String(o.orderTypeId)} not found`;
  if (!STATUSES.some((s) => s.id === o.statusId)) return `Status ${String(o.statusId)} not found`;
  if (typeof o.quantity !== 'number' || !(o.quantity > 0)) return 'Quantity must be positive';
  if (o.limitPrice !== null && o.limitPrice !== undefined && !(typeof o.limitPrice === 'number' && o.limitPrice > 0)) return 'Limit price must be positive';
  if (typeof o.orderTimestamp !== 'string' || Number.isNaN(Date.parse(o.orderTimestamp))) return 'Order timestamp is required (ISO 8601)';
  if (o.version !== 1) return 'Version must be 1';
  return null;
}

function rejected(state: OrderServiceStandIn, o: Record<string, unknown>): string | null {
  return state.faults.reject.includes(`${String(o.portfolioId)}:${String(o.securityId)}`) ? `Portfolio ${String(o.portfolioId)} may not trade ${String(o.securityId)}` : null;
}

function store(state: OrderServiceStandIn, o: Record<string, unknown>): StoredOrder {
  const type = ORDER_TYPES.find((t) => t.id === o.orderTypeId)!;
  const stored: StoredOrder = {
    id: state.orders.length + 1,
    blotter: typeof o.blotterId === 'number' ? { id: o.blotterId } : null,
    status: { id: 1, abbreviation: 'NEW' },
    portfolio: { portfolioId: o.portfolioId as string, name: o.portfolioId as string },
    security: { securityId: o.securityId as string, ticker: null },
    orderType: { id: type.id, abbreviation: type.abbreviation },
    quantity: o.quantity as number,
    limitPrice: (o.limitPrice as number | null | undefined) ?? null,
    orderTimestamp: new Date(o.orderTimestamp as string).toISOString(),
    version: 1,
  };
  state.orders.push(stored);
  return stored;
}

function listOrders(state: OrderServiceStandIn, url: URL, res: ServerResponse): void {
  const limit = Number(url.searchParams.get('limit') ?? 50);
  const offset = Number(url.searchParams.get('offset') ?? 0);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return send(res, 400, { message: 'Limit must be between 1 and 1000' });
  if (!Number.isInteger(offset) || offset < 0) return send(res, 400, { message: 'Offset must be non-negative' });
  const times = url.searchParams.get('orderTimestamp')?.split(',').map((t) => Date.parse(t));
  const names = url.searchParams.get('portfolio.name')?.split(',');
  const matching = state.orders.filter((o) => (!times || times.includes(Date.parse(o.orderTimestamp))) && (!names || names.includes(o.portfolio.name)));
  const content = matching.slice(offset, offset + limit);
  send(res, 200, { content, pagination: { pageSize: limit, offset, totalElements: matching.length, hasNext: offset + limit < matching.length, hasPrevious: offset > 0 } });
}

function failure(message: string) {
  return { status: 'FAILURE', message, totalReceived: 0, successful: 0, failed: 0, orders: [] };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

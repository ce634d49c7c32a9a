/** One order as the Order Service takes it (`OrderPostDTO`). */
export interface OrderPost {
  blotterId: number | null;
  statusId: number;
  portfolioId: string;
  orderTypeId: number;
  securityId: string;
  quantity: number;
  limitPrice: number | null;
  orderTimestamp: string;
  version: 1;
}

/** The answer to one order of a batch. */
export interface OrderResult {
  status: 'SUCCESS' | 'FAILURE';
  message: string | null;
  orderId: number | null;
  requestIndex: number;
}

/**
 * What a batch POST came to. Only `unknown` may have committed orders this side cannot see:
 * the batch must be reconciled before anything of it is sent again.
 */
export type PostOutcome =
  | { kind: 'answered'; results: OrderResult[] }
  /** 400 or 413: nothing was created; resending the same batch would be refused again. */
  | { kind: 'refused'; status: number; message: string }
  /** 503: nothing was created; try again after `retryAfterMs`. */
  | { kind: 'unavailable'; retryAfterMs: number }
  /** Timeout, connection reset, or an unexpected status after the request went out. */
  | { kind: 'unknown'; reason: string };

/** An order found at the Order Service, as reconciliation compares it. */
export interface FoundOrder {
  id: number;
  portfolioId: string;
  securityId: string;
  side: string;
  quantity: number;
}

/** Thrown for reads (lookups, reconciliation) the Order Service did not answer; the job retries later. */
export class OrderServiceUnavailable extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'OrderServiceUnavailable';
  }
}

/** Largest page the Order Service serves. */
const PAGE = 1000;
const DEFAULT_RETRY_AFTER_MS = 1000;

/** A thin client of the GlobeCo Order Service API (`fetch`, one timeout per request). */
export class OrderServiceClient {
  private ids: Promise<{ BUY: number; SELL: number; NEW: number }> | undefined;

  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs: number,
  ) {}

  /** Order type ids of BUY and SELL and the status id of NEW, looked up once by abbreviation. */
  lookupIds(): Promise<{ BUY: number; SELL: number; NEW: number }> {
    this.ids ??= this.loadIds().catch((error: unknown) => {
      this.ids = undefined;
      throw error;
    });
    return this.ids;
  }

  async post(orders: readonly OrderPost[]): Promise<PostOutcome> {
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}/api/v1/orders`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(orders),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      return { kind: 'unknown', reason: reasonOf(error) };
    }
    let body: { message?: string; orders?: OrderResult[] } | null;
    try {
      body = (await res.json()) as typeof body;
    } catch (error) {
      // The answer was cut: whatever it said is lost.
      return res.status === 503 ? { kind: 'unavailable', retryAfterMs: retryAfterMs(res) } : { kind: 'unknown', reason: `status ${res.status}, unreadable body: ${reasonOf(error)}` };
    }
    if (res.status === 503) return { kind: 'unavailable', retryAfterMs: retryAfterMs(res) };
    if (res.status === 400 || res.status === 413) return { kind: 'refused', status: res.status, message: body?.message ?? `status ${res.status}` };
    if ((res.status === 200 || res.status === 207) && Array.isArray(body?.orders)) return { kind: 'answered', results: body.orders };
    return { kind: 'unknown', reason: `unexpected status ${res.status}` };
  }

  /** Every order carrying this exact `orderTimestamp`, page by page. */
  async findByTimestamp(orderTimestamp: string): Promise<FoundOrder[]> {
    const found: FoundOrder[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const page = (await this.getJson(`/api/v1/orders?orderTimestamp=${encodeURIComponent(orderTimestamp)}&limit=${PAGE}&offset=${offset}&sort=id`)) as {
        content: { id: number; portfolio: { portfolioId: string }; security: { securityId: string }; orderType: { abbreviation: string }; quantity: number }[];
        pagination: { hasNext: boolean };
      };
      for (const o of page.content) found.push({ id: o.id, portfolioId: o.portfolio.portfolioId, securityId: o.security.securityId, side: o.orderType.abbreviation, quantity: Number(o.quantity) });
      if (!page.pagination.hasNext) return found;
    }
  }

  private async loadIds(): Promise<{ BUY: number; SELL: number; NEW: number }> {
    const [types, statuses] = (await Promise.all([this.getJson('/api/v1/orderTypes'), this.getJson('/api/v1/statuses')])) as { id: number; abbreviation: string }[][];
    const id = (rows: { id: number; abbreviation: string }[], abbreviation: string) => {
      const row = rows.find((r) => r.abbreviation === abbreviation);
      if (!row) throw new Error(`the Order Service has no ${abbreviation}`);
      return row.id;
    };
    return { BUY: id(types!, 'BUY'), SELL: id(types!, 'SELL'), NEW: id(statuses!, 'NEW') };
  }

  private async getJson(path: string): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${path}`, { signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      throw new OrderServiceUnavailable(`GET ${path}: ${reasonOf(error)}`);
    }
    if (res.status === 503) throw new OrderServiceUnavailable(`GET ${path}: 503`, retryAfterMs(res));
    if (!res.ok) throw new OrderServiceUnavailable(`GET ${path}: status ${res.status}`);
    try {
      return await res.json();
    } catch (error) {
      throw new OrderServiceUnavailable(`GET ${path}: unreadable body: ${reasonOf(error)}`);
    }
  }
}

function retryAfterMs(res: Response): number {
  const header = res.headers.get('retry-after');
  const seconds = header === null ? NaN : Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = header === null ? NaN : Date.parse(header);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : DEFAULT_RETRY_AFTER_MS;
}

function reasonOf(error: unknown): string {
  if (error instanceof Error) return error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message;
  return String(error);
}

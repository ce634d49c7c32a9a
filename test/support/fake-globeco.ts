import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** Portfolio accounting record as the fake serves it. */
export interface FakeSummary {
  cashBalance: string;
  securities: { securityId: string; netQuantity: string }[];
}

/** What the fake holds: accounting summaries, portfolio names, tickers by security id, closes by ticker. */
export interface FakeGlobecoSeed {
  portfolios?: Record<string, FakeSummary>;
  names?: Record<string, string>;
  tickers?: Record<string, string>;
  closes?: Record<string, number | string>;
}

/**
 * A misbehaviour for one path, for the next `times` requests (forever when absent):
 * `slow` answers after `ms`, `status` answers with that HTTP status, `malformed` sends
 * a body that is not JSON, `down` closes the connection without answering.
 */
export type FakeBehaviour = ({ kind: 'slow'; ms: number } | { kind: 'status'; status: number } | { kind: 'malformed' } | { kind: 'down' }) & {
  times?: number;
};

/**
 * The four GlobeCo services on one loopback port: `GET /api/v1/portfolios/{id}/summary`,
 * `GET /api/v1/portfolio/{id}` (portfolio service: name), `GET /api/v1/security/{id}`,
 * `GET /api/v1/price/{ticker}`. Counts requests per path.
 */
export class FakeGlobeco {
  readonly seed: Required<FakeGlobecoSeed>;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly behaviours = new Map<string, FakeBehaviour>();
  private readonly counts = new Map<string, number>();
  private address = '';
  private inFlight = 0;
  /** The most requests the fake was answering at once since the last `reset()`. */
  maxInFlight = 0;

  constructor(seed: FakeGlobecoSeed = {}) {
    this.seed = { portfolios: {}, names: {}, tickers: {}, closes: {}, ...seed };
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.address = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.address;
  }

  get url(): string {
    return this.address;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Sets a misbehaviour for a path (e.g. `/api/v1/price/IBM`), or for every path with `*`. */
  behave(path: string, behaviour: FakeBehaviour | null): void {
    if (behaviour) this.behaviours.set(path, { ...behaviour });
    else this.behaviours.delete(path);
  }

  /** Requests received for a path, or in total with `*`. */
  calls(path = '*'): number {
    if (path !== '*') return this.counts.get(path) ?? 0;
    let total = 0;
    for (const n of this.counts.values()) total += n;
    return total;
  }

  resetCalls(): void {
    this.counts.clear();
  }

  /** Back to normal: no misbehaviours, no counted calls. */
  reset(): void {
    this.behaviours.clear();
    this.counts.clear();
    this.maxInFlight = 0;
  }

  private takeBehaviour(path: string): FakeBehaviour | undefined {
    const key = this.behaviours.has(path) ? path : '*';
    const behaviour = this.behaviours.get(key);
    if (!behaviour) return undefined;
    if (behaviour.times !== undefined) {
      behaviour.times -= 1;
      if (behaviour.times <= 0) this.behaviours.delete(key);
    }
    return behaviour;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    this.counts.set(path, (this.counts.get(path) ?? 0) + 1);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    res.on('close', () => (this.inFlight -= 1));
    const behaviour = this.takeBehaviour(path);
    if (behaviour?.kind === 'down') {
      req.socket.destroy();
      return;
    }
    if (behaviour?.kind === 'slow') await new Promise((resolve) => setTimeout(resolve, behaviour.ms));
    if (res.destroyed) return;
    if (behaviour?.kind === 'status') return send(res, behaviour.status, { detail: `fake ${behaviour.status}` });
    if (behaviour?.kind === 'malformed') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"close": 12.5,');
      return;
    }
    const body = this.lookup(decodeURIComponent(path));
    if (body === undefined) return send(res, 404, { detail: 'not found' });
    send(res, 200, body);
  }

  private lookup(path: string): unknown {
    let m = /^\/api\/v1\/portfolios\/([^/]+)\/summary$/.exec(path);
    if (m?.[1]) {
      const p = this.seed.portfolios[m[1]];
      return p && { portfolioId: m[1], ...p };
    }
    m = /^\/api\/v1\/portfolio\/([^/]+)$/.exec(path);
    if (m?.[1]) {
      const name = this.seed.names[m[1]];
      return name && { portfolioId: m[1], name, dateCreated: '2026-01-02T00:00:00Z', version: 1 };
    }
    m = /^\/api\/v1\/security\/([^/]+)$/.exec(path);
    if (m?.[1]) {
      const ticker = this.seed.tickers[m[1]];
      return ticker && { securityId: m[1], ticker, description: `${ticker} Inc.` };
    }
    m = /^\/api\/v1\/price\/([^/]+)$/.exec(path);
    if (m?.[1]) {
      const close = this.seed.closes[m[1]];
      return close === undefined ? undefined : { ticker: m[1], date: '2026-11-25', open: close, close };
    }
    return undefined;
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

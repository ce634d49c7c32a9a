import { UpstreamUnavailable } from '../../errors/index.js';
import { CircuitBreaker } from './circuit-breaker.js';

/** Retry, timeout and breaker settings for one upstream service. */
export interface UpstreamClientOptions {
  /** Service name used in messages, e.g. `pricing service`. */
  name: string;
  /** Base URL, e.g. `http://globeco-pricing-service:8083`. */
  baseUrl: string;
  /** Per-attempt timeout, milliseconds. @defaultValue 10000 */
  timeoutMs?: number;
  /** Attempts per call, first one included. @defaultValue 3 */
  attempts?: number;
  /**
   * Wait before retry n (1-based): `min(retryBaseMs · 2^(n−1), retryMaxMs)`, i.e. 1 s, 2 s, 4 s.
   * @defaultValue 1000
   */
  retryBaseMs?: number;
  /** @defaultValue 4000 */
  retryMaxMs?: number;
  /** How long the breaker stays open after an outage, milliseconds. @defaultValue 30000 */
  breakerOpenMs?: number;
  /** Injectable for tests. @defaultValue global `fetch` */
  fetch?: typeof fetch;
  /** Injectable for tests. @defaultValue a `setTimeout` promise */
  sleep?: (ms: number) => Promise<void>;
  /** Injectable for tests. @defaultValue `Date.now` */
  now?: () => number;
}

/** Why one attempt failed, and whether another attempt may help. */
type AttemptResult = { ok: true; body: unknown } | { ok: false; retryable: boolean; reason: string };

const NOT_FOUND = Symbol('not-found');

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * GET-and-parse-JSON for one GlobeCo service: a timeout per attempt, retries with backoff on
 * 5xx, timeouts and connection errors (never on 4xx), and a circuit breaker so an outage
 * fails the rest of a run fast.
 */
export class UpstreamClient {
  readonly breaker: CircuitBreaker;
  private readonly o: Required<Omit<UpstreamClientOptions, 'breakerOpenMs'>>;

  constructor(options: UpstreamClientOptions) {
    this.o = {
      name: options.name,
      baseUrl: options.baseUrl.replace(/\/+$/, ''),
      timeoutMs: options.timeoutMs ?? 10_000,
      attempts: options.attempts ?? 3,
      retryBaseMs: options.retryBaseMs ?? 1000,
      retryMaxMs: options.retryMaxMs ?? 4000,
      fetch: options.fetch ?? ((input, init) => fetch(input, init)),
      sleep: options.sleep ?? defaultSleep,
      now: options.now ?? Date.now,
    };
    this.breaker = new CircuitBreaker({ name: options.name, openMs: options.breakerOpenMs, now: this.o.now });
  }

  /**
   * The parsed JSON body at `path`, or null on 404 (the service has no such record).
   * Throws `UpstreamUnavailable` when the service fails, refuses, or is known to be down.
   */
  async getJson(path: string): Promise<unknown> {
    const url = `${this.o.baseUrl}${path}`;
    const attempts = this.breaker.acquire() === 'probe' ? 1 : this.o.attempts;
    let last: AttemptResult = { ok: false, retryable: true, reason: 'no attempt made' };
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      if (attempt > 1) {
        await this.o.sleep(Math.min(this.o.retryBaseMs * 2 ** (attempt - 2), this.o.retryMaxMs));
        // Another caller may have found the outage meanwhile; no point in waiting it out twice.
        this.breaker.check();
      }
      last = await this.attempt(url);
      if (last.ok || !last.retryable) break;
    }
    if (last.ok) {
      this.breaker.succeeded();
      return last.body === NOT_FOUND ? null : last.body;
    }
    if (last.retryable) {
      this.breaker.tripped(last.reason);
      throw new UpstreamUnavailable(`${this.o.name} unavailable: ${last.reason} (GET ${url}, ${attempts} attempt(s))`);
    }
    // The service answered, so it is up; the answer is unusable.
    this.breaker.succeeded();
    throw new UpstreamUnavailable(`${this.o.name} refused GET ${url}: ${last.reason}`);
  }

  private async attempt(url: string): Promise<AttemptResult> {
    let response: Response;
    try {
      response = await this.o.fetch(url, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(this.o.timeoutMs),
      });
    } catch (error) {
      return { ok: false, retryable: true, reason: describeFetchError(error, this.o.timeoutMs) };
    }
    if (response.status === 404) {
      await response.body?.cancel();
      return { ok: true, body: NOT_FOUND };
    }
    if (!response.ok) {
      const reason = `HTTP ${response.status}`;
      await response.body?.cancel();
      return { ok: false, retryable: response.status >= 500, reason };
    }
    try {
      return { ok: true, body: await response.json() };
    } catch (error) {
      // A timeout while reading the body is a slow service, not a malformed one.
      if (isTimeout(error)) return { ok: false, retryable: true, reason: `timed out after ${this.o.timeoutMs} ms` };
      return { ok: false, retryable: false, reason: 'malformed JSON body' };
    }
  }
}

function isTimeout(error: unknown): boolean {
  return error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

function describeFetchError(error: unknown, timeoutMs: number): string {
  if (isTimeout(error)) return `timed out after ${timeoutMs} ms`;
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : undefined;
  const code = cause && 'code' in cause ? String(cause.code) : undefined;
  return `connection failed${code ? ` (${code})` : ''}`;
}

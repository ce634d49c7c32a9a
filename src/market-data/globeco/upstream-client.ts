import {
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  TimeoutStrategy,
  circuitBreaker,
  handleWhen,
  isBrokenCircuitError,
  noJitterGenerator,
  retry,
  timeout,
  wrap,
  type CircuitBreakerPolicy,
  type IPolicy,
} from 'cockatiel';
import { UpstreamUnavailable } from '../../errors/index.js';

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
}

/** One attempt that failed; `retryable` says whether another attempt may help (5xx, timeout, connection). */
class AttemptFailed extends Error {
  constructor(
    readonly reason: string,
    readonly retryable: boolean,
  ) {
    super(reason);
  }
}

const isRetryable = (error: Error) => error instanceof AttemptFailed && error.retryable;

/** The waits between attempts: exponential without jitter, so the schedule is the documented one. */
export function upstreamBackoff(retryBaseMs = 1000, retryMaxMs = 4000): ExponentialBackoff<number> {
  return new ExponentialBackoff({ initialDelay: retryBaseMs, maxDelay: retryMaxMs, exponent: 2, generator: noJitterGenerator });
}

/**
 * GET-and-parse-JSON for one GlobeCo service, with `cockatiel` policies: a timeout per attempt,
 * retries with backoff on 5xx, timeouts and connection errors (never on 4xx), and a circuit
 * breaker around the retried call so an outage costs one call's retries and then fails the
 * rest of a run fast. While the breaker is half-open its probe makes one attempt only, and no
 * call keeps retrying once another call has opened the breaker.
 */
export class UpstreamClient {
  readonly breaker: CircuitBreakerPolicy;
  private readonly policy: IPolicy;
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly openMs: number;
  private readonly fetch: typeof fetch;
  private lastOutage = 'no answer';

  constructor(private readonly options: UpstreamClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.openMs = options.breakerOpenMs ?? 30_000;
    this.fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.breaker = circuitBreaker(handleWhen(isRetryable), { halfOpenAfter: this.openMs, breaker: new ConsecutiveBreaker(1) });
    const retries = retry(
      handleWhen((error) => isRetryable(error) && this.breaker.state === CircuitState.Closed),
      { maxAttempts: (options.attempts ?? 3) - 1, backoff: upstreamBackoff(options.retryBaseMs, options.retryMaxMs) },
    );
    this.policy = wrap(this.breaker, retries, timeout(this.timeoutMs, TimeoutStrategy.Cooperative));
  }

  /**
   * The parsed JSON body at `path`, or null on 404 (the service has no such record).
   * Throws `UpstreamUnavailable` when the service fails, refuses, or is known to be down.
   */
  async getJson(path: string): Promise<unknown> {
    const url = `${this.baseUrl}${path}`;
    try {
      return await this.policy.execute(({ signal }) => this.attempt(url, signal));
    } catch (error) {
      if (isBrokenCircuitError(error)) {
        throw new UpstreamUnavailable(`${this.options.name} unavailable: ${this.lastOutage} (failing fast for up to ${Math.ceil(this.openMs / 1000)} s)`);
      }
      if (!(error instanceof AttemptFailed)) throw error;
      if (!error.retryable) throw new UpstreamUnavailable(`${this.options.name} refused GET ${url}: ${error.reason}`);
      this.lastOutage = error.reason;
      throw new UpstreamUnavailable(`${this.options.name} unavailable: ${error.reason} (GET ${url})`);
    }
  }

  private async attempt(url: string, signal: AbortSignal): Promise<unknown> {
    let response: Response;
    try {
      response = await this.fetch(url, { headers: { accept: 'application/json' }, signal });
    } catch (error) {
      throw new AttemptFailed(signal.aborted ? `timed out after ${this.timeoutMs} ms` : describeFetchError(error), true);
    }
    if (response.status === 404) {
      await response.body?.cancel();
      return null;
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new AttemptFailed(`HTTP ${response.status}`, response.status >= 500);
    }
    try {
      return await response.json();
    } catch {
      // A timeout while reading the body is a slow service, not a malformed one.
      if (signal.aborted) throw new AttemptFailed(`timed out after ${this.timeoutMs} ms`, true);
      throw new AttemptFailed('malformed JSON body', false);
    }
  }
}

function describeFetchError(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : undefined;
  const code = cause && 'code' in cause ? String(cause.code) : undefined;
  return `connection failed${code ? ` (${code})` : ''}`;
}

import { UpstreamUnavailable } from '../../errors/index.js';

/** Options for `CircuitBreaker`. */
export interface CircuitBreakerOptions {
  /** Service name used in messages, e.g. `pricing service`. */
  name: string;
  /** How long the breaker stays open after an outage, milliseconds. @defaultValue 30000 */
  openMs?: number;
  /** Clock, injectable for tests. @defaultValue `Date.now` */
  now?: () => number;
}

type State = { kind: 'closed' } | { kind: 'open'; until: number; reason: string } | { kind: 'probing'; reason: string };

/**
 * Makes an outage cost one call's retries instead of every caller's: once a call has
 * exhausted its retries the breaker opens and every call fails at once with
 * `UpstreamUnavailable`. After `openMs` a single probe goes through (half-open); its
 * success closes the breaker, its failure opens it for another window.
 */
export class CircuitBreaker {
  private state: State = { kind: 'closed' };
  private readonly openMs: number;
  private readonly now: () => number;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.openMs = options.openMs ?? 30_000;
    this.now = options.now ?? Date.now;
  }

  /**
   * Asks to make a call. Returns `'probe'` when this call is the half-open probe (make one
   * attempt only), `'normal'` otherwise; throws when the breaker is open.
   */
  acquire(): 'normal' | 'probe' {
    const s = this.state;
    if (s.kind === 'closed') return 'normal';
    if (s.kind === 'open' && this.now() >= s.until) {
      this.state = { kind: 'probing', reason: s.reason };
      return 'probe';
    }
    throw this.unavailable(s.reason);
  }

  /** Throws when the breaker opened since the caller acquired it (checked between retries). */
  check(): void {
    const s = this.state;
    if (s.kind === 'open' && this.now() < s.until) throw this.unavailable(s.reason);
  }

  /** The upstream answered (a 4xx counts: the service is up). */
  succeeded(): void {
    this.state = { kind: 'closed' };
  }

  /** A call exhausted its retries, or the probe failed. */
  tripped(reason: string): void {
    this.state = { kind: 'open', until: this.now() + this.openMs, reason };
  }

  get isOpen(): boolean {
    return this.state.kind !== 'closed';
  }

  private unavailable(reason: string): UpstreamUnavailable {
    return new UpstreamUnavailable(`${this.options.name} unavailable: ${reason} (failing fast for up to ${Math.ceil(this.openMs / 1000)} s)`);
  }
}

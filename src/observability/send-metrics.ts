import { Counter, Gauge, type Registry } from 'prom-client';
import { METRIC_NAMES } from './metrics.js';

/** Sending orders to the Order Service, on the worker's registry. */
export interface SendMetrics {
  /** After a batch's outcome is stored (once per batch). */
  recordOutcome(sent: number, rejected: number): void;
  /** Orders entering (+n) or leaving (−n) a POST that has not answered yet. */
  inFlight(delta: number): void;
}

/**
 * `oldestPendingSeconds` is read at scrape time: the age of the oldest send job not yet finished
 * (waiting, delayed or active), 0 when there is none.
 */
export function createSendMetrics(registry: Registry, oldestPendingSeconds: () => Promise<number>): SendMetrics {
  const sent = new Counter({ name: METRIC_NAMES.ordersSent, help: 'Orders the Order Service accepted (answered or found by reconciliation).', registers: [registry] });
  const rejected = new Counter({ name: METRIC_NAMES.ordersRejected, help: 'Orders the Order Service refused, with a message stored in the outbox.', registers: [registry] });
  const inFlight = new Gauge({ name: METRIC_NAMES.ordersInFlight, help: 'Orders in POSTs to the Order Service not answered yet (this process).', registers: [registry] });
  new Gauge({
    name: METRIC_NAMES.outboxOldestPending,
    help: 'Age in seconds of the oldest unfinished send job.',
    registers: [registry],
    async collect() {
      this.set(await oldestPendingSeconds().catch(() => 0));
    },
  });
  return {
    recordOutcome(s, r) {
      sent.inc(s);
      rejected.inc(r);
    },
    inFlight: (delta) => inFlight.inc(delta),
  };
}

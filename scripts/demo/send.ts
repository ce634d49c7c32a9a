/**
 * `npm run demo -- --send`: the Order Service stand-in as its own process, and a follower that
 * waits until the run's orders are all acknowledged (or rejected) by it.
 */
import { apiCall, type ApiTarget } from '../../src/cli/runs-client.js';
import { freePort, httpOk, startProcess, waitFor, type Started } from './processes.js';

interface SendStatus {
  state: 'not_planned' | 'sending' | 'done';
  batches: number;
  orders: { total: number; pending: number; in_flight: number; sent: number; rejected: number };
}

/** Starts the stand-in on a free loopback port; its URL is what the API and workers send to. */
export async function startOrderServiceStandIn(started: Started[]): Promise<string> {
  const port = await freePort();
  const standIn = startProcess('order-service', process.execPath, ['--import', 'tsx', 'scripts/order-service-stand-in.ts', '--port', String(port)]);
  started.push(standIn);
  const url = `http://127.0.0.1:${port}`;
  await waitFor('the Order Service stand-in', () => httpOk(`${url}/api/v1/orderTypes`), 30_000, standIn);
  return url;
}

/** Polls the run's send status until every order is sent or rejected; returns the summary lines. */
export async function followSending(target: ApiTarget, runId: string, say: (text: string) => void, timeoutMs = 600_000): Promise<string> {
  const t0 = Date.now();
  let last = '';
  for (;;) {
    const status = await apiCall<SendStatus>(target, 'GET', `/api/v1/runs/${runId}/sending`);
    const o = status.orders;
    const line = `  sending: ${status.state}, ${o.sent} of ${o.total} orders acknowledged, ${o.rejected} rejected, ${o.in_flight} in flight`;
    if (line !== last) say(line);
    last = line;
    const seconds = ((Date.now() - t0) / 1000).toFixed(1);
    if (status.state === 'done') {
      return `  orders sent  ${o.sent} of ${o.total} acknowledged by the Order Service stand-in (${o.rejected} rejected) in ${status.batches} batches, ${seconds} s after the run ended\n`;
    }
    if (Date.now() - t0 > timeoutMs) return `  orders sent  ${o.sent} of ${o.total} after ${seconds} s (still ${status.state}; see /api/v1/runs/${runId}/sending)\n`;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

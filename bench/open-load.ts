import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

const CLIENTS = 1_000;
let client = 0;

/**
 * The next of 1,000 client addresses, for `X-Forwarded-For`: behind the Ingress the per-IP rate
 * limit (50/s) sees many portfolio managers, not one loopback client, so it is not what a
 * benchmark measures.
 */
export function nextClientAddress(): string {
  client = (client + 1) % CLIENTS;
  return `10.${(client >> 8) & 255}.${client & 255}.7`;
}

/** One request of an open-model load. */
export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface OpenLoadOptions {
  /** Base URL, e.g. http://127.0.0.1:8080 (loopback only). */
  url: string;
  /** Arrivals per second, evenly spaced. */
  rate: number;
  seconds: number;
  /** Delay of the first arrival, to interleave several loads. @defaultValue 0 */
  offsetMs?: number;
  timeoutMs: number;
  next(i: number): LoadRequest;
}

export interface LoadSummary {
  sent: number;
  /** Latency percentiles in milliseconds, of every answered request. */
  p50: number;
  p99: number;
  max: number;
  /** Connection errors and timeouts. */
  errors: number;
  statuses: Record<string, number>;
}

/**
 * Open-model load: request `i` is due at `i / rate` seconds and is sent then, however many
 * earlier ones are still waiting, and its latency is measured from when it was due. A closed
 * loop (a fixed set of connections, each waiting for its answer before the next request, as
 * autocannon's rate limit does) sends less when the server slows down and so hides the queueing
 * a real client population would see (coordinated omission); paced connections that fire
 * together also turn a steady rate into bursts (measured here: 20 connections at 200 req/s gave
 * p99 49 ms against an idle server whose p99 is 6 ms with the same rate spread out).
 */
export async function openLoad(options: OpenLoadOptions): Promise<LoadSummary> {
  const base = new URL(options.url);
  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  const total = Math.round(options.rate * options.seconds);
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  const inFlight: Promise<void>[] = [];
  const start = performance.now() + (options.offsetMs ?? 0);
  for (let i = 0; i < total; i += 1) {
    const due = start + (i * 1_000) / options.rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const spec = options.next(i);
    inFlight.push(
      send(agent, base, spec, options.timeoutMs).then(
        (status) => {
          latencies.push(performance.now() - due);
          statuses[status] = (statuses[status] ?? 0) + 1;
        },
        () => void (errors += 1),
      ),
    );
  }
  await Promise.all(inFlight);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN);
  return { sent: total, p50: at(0.5), p99: at(0.99), max: round(latencies.at(-1) ?? Number.NaN), errors, statuses };
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

function send(agent: Agent, base: URL, spec: LoadRequest, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { agent, host: base.hostname, port: base.port, method: spec.method, path: spec.path, headers: spec.headers, timeout: timeoutMs },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(spec.body);
  });
}

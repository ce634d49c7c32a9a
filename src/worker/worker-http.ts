import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { HEALTH_PATHS, METRICS_PATH } from '../api/health/paths.js';

/** A named readiness check: resolves when the dependency answers. */
export type ProbeCheck = () => Promise<unknown>;

const CHECK_TIMEOUT_MS = 800;

async function failing(checks: Record<string, ProbeCheck>): Promise<string[]> {
  const names = Object.keys(checks);
  const outcomes = await Promise.all(
    names.map(async (name) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_r, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), CHECK_TIMEOUT_MS);
      });
      try {
        await Promise.race([checks[name]!(), timeout]);
        return null;
      } catch {
        return name;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return outcomes.filter((n): n is string => n !== null);
}

/**
 * The worker's probe and metrics port: `/health/live`, `/health/ready` (Redis and MongoDB
 * reachable, 503 naming what is not) and `/metrics` from the given registry.
 */
export async function startWorkerHttp(port: number, host: string, checks: Record<string, ProbeCheck>, registry: Registry): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, body: string, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    if (req.method !== 'GET') return send(405, JSON.stringify({ detail: 'method not allowed' }));
    if (path === HEALTH_PATHS.live) return send(200, JSON.stringify({ status: 'ok' }));
    if (path === HEALTH_PATHS.ready) {
      void failing(checks).then((down) =>
        down.length === 0
          ? send(200, JSON.stringify({ status: 'ok' }))
          : send(503, JSON.stringify({ status: 'unavailable', detail: `not reachable: ${down.join(', ')}` })),
      );
      return;
    }
    if (path === METRICS_PATH) {
      void registry.metrics().then((text) => send(200, text, registry.contentType));
      return;
    }
    send(404, JSON.stringify({ detail: `no route for GET ${path}` }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}

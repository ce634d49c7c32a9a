import { z } from 'zod';
import { HEALTH_PATHS } from '../health/paths.js';
import type { ReadinessCheck } from '../services.js';
import { defineRoute } from './route.js';

/** A probe must answer well inside the kubelet's 1 s default timeout. */
const CHECK_TIMEOUT_MS = 800;

async function probe(check: ReadinessCheck): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
  }
}

const status = z.object({ status: z.string() }).meta({ id: 'ProbeStatus' });

/**
 * Minimal probes. The operations helper's `/health/*` router replaces these when mounted
 * through `createApp({ routers })`, which sits in front of the route table.
 */
export const healthRoutes = [
  defineRoute({
    method: 'get',
    path: HEALTH_PATHS.live,
    mutates: false,
    access: 'public',
    summary: 'Liveness: the process is up',
    tags: ['health'],
    responses: { 200: { description: 'Up', schema: status } },
    async handler() {
      return { body: { status: 'ok' } };
    },
  }),
  defineRoute({
    method: 'get',
    path: HEALTH_PATHS.ready,
    mutates: false,
    access: 'public',
    summary: 'Readiness: MongoDB and Redis answer',
    tags: ['health'],
    responses: { 200: { description: 'Ready', schema: status }, 503: { description: 'A dependency is down; `detail` names it' } },
    async handler(_input, services) {
      const names = Object.keys(services.readiness);
      const errors = await Promise.all(names.map((name) => probe(services.readiness[name]!)));
      const down = names.flatMap((name, i) => (errors[i] === undefined ? [] : [`${name}: ${errors[i]}`]));
      if (down.length === 0) return { body: { status: 'ready' } };
      return { status: 503, body: { status: 'unavailable', detail: down.join('; '), code: 'UPSTREAM_UNAVAILABLE' } };
    },
  }),
];

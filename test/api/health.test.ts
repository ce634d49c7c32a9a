import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import express from 'express';
import request from 'supertest';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { KubeConfig } from '@kubernetes/client-node';
import { createHealthRouter, type HealthDeps } from '../../src/api/health/health-router.js';
import { httpReachable, mongoPing, redisWritable } from '../../src/api/health/checks.js';
import { createFleetReader } from '../../src/api/health/fleet.js';
import { healthDepsFromConfig } from '../../src/api/health/from-config.js';
import { loadConfig } from '../../src/config/config.js';
import { createTestDatabase, type TestDatabase } from '../support/mongo.js';
import { redisUrl, uniqueQueuePrefix } from '../support/redis.js';

/**
 * @kubernetes/client-node 2.x pulls in undici 8, which needs Node ≥ 22.19 (zlib zstd); on
 * Node 20 it loads only with the undici 7 override in package.json. The stub-API tests need
 * the real client, so they are skipped (not failed) on an install without the override;
 * the degradation test runs either way.
 */
const k8s = await import('@kubernetes/client-node').catch(() => undefined);
const withK8sClient = k8s ? it : it.skip;

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

function appWith(deps: HealthDeps): express.Express {
  const app = express();
  app.use(createHealthRouter(deps));
  return app;
}

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const deployment = { spec: { replicas: 4 }, status: { readyReplicas: 3, availableReplicas: 3 } };
const hpa = {
  spec: {
    minReplicas: 2,
    maxReplicas: 20,
    metrics: [{ type: 'External', external: { metric: { name: 'ogs_queue_backlog' }, target: { type: 'AverageValue', averageValue: '5' } } }],
  },
  status: {
    currentReplicas: 3,
    desiredReplicas: 4,
    currentMetrics: [{ type: 'External', external: { metric: { name: 'ogs_queue_backlog' }, current: { averageValue: '12' } } }],
    conditions: [{ type: 'ScalingActive', status: 'True', reason: 'ValidMetricFound' }],
  },
};

describe('health endpoints', () => {
  let t: TestDatabase;
  let redis: Redis;
  let deadRedis: Redis;
  let queue: Queue;
  let kube: { server: Server; url: string };
  let upstream: { server: Server; url: string };

  beforeAll(async () => {
    t = await createTestDatabase('health');
    redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
    deadRedis = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    queue = new Queue('rebalance', { connection: { url: redisUrl }, prefix: uniqueQueuePrefix('health') });
    await queue.addBulk([{ name: 'chunk', data: {} }, { name: 'chunk', data: {} }]);
    await queue.add('chunk', {}, { delay: 60_000 });
    kube = await listen((req, res) => {
      res.setHeader('Content-Type', 'application/json');
      if (req.url?.startsWith('/apis/apps/v1/namespaces/globeco/deployments/ogs-worker')) {
        res.end(JSON.stringify(deployment));
      } else if (req.url?.startsWith('/apis/autoscaling/v2/namespaces/globeco/horizontalpodautoscalers/ogs-worker-hpa')) {
        res.end(JSON.stringify(hpa));
      } else {
        res.statusCode = 403;
        res.end(JSON.stringify({ kind: 'Status', status: 'Failure', message: 'forbidden', reason: 'Forbidden', code: 403 }));
      }
    });
    upstream = await listen((_req, res) => {
      res.statusCode = 404;
      res.end();
    });
  });

  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    redis.disconnect();
    deadRedis.disconnect();
    for (const s of [kube.server, upstream.server]) {
      s.closeAllConnections();
      s.close();
    }
    await t.drop();
  });

  const base = (): HealthDeps => ({ mongodb: mongoPing(t.db), redis: redisWritable(redis, `${uniqueQueuePrefix("health")}:ready-probe`), queue });

  function kubeConfig(): KubeConfig {
    if (!k8s) throw new Error('client not loadable');
    const kc = new k8s.KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'test', server: kube.url, skipTLSVerify: true }],
      users: [{ name: 'test', token: 'token' }],
      contexts: [{ name: 'test', cluster: 'test', user: 'test' }],
      currentContext: 'test',
    });
    return kc;
  }

  it('when the process is up, then /health/live answers 200 ok', async () => {
    const res = await request(appWith(base())).get('/health/live');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('when MongoDB and Redis answer, then /health/ready is 200 with their latencies', async () => {
    const res = await request(appWith(base())).get('/health/ready');
    expect(res.status).toBe(200);
    expect(res.body.dependencies.mongodb.status).toBe('up');
    expect(res.body.dependencies.redis.status).toBe('up');
    expect(typeof res.body.dependencies.redis.latency_ms).toBe('number');
  });

  it('when Redis is unreachable, then /health/ready is 503 naming redis within the check timeout', async () => {
    const started = Date.now();
    const res = await request(appWith({ ...base(), redis: redisWritable(deadRedis, 'never-written'), timeoutMs: 500 })).get('/health/ready');
    expect(res.status).toBe(503);
    expect(res.body.detail).toMatch(/^not ready: redis \(.+\)$/);
    expect(res.body.dependencies.mongodb.status).toBe('up');
    // A check without its timeout would hang until the test's own; 3 s leaves room for load.
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('when Redis answers PING but refuses writes (OOM), then /health/ready is 503 naming the cause', async () => {
    const full = { set: async () => Promise.reject(new Error("OOM command not allowed when used memory > 'maxmemory'.")) };
    const res = await request(appWith({ ...base(), redis: redisWritable(full, 'k') })).get('/health/ready');
    expect(res.status).toBe(503);
    expect(res.body.detail).toMatch(/^not ready: redis \(Redis is out of memory .* refuses writes \(Redis said: OOM command not allowed/);
  });

  it('when a check hangs, then it is reported down after the timeout rather than blocking the probe', async () => {
    const hang = () => new Promise(() => undefined);
    const res = await request(appWith({ ...base(), mongodb: hang, timeoutMs: 200 })).get('/health/ready');
    expect(res.status).toBe(503);
    expect(res.body.dependencies.mongodb.error).toBe('no answer within 200 ms');
  });

  it('when all is well outside Kubernetes, then /health/health reports version, uptime, queue counts and no fleet', async () => {
    const res = await request(appWith({ ...base(), solverPool: () => ({ size: 2, busy: 0, queued: 0, restarts: 0 }) })).get('/health/health');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('healthy');
    expect(res.body.version).toBe(pkg.version);
    expect(res.body.uptime_seconds).toBeGreaterThanOrEqual(0);
    expect(res.body.queue.name).toBe('rebalance');
    expect(res.body.queue.counts).toEqual({ waiting: 2, prioritized: 0, active: 0, delayed: 1, failed: 0 });
    expect(res.body.solver_pool).toEqual({ size: 2, busy: 0, queued: 0, restarts: 0 });
    expect(res.body.kubernetes).toBe('not in Kubernetes');
  });

  it('when MongoDB is down, then /health/health is 503 and unhealthy', async () => {
    const down = () => Promise.reject(new Error('connection refused'));
    const res = await request(appWith({ ...base(), mongodb: down })).get('/health/health');
    expect(res.status).toBe(503);
    expect(res.body.status).toBe('unhealthy');
    expect(res.body.dependencies.mongodb).toMatchObject({ status: 'down', error: 'connection refused' });
  });

  it('when an upstream GlobeCo service is unreachable, then the report is degraded but 200', async () => {
    const deps = { ...base(), upstream: { pricing: httpReachable(upstream.url), security: httpReachable('http://127.0.0.1:1/') } };
    const res = await request(appWith(deps)).get('/health/health');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('degraded');
    expect(res.body.dependencies.upstream.pricing.status).toBe('up');
    expect(res.body.dependencies.upstream.security.status).toBe('down');
  });

  withK8sClient('when running in Kubernetes, then the worker Deployment and HPA status are reported', async () => {
    const fleet = await createFleetReader({ namespace: 'globeco', deploymentName: 'ogs-worker', hpaName: 'ogs-worker-hpa', kubeConfig: kubeConfig() });
    const res = await request(appWith({ ...base(), fleet })).get('/health/health');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('healthy');
    expect(res.body.kubernetes).toEqual({
      namespace: 'globeco',
      worker_deployment: { name: 'ogs-worker', desired_replicas: 4, ready_replicas: 3, available_replicas: 3 },
      worker_hpa: {
        name: 'ogs-worker-hpa',
        min_replicas: 2,
        max_replicas: 20,
        current_replicas: 3,
        desired_replicas: 4,
        metrics: [{ name: 'ogs_queue_backlog', current: '12', target: '5' }],
        conditions: [{ type: 'ScalingActive', status: 'True', reason: 'ValidMetricFound' }],
      },
    });
  });

  withK8sClient('when the Kubernetes API refuses a read, then that entry carries the error and the page is not a 500', async () => {
    const fleet = await createFleetReader({ namespace: 'globeco', deploymentName: 'ogs-worker', hpaName: 'missing-hpa', kubeConfig: kubeConfig() });
    const res = await request(appWith({ ...base(), fleet })).get('/health/health');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('degraded');
    expect(res.body.kubernetes.worker_deployment.ready_replicas).toBe(3);
    expect(res.body.kubernetes.worker_hpa.name).toBe('missing-hpa');
    expect(res.body.kubernetes.worker_hpa.error).toMatch(/403/);
  });

  it('when in Kubernetes but the API cannot be reached from this pod, then the fleet entry carries errors and the page is still answered', async () => {
    const config = loadConfig({ KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: '1' });
    const deps = await healthDepsFromConfig(config, { db: t.db, redis, queue });
    const res = await request(appWith(deps)).get('/health/health');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('degraded');
    expect(JSON.stringify(res.body.kubernetes)).toContain('error');
  });
});

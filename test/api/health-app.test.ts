import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Express } from 'express';
import request from 'supertest';
import { Redis } from 'ioredis';
import { createApp } from '../../src/api/app.js';
import { createOperations, type Operations } from '../../src/api/admin/operations.js';
import { buildServices } from '../../src/api/services.js';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/observability/logger.js';
import { createTestDatabase, type TestDatabase } from '../support/mongo.js';
import { redisUrl, uniqueQueuePrefix } from '../support/redis.js';

/** The operations surfaces mounted on the real app, as `src/api/main.ts` wires them. */
describe('operations on the real app', () => {
  let t: TestDatabase;
  let redis: Redis;
  let ops: Operations;
  let app: Express;

  beforeAll(async () => {
    t = await createTestDatabase('health_app');
    redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
    const config = loadConfig({ MONGODB_URL: t.url, DATABASE_NAME: t.name, QUEUE_PREFIX: uniqueQueuePrefix('health-app'), ADMIN_API_KEYS: 'admin-key', LOG_LEVEL: 'silent' });
    const logger = createLogger('silent', 'test');
    const services = buildServices({ config, db: t.db, redis, logger, onClose: () => undefined });
    ops = await createOperations(config, { db: t.db, redis, logger });
    app = createApp({ services, logger, config, middleware: ops.middleware, routers: ops.routers });
  });

  afterAll(async () => {
    await ops.close();
    redis.disconnect();
    await t.drop();
  });

  it('when /health/health is asked, then the full report answers in front of the minimal probes', async () => {
    const res = await request(app).get('/health/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'healthy', kubernetes: 'not in Kubernetes', queue: { name: 'rebalance' } });
    expect(res.body.dependencies.mongodb.status).toBe('up');
    const ready = await request(app).get('/health/ready');
    expect(ready.body.dependencies.redis.status).toBe('up');
  });

  it('when API routes are called, then /metrics labels them by route pattern and exports the queue depth', async () => {
    await request(app).get('/api/v1/model/0123456789abcdef01234567').set('X-API-Key', 'admin-key');
    const res = await request(app).get('/metrics');
    expect(res.text).toMatch(/ogs_http_request_duration_seconds_count\{[^}]*route="\/api\/v1\/model\/:model_id"[^}]*status="404"[^}]*\} 1/);
    expect(res.text).toMatch(/ogs_queue_jobs\{queue="rebalance",state="waiting",process="api"\} 0/);
  });

  it('when the dashboard and the queue board are opened, then both want a key, and the dashboard serves its page with one', async () => {
    const anonymous = await request(app).get('/dashboard/').set('Accept', 'text/html');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.location).toBe('/dashboard/login');
    const page = await request(app).get('/dashboard/').set('X-API-Key', 'admin-key');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<script type="module" src="js/app.js">');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    const board = await request(app).get('/admin/queues/api/queues');
    expect(board.status).toBe(401);
    const admin = await request(app).get('/admin/queues/api/queues').set('X-API-Key', 'admin-key');
    expect(admin.status).toBe(200);
    expect(admin.body.queues[0].readOnlyMode).toBe(false);
  });
});

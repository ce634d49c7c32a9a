import { randomBytes } from 'node:crypto';
import type { Express } from 'express';
import { Redis } from 'ioredis';
import { createApp } from '../../src/api/app.js';
import { buildServices, type ApiServices } from '../../src/api/services.js';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/observability/logger.js';
import { ensureIndexes } from '../../src/store/indexes.js';
import { createTestDatabase, type TestDatabase } from '../support/mongo.js';
import { redisUrl } from '../support/redis.js';

/** A real app on a fresh database, for supertest. */
export interface TestApi {
  app: Express;
  services: ApiServices;
  database: TestDatabase;
  /** Builds another app on the same database with other settings (e.g. API keys). */
  appWith(env: Record<string, string>): Express;
  close(): Promise<void>;
}

export async function createTestApi(label: string, env: Record<string, string> = {}): Promise<TestApi> {
  const database = await createTestDatabase(label);
  await ensureIndexes(database.db);
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const logger = createLogger('silent', 'test');
  const build = (extra: Record<string, string>) => {
    const config = loadConfig({ NODE_ENV: 'test', ...env, ...extra });
    const services = buildServices({ config, db: database.db, redis, logger, onClose: () => undefined });
    return { app: createApp({ services, logger, config }), services };
  };
  const { app, services } = build({});
  return {
    app,
    services,
    database,
    appWith: (extra) => build(extra).app,
    async close() {
      await redis.quit();
      await database.drop();
    },
  };
}

/** A 24-character security id, unique per call. */
export function securityId(): string {
  return randomBytes(12).toString('hex');
}

export function position(target: string | number, overrides: Record<string, unknown> = {}) {
  return { security_id: securityId(), target, high_drift: '0.02', low_drift: '0.02', ...overrides };
}

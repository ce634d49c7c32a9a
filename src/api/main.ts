import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { Redis } from 'ioredis';
import { loadConfig, type Config } from '../config/config.js';
import { createLogger, type Logger } from '../observability/logger.js';
import { ensureIndexes } from '../store/indexes.js';
import { connectMongo } from '../store/mongo.js';
import { createOperations } from './admin/operations.js';
import { createApp } from './app.js';
import type { RateLimitOptions } from './http/rate-limit.js';
import { buildServices, type ApiServices } from './services.js';
import { isMainModule, runAsMain } from '../process/run-as-main.js';

/** A running API. */
export interface RunningApi {
  /** The bound port (the real one when `PORT=0`). */
  port: number;
  config: Config;
  services: ApiServices;
  app: Express;
  logger: Logger;
}

/** Environment overrides, e.g. `{ PORT: '0', DATABASE_NAME: 't_x', API_KEYS: 'k1' }`, merged over `process.env`. */
export type StartOverrides = Partial<Record<keyof Config, string>>;

let running: { api: RunningApi; server: Server; closers: (() => Promise<void>)[] } | undefined;

/**
 * The composition root: reads config, connects MongoDB and Redis, ensures indexes, builds
 * the services and the app, and listens on `PORT`. One API per process.
 */
export async function start(overrides: StartOverrides = {}): Promise<RunningApi> {
  if (running) throw new Error('the API is already started in this process');
  const config = loadConfig({ ...process.env, ...overrides });
  const logger = createLogger(config.LOG_LEVEL, 'api');
  const closers: (() => Promise<void>)[] = [];
  try {
    const mongo = await connectMongo({ url: config.MONGODB_URL, dbName: config.DATABASE_NAME, poolSize: config.CONNECTION_POOL_SIZE, logger });
    closers.push(() => mongo.close());
    await ensureIndexes(mongo.db);
    // maxRetriesPerRequest: null keeps the connection usable by BullMQ; readiness times out on its own.
    const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null, lazyConnect: true });
    closers.push(async () => void (await redis.quit().catch(() => redis.disconnect())));
    redis.on('error', (error) => logger.warn({ err: error }, 'redis connection error'));
    redis.connect().catch(() => undefined);
    const featureClosers: (() => Promise<void>)[] = [];
    const services = buildServices({ config, db: mongo.db, redis, logger, onClose: (close) => featureClosers.push(close) });
    closers.push(async () => {
      for (const close of featureClosers.reverse()) await close();
    });
    const ops = await createOperations(config, { db: mongo.db, redis, logger, queue: services.pipeline.queue });
    closers.push(() => ops.close());
    const app = createApp({ services, logger, config, corsOrigins: config.CORS_ORIGINS,
      rateLimit: rateLimitFrom(config, redis),
      middleware: ops.middleware, routers: ops.routers });
    const server = await listen(app, config.PORT);
    const port = (server.address() as AddressInfo).port;
    const api = { port, config, services, app, logger };
    running = { api, server, closers };
    logger.info({ port }, 'API listening');
    return api;
  } catch (error) {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    throw error;
  }
}

function listen(app: Express, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, (error?: Error) => (error ? reject(error) : resolve(server)));
  });
}

/** Stops accepting connections, lets in-flight requests finish, then closes clients. Idempotent. */
export async function stop(): Promise<void> {
  if (!running) return;
  const { server, closers, api } = running;
  running = undefined;
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
  for (const close of closers.reverse()) await close();
  api.logger.info('API stopped');
}

if (isMainModule(import.meta.url)) runAsMain('API', () => start(), stop);

/** The API rate limit from config, counted in Redis across replicas; 0 per second turns it off. */
function rateLimitFrom(config: Config, redis: Redis): RateLimitOptions | false {
  if (config.API_RATE_LIMIT_PER_SECOND === 0) return false;
  return { ratePerSecond: config.API_RATE_LIMIT_PER_SECOND, burst: config.API_RATE_LIMIT_BURST, redis, keyPrefix: config.QUEUE_PREFIX };
}

import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import type { Db } from 'mongodb';
import { createApp, type AppDeps } from '../../../src/api/app.js';
import { buildServices, type ApiServices } from '../../../src/api/services.js';
import { loadConfig, type Config } from '../../../src/config/config.js';
import { createLogger } from '../../../src/observability/logger.js';
import { ensureIndexes } from '../../../src/store/indexes.js';
import { createTestDatabase, type TestDatabase } from '../../support/mongo.js';
import { redisUrl, uniqueQueuePrefix } from '../../support/redis.js';

/** A real app listening on a loopback port, on a fresh database and queue prefix. */
export interface LiveApi {
  port: number;
  config: Config;
  services: ApiServices;
  database: TestDatabase;
  redis: Redis;
  close(): Promise<void>;
}

export async function startLiveApi(
  label: string,
  env: Record<string, string> = {},
  deps: Partial<Pick<AppDeps, 'rateLimit' | 'routes' | 'routers'>> = {},
): Promise<LiveApi> {
  const database = await createTestDatabase(label);
  await ensureIndexes(database.db);
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null, connectionName: `hostile-${label}` });
  const queuePrefix = uniqueQueuePrefix(label);
  const config = loadConfig({ NODE_ENV: 'test', QUEUE_PREFIX: queuePrefix, V1_REBALANCE_WAIT_SECONDS: '0', ...env });
  const closers: (() => Promise<void>)[] = [];
  const services = buildServices({ config, db: database.db, redis, logger: createLogger('silent', 'test'), onClose: (c) => closers.push(c) });
  const app = createApp({ services, logger: createLogger('silent', 'test'), config, ...deps });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    port: (server.address() as AddressInfo).port,
    config,
    services,
    database,
    redis,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      for (const close of closers.reverse()) await close();
      await deleteKeys(redis, `${queuePrefix}*`);
      await redis.quit();
      await database.drop();
    },
  };
}

/** Only this test's own queue keys; other helpers share this Redis. */
async function deleteKeys(redis: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** Raw HTTP so that paths, headers and bodies reach the server exactly as written. */
export function send(
  port: number,
  method: string,
  path: string,
  options: { body?: string; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const length = options.body === undefined ? {} : { 'Content-Length': String(Buffer.byteLength(options.body)) };
    const req = httpRequest(
      { host: '127.0.0.1', port, method: method.toUpperCase(), path, headers: { ...options.headers, ...length, Connection: 'close' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.setTimeout(options.timeoutMs ?? 15_000, () => req.destroy(new Error(`no answer within ${options.timeoutMs ?? 15_000} ms`)));
    // The server may answer (413, 429) and close before reading a large body; the answer still counts.
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/** Document counts of every collection. */
export async function collectionCounts(db: Db): Promise<Record<string, number>> {
  const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();
  const counts: Record<string, number> = {};
  for (const name of names) counts[name] = await db.collection(name).countDocuments();
  return counts;
}

const FORBIDDEN_KEY = (key: string) => key.startsWith('$') || key.includes('.') || key === '__proto__' || key === 'polluted';

/** Paths of stored keys that no request should ever have been able to write. */
export async function forbiddenKeys(db: Db): Promise<string[]> {
  const found: string[] = [];
  const visit = (value: unknown, path: string) => {
    if (!value || typeof value !== 'object' || value instanceof Date) return;
    if (value.constructor?.name === 'ObjectId' || value.constructor?.name === 'Decimal128') return;
    for (const key of Object.getOwnPropertyNames(value)) {
      if (FORBIDDEN_KEY(key)) found.push(`${path}.${key}`);
      visit((value as Record<string, unknown>)[key], `${path}.${key}`);
    }
  };
  for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
    for await (const doc of db.collection(name).find({})) visit(doc, `${name}[${String(doc._id)}]`);
  }
  return found;
}

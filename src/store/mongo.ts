/*
 * READ BEFORE DESIGNING A WRITE PATH: FerretDB v1 (the MongoDB-protocol server of tests and
 * local runs) does NOT apply single-document updates atomically under concurrency. Measured
 * with 6 clients: `$inc` loses increments (40/40 trials), and `updateOne({_id, version})` /
 * `findOneAndUpdate` can let two writers win. The one primitive that IS atomic there is an
 * insert on a unique key (exactly one winner, 40/40). So: never keep counters with `$inc`;
 * record each unit of work as a uniquely keyed document (e.g. one per finished chunk) and
 * derive counts with countDocuments / a $match+$group sum. See model-write-claims.ts.
 */
import { MongoClient, type Db } from 'mongodb';
import type { Logger } from '../observability/logger.js';

/** Options for {@link connectMongo}. */
export interface MongoOptions {
  /** Connection string, e.g. `mongodb://127.0.0.1:27017/`. */
  url: string;
  /** Database to use (config `DATABASE_NAME`). */
  dbName: string;
  /** Driver pool size per process (config `CONNECTION_POOL_SIZE`). @defaultValue 20 */
  poolSize?: number;
  /** Where connection events are logged. */
  logger?: Logger;
  /** How long an operation waits for a usable server before failing. @defaultValue 5000 */
  serverSelectionTimeoutMS?: number;
}

/** An open connection; `close()` is idempotent. */
export interface MongoConnection {
  client: MongoClient;
  db: Db;
  close(): Promise<void>;
}

/**
 * Opens a connection and proves it with a ping, so a wrong URL fails at start-up.
 *
 * Retryable writes stay on (the driver default): FerretDB v1 accepts them on a
 * standalone server because the driver only sends a txnNumber to replica sets.
 */
export async function connectMongo(options: MongoOptions): Promise<MongoConnection> {
  const client = new MongoClient(options.url, {
    maxPoolSize: options.poolSize ?? 20,
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 5_000,
    connectTimeoutMS: 10_000,
    // Long enough for a large bulkWrite, short enough that a dead socket is noticed.
    socketTimeoutMS: 60_000,
    appName: 'globeco-order-generation-service',
  });
  await client.connect();
  const db = client.db(options.dbName);
  await db.command({ ping: 1 });
  options.logger?.info({ db: options.dbName }, 'connected to MongoDB');
  let closed = false;
  const watchdog = watchForStuckMonitor(client, options.logger, () => closed);
  return {
    client,
    db,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(watchdog);
      await client.close();
      options.logger?.info('MongoDB connection closed');
    },
  };
}

/** Round-trips a ping; rejects when the server is unreachable. */
export async function pingMongo(db: Db): Promise<void> {
  await db.command({ ping: 1 });
}

/** How long the server may stay unknown to the driver before the client is reconnected. */
export const STUCK_MONITOR_MS = 20_000;
const WATCH_INTERVAL_MS = 5_000;

/**
 * Reconnects a client whose driver has lost the server for longer than {@link STUCK_MONITOR_MS}.
 *
 * Why: after a graceful server restart (SIGTERM) that cut operations in flight, the driver's
 * server monitor can stay in a check that never ends, so the server stays "unknown" and every
 * operation fails server selection for minutes, long after the server is back (seen against
 * FerretDB v1 with both monitoring modes; the chaos suite had a run stuck with one chunk that
 * could never be written). Closing and reconnecting the same client replaces the monitor;
 * collections obtained from it keep working, and operations in flight fail and are retried by
 * their callers as any network error is. Proof: test/chaos/mongo-reconnect.test.ts.
 */
function watchForStuckMonitor(client: MongoClient, logger: Logger | undefined, closed: () => boolean): NodeJS.Timeout {
  // From the driver's public SDAM events; a stuck monitor sends none, so the mark stays.
  let unknownSince: number | null = null;
  client.on('serverDescriptionChanged', (event) => {
    if (event.newDescription.type === 'Unknown') unknownSince ??= Date.now();
    else unknownSince = null;
  });
  let reconnecting = false;
  const timer = setInterval(() => {
    if (closed() || reconnecting || unknownSince === null || Date.now() - unknownSince < STUCK_MONITOR_MS) return;
    reconnecting = true;
    logger?.warn({ unknown_ms: Date.now() - unknownSince }, 'MongoDB server unknown for too long; reconnecting the client');
    void (async () => {
      try {
        await client.close(true);
        if (!closed()) await client.connect();
      } catch (error) {
        logger?.warn({ err: error }, 'reconnecting the MongoDB client failed; will try again');
      } finally {
        unknownSince = null;
        reconnecting = false;
      }
    })();
  }, WATCH_INTERVAL_MS);
  timer.unref();
  return timer;
}

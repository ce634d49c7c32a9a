import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';

/** What one demo run created and removes on exit (nothing else: Redis and MongoDB may be shared). */
export interface DemoFootprint {
  mongoUrl: string;
  databaseName: string;
  redisUrl: string;
  /** The demo's own BullMQ prefix; only keys under `<prefix>:` are deleted. */
  queuePrefix: string;
}

/** Drops the demo's database. */
export async function dropDemoDatabase(mongoUrl: string, databaseName: string): Promise<void> {
  const client = new MongoClient(mongoUrl, { serverSelectionTimeoutMS: 5000 });
  try {
    await client.connect();
    await client.db(databaseName).dropDatabase();
  } finally {
    await client.close();
  }
}

/** Deletes the keys under `<prefix>:` with SCAN + UNLINK (never FLUSHDB: the Redis may be shared). Returns how many. */
export async function deleteQueueKeys(redisUrl: string, prefix: string): Promise<number> {
  if (!/^[A-Za-z0-9_-]+$/.test(prefix)) throw new Error(`refusing to delete keys under an unusual prefix '${prefix}'`);
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  let deleted = 0;
  try {
    await redis.connect();
    const stream = redis.scanStream({ match: `${prefix}:*`, count: 500 });
    for await (const keys of stream as AsyncIterable<string[]>) {
      if (keys.length > 0) deleted += await redis.unlink(...keys);
    }
  } finally {
    redis.disconnect();
  }
  return deleted;
}

/** Removes everything in `footprint`; each half is tried even when the other fails. */
export async function removeFootprint(footprint: DemoFootprint, say: (text: string) => void): Promise<void> {
  try {
    await dropDemoDatabase(footprint.mongoUrl, footprint.databaseName);
    say(`Dropped database ${footprint.databaseName}.`);
  } catch (error) {
    say(`Could not drop database ${footprint.databaseName}: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    const n = await deleteQueueKeys(footprint.redisUrl, footprint.queuePrefix);
    say(`Deleted ${n} Redis keys under ${footprint.queuePrefix}:.`);
  } catch (error) {
    say(`Could not delete Redis keys under ${footprint.queuePrefix}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

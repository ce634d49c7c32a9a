import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createConnection, createServer, type Socket } from 'node:net';
import { MongoClient } from 'mongodb';
import { insertIgnoringDuplicates } from '../../src/store/insert-ignoring-duplicates.js';
import { createTestDatabase, type TestDatabase } from '../support/mongo.js';

/**
 * Regression for the chaos finding "stop and restart FerretDB mid-run → 2,382 trades without
 * their order": the driver wraps a network error during insertMany in a MongoBulkWriteError
 * with no write errors, and the idempotent insert took that for "all duplicates" and reported
 * success, so the chunk went on to store optimal results whose orders were never written.
 * Runs in `npm test` (fast); the chaos suite itself does not.
 */
describe('insertIgnoringDuplicates under a failed connection', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('chaos_write_errors');
  });
  afterAll(async () => {
    await t.drop();
  });

  it('when the connection drops before the write, then the insert fails instead of reporting success', async () => {
    const proxy = await tcpProxy(new URL(t.url).port);
    const client = new MongoClient(`mongodb://127.0.0.1:${proxy.port}/`, { serverSelectionTimeoutMS: 500, directConnection: true });
    try {
      await client.connect();
      const orders = client.db(t.name).collection<{ _id: string }>('orders');
      await orders.insertOne({ _id: 'warm-up' });
      await proxy.cut();
      await expect(insertIgnoringDuplicates(orders, [{ _id: 'a' }, { _id: 'b' }])).rejects.toThrow();
      expect(await t.db.collection('orders').countDocuments({ _id: { $in: ['a', 'b'] } as never })).toBe(0);
    } finally {
      await client.close().catch(() => undefined);
    }
  });

  it('when every failure is a duplicate key, then it still counts as success (re-delivered chunk)', async () => {
    const orders = t.db.collection<{ _id: string }>('orders_dup');
    await orders.insertOne({ _id: 'a' });
    await expect(insertIgnoringDuplicates(orders, [{ _id: 'a' }, { _id: 'b' }])).resolves.toEqual({ inserted: 1, duplicates: [0] });
    expect(await orders.countDocuments()).toBe(2);
  });
});

/** A loopback TCP proxy to the test server whose connections can be cut, like a database going away. */
async function tcpProxy(targetPort: string): Promise<{ port: number; cut(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((inbound) => {
    const outbound = createConnection(Number(targetPort), '127.0.0.1');
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    async cut() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
  };
}

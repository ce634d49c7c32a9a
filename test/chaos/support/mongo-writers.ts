/**
 * A separate process that keeps six writers busy through the service's own MongoDB client
 * (`connectMongo`) and prints `{"written":…,"failed":…,"error":…}` every 200 ms, for
 * test/chaos/mongo-reconnect.test.ts. A plain process, not jest's module sandbox: the stuck
 * driver state the test is about showed up there reliably and not inside jest.
 *
 *   node --import tsx test/chaos/support/mongo-writers.ts <mongodb-url> <database>
 */
import { connectMongo } from '../../../src/store/mongo.js';

const [url, dbName] = process.argv.slice(2);
if (!url || !dbName) throw new Error('usage: mongo-writers.ts <mongodb-url> <database>');
const mongo = await connectMongo({ url, dbName });
const items = mongo.db.collection<{ w: number; i: number; j: number; pad: string }>('reconnect');
let written = 0;
let failed = 0;
let error = '';

async function writer(w: number): Promise<never> {
  for (let i = 0; ; i++) {
    try {
      // A write then a read, like a chunk.
      await items.insertMany(Array.from({ length: 50 }, (_, j) => ({ w, i, j, pad: 'x'.repeat(200) })), { ordered: false });
      await items.findOne({ w, i });
      written += 1;
    } catch (e) {
      failed += 1;
      error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

setInterval(() => console.log(JSON.stringify({ written, failed, error })), 200);
for (let w = 0; w < 6; w++) void writer(w);

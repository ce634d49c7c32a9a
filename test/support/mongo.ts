import { randomBytes } from 'node:crypto';
import { MongoClient, type Db } from 'mongodb';

/** A fresh database on the test server, dropped by `drop()`. One per test file. */
export interface TestDatabase {
  url: string;
  name: string;
  client: MongoClient;
  db: Db;
  drop(): Promise<void>;
}

export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const url = process.env.MONGODB_URL;
  if (!url) throw new Error('MONGODB_URL is not set: jest global setup did not run');
  const name = `t_${label.replace(/[^A-Za-z0-9]/g, '_').slice(0, 30)}_${randomBytes(4).toString('hex')}`;
  const client = new MongoClient(url);
  await client.connect();
  const db = client.db(name);
  return {
    url,
    name,
    client,
    db,
    async drop() {
      await db.dropDatabase();
      await client.close();
    },
  };
}

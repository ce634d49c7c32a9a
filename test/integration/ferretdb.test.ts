import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '../support/mongo.js';

describe('the MongoDB-protocol test server', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('ferretdb');
  });
  afterAll(async () => {
    await t.drop();
  });

  it('when a document is inserted, then it can be read back and counted', async () => {
    const col = t.db.collection<{ _id: string; n: number }>('probe');
    await col.insertOne({ _id: 'a', n: 1 });
    await col.updateOne({ _id: 'a', n: 1 }, { $inc: { n: 1 } });
    expect(await col.findOne({ _id: 'a' })).toEqual({ _id: 'a', n: 2 });
    expect(await col.countDocuments({})).toBe(1);
  });

  it('when a unique index exists, then a duplicate insert is refused', async () => {
    const col = t.db.collection('uniq');
    await col.createIndex({ k: 1 }, { unique: true });
    await col.insertOne({ k: 'x' });
    await expect(col.insertOne({ k: 'x' })).rejects.toMatchObject({ code: 11000 });
  });

  it('when a document is read, updated or deleted by _id, then the server searches its _id index (FerretDB as scripts/ferretdb.sh builds it)', async () => {
    const col = t.db.collection<{ _id: string; n: number }>('keyed');
    await col.insertMany(Array.from({ length: 50 }, (_, i) => ({ _id: `k${i}`, n: i })));
    const plan = (await col.find({ _id: 'k7' }).explain()) as { serverInfo?: { ferretdbVersion?: string }; queryPlanner?: { Plan?: string[] } };
    if (plan.serverInfo?.ferretdbVersion !== undefined) {
      // SQLite's query plan, as FerretDB reports it: an index search, not `SCAN <table>`.
      expect(plan.queryPlanner?.Plan?.join(' ')).toMatch(/SEARCH \S+ USING INDEX \S+__id_/);
    }
    await col.updateOne({ _id: 'k7' }, { $set: { n: 70 } });
    expect(await col.findOne({ _id: 'k7' })).toEqual({ _id: 'k7', n: 70 });
    await col.deleteOne({ _id: 'k8' });
    expect(await col.findOne({ _id: 'k8' })).toBeNull();
    expect(await col.countDocuments({})).toBe(49);
  });
});

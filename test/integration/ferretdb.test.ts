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
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { InvalidInput, NotFound, VersionConflict } from '../../src/errors/index.js';
import { RuleViolation } from '../../src/core/model/rule-violation.js';
import { ensureIndexes } from '../../src/store/indexes.js';
import { MODEL_WRITE_CLAIMS_COLLECTION } from '../../src/store/model-write-claims.js';
import { connectMongo, type MongoConnection } from '../../src/store/mongo.js';
import { MODELS_COLLECTION, ModelsRepository, type ModelInput } from '../../src/store/models-repository.js';
import { createTestDatabase, type TestDatabase } from '../support/mongo.js';

const sid = (n: number) => n.toString(16).padStart(24, '0');
const input = (name: string, portfolios: string[] = ['p1']): ModelInput => ({
  name,
  positions: [
    { securityId: sid(1), target: '0.3', highDrift: '0.05', lowDrift: '0.05' },
    { securityId: sid(2), target: 0, highDrift: 0, lowDrift: 0 },
  ],
  portfolios,
});

describe('ModelsRepository on the MongoDB-protocol server', () => {
  let t: TestDatabase;
  let repo: ModelsRepository;
  beforeAll(async () => {
    t = await createTestDatabase('store_models');
    await ensureIndexes(t.db);
    repo = new ModelsRepository(t.db);
  });
  afterAll(async () => {
    await t.drop();
  });

  it('when indexes are ensured twice, then the second run succeeds and the indexes exist', async () => {
    await ensureIndexes(t.db);
    const names = (await t.db.collection(MODELS_COLLECTION).indexes()).map((i) => i.name);
    expect(names).toEqual(expect.arrayContaining(['portfolios', 'name_id', 'last_rebalance_date_id']));
  });

  it('when a model is created, then it reads back at version 1 with 0-target positions dropped', async () => {
    const created = await repo.create(input('create'));
    expect(created.version).toBe(1);
    expect(created.positions).toEqual([{ securityId: sid(1), target: '0.3', highDrift: '0.05', lowDrift: '0.05' }]);
    expect(await repo.get(created.modelId)).toEqual(created);
    const stored = await t.db.collection(MODELS_COLLECTION).findOne({ name: 'create' });
    expect(stored?.positions[0].target).toBe('0.3');
  });

  it('when replaced with the current version, then it changes; with a stale one, then VersionConflict', async () => {
    const m = await repo.create(input('replace'));
    const next = await repo.replace(m.modelId, 1, { ...input('replaced'), lastRebalanceDate: new Date('2026-01-02T03:04:05Z') });
    expect(next).toMatchObject({ name: 'replaced', version: 2, lastRebalanceDate: new Date('2026-01-02T03:04:05Z') });
    await expect(repo.replace(m.modelId, 1, input('again'))).rejects.toBeInstanceOf(VersionConflict);
    await expect(repo.replace('0'.repeat(24), 1, input('x'))).rejects.toBeInstanceOf(NotFound);
  });

  it('when many replaces race on one version, then exactly one wins', async () => {
    const m = await repo.create(input('race'));
    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => repo.replace(m.modelId, 1, input(`race-${i}`))),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'rejected' && o.reason instanceof VersionConflict)).toHaveLength(7);
    expect((await repo.get(m.modelId)).version).toBe(2);
  });

  it('when replaces race from separate connections, then each of 10 rounds has exactly one winner', async () => {
    const conns = await Promise.all([1, 2, 3, 4].map(() => connectMongo({ url: t.url, dbName: t.name, poolSize: 2 })));
    try {
      const repos = conns.map((c) => new ModelsRepository(c.db));
      for (let round = 0; round < 10; round += 1) {
        const m = await repo.create(input(`conn-race-${round}`));
        const outcomes = await Promise.allSettled(repos.map((r, i) => r.replace(m.modelId, 1, input(`w${i}`))));
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        expect((await repo.get(m.modelId)).version).toBe(2);
      }
    } finally {
      await Promise.all(conns.map((c) => c.close()));
    }
  });

  it('when concurrent sub-resource edits run, then none is lost and each bumps the version', async () => {
    const m = await repo.create(input('edits'));
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        repo.addPosition(m.modelId, { securityId: sid(100 + i), target: '0.05', highDrift: '0', lowDrift: '0' }),
      ),
    );
    const after = await repo.get(m.modelId);
    expect(after.positions).toHaveLength(7);
    expect(after.version).toBe(7);
  });

  it('when another writer holds the claim on a version, then a replace at it is refused; an abandoned claim is taken over', async () => {
    const claims = t.db.collection<{ _id: string; claimed_at: Date }>(MODEL_WRITE_CLAIMS_COLLECTION);
    const held = await repo.create(input('claim-held'));
    await claims.insertOne({ _id: `${held.modelId}:1`, claimed_at: new Date() });
    await expect(repo.replace(held.modelId, 1, input('blocked'))).rejects.toBeInstanceOf(VersionConflict);
    expect((await repo.get(held.modelId)).name).toBe('claim-held');
    const abandoned = await repo.create(input('claim-abandoned'));
    await claims.insertOne({ _id: `${abandoned.modelId}:1`, claimed_at: new Date(Date.now() - 60_000) });
    expect((await repo.replace(abandoned.modelId, 1, input('taken-over'))).version).toBe(2);
    expect(await claims.countDocuments({ _id: `${abandoned.modelId}:1` })).toBe(0);
  });

  it('when a sub-resource edit breaks a rule, then nothing is written', async () => {
    const m = await repo.create(input('rules'));
    await expect(
      repo.addPosition(m.modelId, { securityId: sid(9), target: '0.7', highDrift: '0', lowDrift: '0' }),
    ).rejects.toBeInstanceOf(RuleViolation);
    expect(await repo.get(m.modelId)).toEqual(m);
  });

  it('when deleted with a stale version, then VersionConflict; with the current one, then gone', async () => {
    const m = await repo.create(input('delete'));
    await expect(repo.delete(m.modelId, 5)).rejects.toBeInstanceOf(VersionConflict);
    await repo.delete(m.modelId, 1);
    await expect(repo.get(m.modelId)).rejects.toBeInstanceOf(NotFound);
    await expect(repo.delete(m.modelId, 1)).rejects.toBeInstanceOf(NotFound);
  });

  it('when looking up by portfolio and by ids, then exactly the matching models come back', async () => {
    const a = await repo.create(input('by-a', ['shared', 'only-a']));
    const b = await repo.create(input('by-b', ['shared']));
    expect((await repo.findByPortfolio('shared')).map((m) => m.modelId).sort()).toEqual([a.modelId, b.modelId].sort());
    expect((await repo.findByPortfolio('only-a')).map((m) => m.modelId)).toEqual([a.modelId]);
    expect((await repo.findByIds([b.modelId, '0'.repeat(24)])).map((m) => m.modelId)).toEqual([b.modelId]);
    await expect(repo.findByIds(['nope'])).rejects.toBeInstanceOf(InvalidInput);
  });

  it('when the last rebalance date is set, then it is stored and the version moves; a repeat or an older date changes nothing; a deleted model is skipped', async () => {
    const m = await repo.create(input('rebalanced'));
    const when = new Date('2026-11-25T12:00:00.000Z');
    await repo.setLastRebalanceDate(m.modelId, when);
    expect(await repo.get(m.modelId)).toMatchObject({ lastRebalanceDate: when, version: 2 });
    // Every finisher of a run (and the run sweeper) may set it again: no version bump, never backwards.
    await repo.setLastRebalanceDate(m.modelId, when);
    await repo.setLastRebalanceDate(m.modelId, new Date('2026-11-01T00:00:00.000Z'));
    expect(await repo.get(m.modelId)).toMatchObject({ lastRebalanceDate: when, version: 2 });
    // A run must still finish when one of its models was deleted meanwhile.
    await expect(repo.setLastRebalanceDate('0'.repeat(24), when)).resolves.toBeUndefined();
  });

  it('when connectMongo is given a URL, then it pings, and close() can be called twice', async () => {
    const conn: MongoConnection = await connectMongo({ url: t.url, dbName: t.name, poolSize: 2 });
    expect(await conn.db.command({ ping: 1 })).toMatchObject({ ok: 1 });
    await conn.close();
    await conn.close();
  });

  it('when the server is unreachable, then connectMongo fails within its selection timeout', async () => {
    const started = Date.now();
    await expect(
      connectMongo({ url: 'mongodb://127.0.0.1:1/', dbName: 'x', serverSelectionTimeoutMS: 300 }),
    ).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

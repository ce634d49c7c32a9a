import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ModelCatalog } from '../../src/runs/model-catalog.js';
import { resolveSelection } from '../../src/runs/resolve-selection.js';
import { ModelsRepository } from '../../src/store/models-repository.js';
import { createTestDatabase, type TestDatabase } from '../support/mongo.js';

const SECURITY = '5ec000000000000000000001';
const OTHER = '5ec000000000000000000002';
const position = { securityId: SECURITY, target: '0.5', highDrift: '0.1', lowDrift: '0.1' };

/** A repository that counts the models it reads back in full. */
function counting(repo: ModelsRepository) {
  const reads: string[][] = [];
  return {
    reads,
    versions: () => repo.versions(),
    findByIds: (ids: readonly string[]) => {
      reads.push([...ids]);
      return repo.findByIds(ids);
    },
  };
}

describe('the model catalog submissions resolve against', () => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await createTestDatabase('catalog');
  });
  afterAll(async () => {
    await t.drop();
  });

  it('when a model changes through one API process, then the next submit on another process uses the new model, with no signal', async () => {
    const writer = new ModelsRepository(t.db);
    const model = await writer.create({ name: 'Catalog A', positions: [position], portfolios: ['p1'] });
    // Two API processes, each with its own cache, over the same database.
    const catalogs = [0, 1].map(() => new ModelCatalog(new ModelsRepository(t.db)));
    for (const c of catalogs) expect((await resolveSelection({ portfolio_ids: ['p1'] }, c)).items).toHaveLength(1);
    await writer.addPortfolios(model.modelId, ['p2']);
    const edited = await writer.get(model.modelId);
    await writer.replace(model.modelId, edited.version, { name: 'Catalog A', positions: [{ ...position, securityId: OTHER }], portfolios: ['p1', 'p2'] });
    for (const c of catalogs) {
      const resolved = await resolveSelection({ portfolio_ids: ['p1', 'p2'] }, c);
      expect(resolved.items).toEqual([
        { modelId: model.modelId, portfolioId: 'p1' },
        { modelId: model.modelId, portfolioId: 'p2' },
      ]);
      expect(resolved.models[0]?.positions.map((p) => p.securityId)).toEqual([OTHER]);
    }
    await writer.removePortfolios(model.modelId, ['p1']);
    await expect(resolveSelection({ portfolio_ids: ['p1'] }, catalogs[1]!)).rejects.toThrow('portfolio is not subscribed to any model: p1');
  });

  it('when one model of several changes, then only that model is read again', async () => {
    const writer = new ModelsRepository(t.db);
    const created = [];
    for (let i = 0; i < 5; i += 1) created.push(await writer.create({ name: `Catalog many ${i}`, positions: [position], portfolios: [`many-${i}`] }));
    const repo = counting(new ModelsRepository(t.db));
    const catalog = new ModelCatalog(repo);
    await catalog.indexed();
    const first = repo.reads.flat().length;
    expect(first).toBeGreaterThanOrEqual(5);
    await catalog.indexed();
    expect(repo.reads.flat()).toHaveLength(first);
    await writer.addPortfolios(created[2]!.modelId, ['many-2b']);
    const index = await catalog.indexed();
    expect(repo.reads.at(-1)).toEqual([created[2]!.modelId]);
    expect(index.modelsOf.get('many-2b')).toEqual([created[2]!.modelId]);
  });

  it('when the cache bound is smaller than the models, then it holds at most that much and still resolves every model', async () => {
    const writer = new ModelsRepository(t.db);
    const big = await writer.create({ name: 'Catalog big', positions: [position], portfolios: Array.from({ length: 50 }, (_, i) => `big-${i}`) });
    const catalog = new ModelCatalog(new ModelsRepository(t.db), { maxSubscriptions: 20 });
    const resolved = await resolveSelection({ model_ids: [big.modelId] }, catalog);
    expect(resolved.items).toHaveLength(50);
    expect(catalog.cachedModels).toBeLessThanOrEqual(20);
  });

  it('when a portfolio is in two models, then it is one item per model, in model id order', async () => {
    const writer = new ModelsRepository(t.db);
    const a = await writer.create({ name: 'Catalog B', positions: [position], portfolios: ['shared', 'b-only'] });
    const b = await writer.create({ name: 'Catalog C', positions: [position], portfolios: ['shared'] });
    const catalog = new ModelCatalog(new ModelsRepository(t.db));
    const resolved = await resolveSelection({ portfolio_ids: ['shared', 'shared'] }, catalog);
    expect(resolved.items).toEqual([a, b].map((m) => ({ modelId: m.modelId, portfolioId: 'shared' })).sort((x, y) => x.modelId.localeCompare(y.modelId)));
    expect((await resolveSelection({ model_ids: [a.modelId.toUpperCase()] }, catalog)).items).toHaveLength(2);
  });
});

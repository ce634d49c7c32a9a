import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { createLogger } from '../../src/observability/logger.js';
import { ModelCatalog, modelChangeSignal } from '../../src/runs/model-catalog.js';
import { resolveSelection } from '../../src/runs/resolve-selection.js';
import { ModelsRepository } from '../../src/store/models-repository.js';
import { createTestDatabase, type TestDatabase } from '../support/mongo.js';
import { redisUrl, uniqueQueuePrefix } from '../support/redis.js';

const SECURITY = '5ec000000000000000000001';
const position = { securityId: SECURITY, target: '0.5', highDrift: '0.1', lowDrift: '0.1' };

describe('the model catalog submissions resolve against', () => {
  let t: TestDatabase;
  let redis: Redis;
  const prefix = uniqueQueuePrefix('catalog');

  beforeAll(async () => {
    t = await createTestDatabase('catalog');
    redis = new Redis(redisUrl);
  });
  afterAll(async () => {
    await redis.quit();
    await t.drop();
  });

  it('when a model changes through any API process, then the next submit on every process sees it', async () => {
    const signal = modelChangeSignal(redis, prefix);
    const writer = new ModelsRepository(t.db, signal);
    const model = await writer.create({ name: 'Catalog A', positions: [position], portfolios: ['p1'] });
    // Two API processes, each with its own cache.
    const catalogs = [0, 1].map(() => new ModelCatalog(new ModelsRepository(t.db), redis, prefix, createLogger('silent', 'test')));
    for (const c of catalogs) expect((await resolveSelection({ portfolio_ids: ['p1'] }, c)).items).toHaveLength(1);
    await writer.addPortfolios(model.modelId, ['p2']);
    for (const c of catalogs) {
      const resolved = await resolveSelection({ portfolio_ids: ['p1', 'p2'] }, c);
      expect(resolved.items).toEqual([
        { modelId: model.modelId, portfolioId: 'p1' },
        { modelId: model.modelId, portfolioId: 'p2' },
      ]);
    }
    await writer.removePortfolios(model.modelId, ['p1']);
    await expect(resolveSelection({ portfolio_ids: ['p1'] }, catalogs[1]!)).rejects.toThrow('portfolio is not subscribed to any model: p1');
  });

  it('when a portfolio is in two models, then it is one item per model, in model id order', async () => {
    const signal = modelChangeSignal(redis, prefix);
    const writer = new ModelsRepository(t.db, signal);
    const a = await writer.create({ name: 'Catalog B', positions: [position], portfolios: ['shared', 'b-only'] });
    const b = await writer.create({ name: 'Catalog C', positions: [position], portfolios: ['shared'] });
    const catalog = new ModelCatalog(new ModelsRepository(t.db), redis, prefix, createLogger('silent', 'test'));
    const resolved = await resolveSelection({ portfolio_ids: ['shared', 'shared'] }, catalog);
    expect(resolved.items).toEqual([a, b].map((m) => ({ modelId: m.modelId, portfolioId: 'shared' })).sort((x, y) => x.modelId.localeCompare(y.modelId)));
    expect((await resolveSelection({ model_ids: [a.modelId.toUpperCase()] }, catalog)).items).toHaveLength(2);
  });
});

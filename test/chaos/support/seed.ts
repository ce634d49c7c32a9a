import type { Db } from 'mongodb';
import { HoldingsRepository } from '../../../src/store/holdings-repository.js';
import { ensureIndexes } from '../../../src/store/indexes.js';
import { ModelsRepository } from '../../../src/store/models-repository.js';
import { PricesRepository } from '../../../src/store/prices-repository.js';

const SECURITIES = Array.from({ length: 12 }, (_, i) => (0xa0000000 + i).toString(16).padStart(24, '0'));

/** Portfolio ids are 24 hex, deterministic per seed prefix so a run is reproducible. */
export const portfolioId = (prefix: number, i: number) => `${prefix.toString(16).padStart(8, '0')}${i.toString(16).padStart(16, '0')}`;

/**
 * A model over 12 securities (target 0.075 each, bands ±0.02) and `count` portfolios holding
 * a varying mix of them plus cash, so most solves trade and a few are infeasible-free but busy.
 */
export async function seedModel(db: Db, count: number, prefix = 1, name = `chaos-${count}`): Promise<{ modelId: string; portfolioIds: string[] }> {
  await ensureIndexes(db);
  const prices = new PricesRepository(db);
  await prices.upsertMany(SECURITIES.map((securityId, i) => ({ securityId, price: (10 + i * 7.25).toFixed(2) })));
  const portfolioIds = Array.from({ length: count }, (_, i) => portfolioId(prefix, i));
  const holdings = new HoldingsRepository(db);
  for (let start = 0; start < count; start += 2_000) {
    await holdings.upsertMany(
      portfolioIds.slice(start, start + 2_000).map((id, k) => {
        const i = start + k;
        return {
          portfolioId: id,
          cash: String(10_000 + (i % 97) * 250),
          holdings: SECURITIES.filter((_, s) => (i + s) % 3 !== 0).map((securityId, s) => ({ securityId, quantity: ((i * 7 + s * 13) % 50) + 1 })),
        };
      }),
    );
  }
  const models = new ModelsRepository(db);
  const model = await models.create({
    name,
    positions: SECURITIES.map((securityId) => ({ securityId, target: '0.075', highDrift: '0.02', lowDrift: '0.02' })),
    portfolios: portfolioIds,
  });
  return { modelId: model.modelId, portfolioIds };
}

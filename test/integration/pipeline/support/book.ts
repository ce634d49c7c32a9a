import type { Db } from 'mongodb';
import type { PortfolioSnapshot } from '../../../../src/market-data/types.js';
import { HoldingsRepository } from '../../../../src/store/holdings-repository.js';
import { ModelsRepository } from '../../../../src/store/models-repository.js';
import { PricesRepository } from '../../../../src/store/prices-repository.js';
import { seededRandom as random } from '../../../support/seeded-random.js';

/** Seeds snapshots through the market-data repository, whatever its storage layout. */
export async function seedHoldings(db: Db, snapshots: PortfolioSnapshot[]): Promise<void> {
  const holdings = new HoldingsRepository(db);
  for (let i = 0; i < snapshots.length; i += 1_000) await holdings.upsertMany(snapshots.slice(i, i + 1_000));
}

export { random };

export const hexId = (prefix: string, n: number) => `${prefix}${n.toString(16).padStart(24 - prefix.length, '0')}`;

/** Shape of a seeded book. */
export interface BookSpec {
  models: number;
  portfoliosPerModel: number;
  positionsPerModel: number;
  seed?: number;
}

/** What was seeded. */
export interface Book {
  modelIds: string[];
  portfolioIds: string[];
  securityIds: string[];
}

/**
 * Securities with prices, models with `positionsPerModel` positions each, and portfolios holding
 * the model's securities with ±30 % drift and some cash; every security has a ticker and every
 * portfolio a name. Holdings and prices are inserted in bulk
 * (a fresh book needs no upsert).
 */
export async function seedBook(db: Db, spec: BookSpec): Promise<Book> {
  const rnd = random(spec.seed ?? 42);
  const securityCount = Math.max(spec.positionsPerModel * 2, 20);
  const securityIds = Array.from({ length: securityCount }, (_, i) => hexId('5ec', i));
  const prices = securityIds.map((securityId, i) => ({ securityId, price: (5 + rnd() * 495).toFixed(2), ticker: `TK${i}` }));
  await new PricesRepository(db).upsertMany(prices);
  const priceOf = new Map(prices.map((p) => [p.securityId, Number(p.price)]));
  const target = Math.floor(0.9 / spec.positionsPerModel / 0.005) * 0.005;
  const models = new ModelsRepository(db);
  const book: Book = { modelIds: [], portfolioIds: [], securityIds };
  for (let m = 0; m < spec.models; m++) {
    const securities = securityIds.slice(m % 2, m % 2 + spec.positionsPerModel * 2).filter((_, i) => i % 2 === 0);
    const portfolios = Array.from({ length: spec.portfoliosPerModel }, (_, i) => hexId(`f${m.toString(16).padStart(2, '0')}`, i));
    const positions = securities.map((securityId) => ({ securityId, target: target.toFixed(3), lowDrift: '0.02', highDrift: '0.02' }));
    const model = await models.create({ name: `model ${m}`, positions, portfolios });
    book.modelIds.push(model.modelId);
    book.portfolioIds.push(...portfolios);
    const snapshots = portfolios.map((portfolioId) => {
      const marketValue = 100_000 + rnd() * 900_000;
      const holdings = securities.map((securityId) => ({
        securityId,
        quantity: Math.max(0, Math.round((marketValue * target * (0.7 + rnd() * 0.6)) / priceOf.get(securityId)!)),
      }));
      return { portfolioId, name: `Client ${portfolioId.slice(-4)}`, cash: (marketValue * 0.1).toFixed(2), holdings };
    });
    await seedHoldings(db, snapshots);
  }
  return book;
}

/**
 * A model no portfolio can meet: one position at exactly 50 % with no drift, priced so that no
 * whole number of shares is worth half of $1,000 cash.
 */
export async function seedInfeasibleModel(db: Db, portfolioIds: string[]): Promise<string> {
  const securityId = hexId('bad', 1);
  await new PricesRepository(db).upsertMany([{ securityId, price: '300.00' }]);
  await seedHoldings(db, portfolioIds.map((portfolioId) => ({ portfolioId, cash: '1000.00', holdings: [] })));
  const model = await new ModelsRepository(db).create({
    name: 'impossible',
    positions: [{ securityId, target: '0.5', lowDrift: '0', highDrift: '0' }],
    portfolios: portfolioIds,
  });
  return model.modelId;
}

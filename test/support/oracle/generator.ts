/**
 * Seeded random rebalancing problems for the oracle tests and the benchmark. The same seed always
 * gives the same problem, and every failure prints it.
 */
import type { ProblemInput, SolveOptions } from '../../../src/core/optimizer/index.js';
import { seededRandom as random } from '../seeded-random.js';

export { random };

/** Knobs of one generated problem. */
export interface Shape {
  n: number;
  /** Market value range in dollars. @defaultValue [1e3, 1e8] */
  marketValue?: [number, number];
  /** Probability that Σ targets is 1 (cash then usually binds). @defaultValue 0.5 */
  fullyInvested?: number;
  /** Which options to draw. @defaultValue none */
  options?: ('reserve' | 'minTrade' | 'lots' | 'restricted' | 'band')[];
  /** Probability of a band so narrow it may hold no whole share. @defaultValue 0.02 */
  narrowBands?: number;
  /** Largest price in dollars. @defaultValue 5000 */
  maxPrice?: number;
}

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)] as T;
}

function price(rand: () => number, max: number): string {
  const r = rand();
  const dollars = r < 0.03 ? 0.01 + rand() * 0.99 : r < 0.93 ? 5 + rand() * 295 : 300 + rand() * (max - 300);
  return (Math.round(Math.min(dollars, max) * 100) / 100 || 0.01).toFixed(2);
}

function targets(rand: () => number, n: number, full: boolean): number[] {
  const raw = Array.from({ length: n }, () => 0.2 + rand());
  const total = raw.reduce((a, b) => a + b, 0);
  const budget = full ? 1 : 0.5 + rand() * 0.45;
  // Multiples of 0.0005 (GlobeCo uses 0.005); the remainder goes to the first position.
  const steps = raw.map((w) => Math.floor(((w / total) * budget) / 0.0005));
  const want = Math.floor(budget / 0.0005 + 1e-9);
  steps[0] = (steps[0] as number) + want - steps.reduce((a, b) => a + b, 0);
  return steps.map((s) => s * 0.0005);
}

function drift(rand: () => number, narrow: number): string {
  if (rand() < narrow) return pick(rand, ['0', '0.0001', '0.0005']);
  return pick(rand, ['0.005', '0.01', '0.02', '0.05', '0.1', '0.2', '1']);
}

function drawOptions(rand: () => number, shape: Shape, ids: string[], cash: number): SolveOptions {
  const options: SolveOptions = {};
  const on = (name: string) => shape.options?.includes(name as never) && rand() < 0.6;
  if (on('reserve')) options.cashReserve = (cash * rand() * 0.8).toFixed(2);
  if (on('minTrade')) options.minTradeValue = pick(rand, ['50', '250', '1000', '5000', '20000']);
  if (on('lots')) options.lotSizes = Object.fromEntries(ids.filter(() => rand() < 0.15).map((id) => [id, pick(rand, [2, 5, 10, 100])]));
  if (on('restricted')) {
    options.noBuy = ids.filter(() => rand() < 0.04);
    options.noSell = ids.filter(() => rand() < 0.04);
  }
  if (on('band')) options.mode = 'band';
  return options;
}

/** One seeded problem. */
export function generate(seed: number, shape: Shape): ProblemInput {
  const rand = random(seed);
  const [low, high] = shape.marketValue ?? [1e3, 1e8];
  const marketValue = Math.exp(Math.log(low) + rand() * (Math.log(high) - Math.log(low)));
  const ids = Array.from({ length: shape.n }, (_, i) => `sec${String(i).padStart(4, '0')}${Math.floor(rand() * 1e6)}`);
  const modelled = ids.filter((_, i) => i === 0 || rand() < 0.9);
  const weights = targets(rand, modelled.length, rand() < (shape.fullyInvested ?? 0.5));
  const prices: Record<string, string> = {};
  for (const id of ids) prices[id] = price(rand, shape.maxPrice ?? 5000);
  const holdings = ids
    .filter(() => rand() < 0.7)
    .map((id) => {
      const weight = rand() < 0.5 ? rand() * 0.3 : (weights[modelled.indexOf(id)] ?? 0.02) * (0.5 + rand());
      return { securityId: id, quantity: Math.floor((marketValue * weight * 0.9) / Number(prices[id])) };
    });
  const invested = holdings.reduce((sum, h) => sum + h.quantity * Number(prices[h.securityId]), 0);
  const cash = Math.max(0, marketValue - invested) * (0.5 + rand() * 0.5);
  const positions = modelled.map((id, i) => ({
    securityId: id,
    target: (weights[i] as number).toFixed(4),
    lowDrift: drift(rand, shape.narrowBands ?? 0.02),
    highDrift: drift(rand, shape.narrowBands ?? 0.02),
  }));
  return { cash: cash.toFixed(2), holdings, prices, positions, options: drawOptions(rand, shape, ids, cash) };
}

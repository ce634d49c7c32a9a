import type { ProblemInput } from '../../../src/core/optimizer/types.js';
import { seededRandom as prng } from '../../support/seeded-random.js';

/** A realistic-looking book: 3–30 positions, drifted holdings, some off-model, some cash. */
export function randomProblem(seed: number): ProblemInput {
  const random = prng(seed);
  const count = 3 + Math.floor(random() * 28);
  const ids = Array.from({ length: count + 2 }, (_, i) => `${seed.toString(16).padStart(8, '0')}${String(i).padStart(16, '0')}`);
  const prices: Record<string, string> = {};
  for (const id of ids) prices[id] = (1 + random() * 500).toFixed(2);
  let budget = 190; // Σ targets ≤ 0.95, in steps of 0.005
  const positions = ids.slice(0, count).map((securityId) => {
    const steps = Math.min(budget, 1 + Math.floor(random() * (380 / count)));
    budget -= steps;
    const drift = ['0.5', '0.05', '0.01', '0.002'][Math.floor(random() * 4)] as string;
    return { securityId, target: (steps * 0.005).toFixed(3), lowDrift: drift, highDrift: drift };
  });
  const holdings = ids
    .filter(() => random() < 0.7)
    .map((securityId) => ({ securityId, quantity: Math.floor(random() * 400) }));
  const problem: ProblemInput = { cash: (random() * 50_000).toFixed(2), holdings, prices, positions };
  // Some problems carry options, so both the fast and the general path are exercised.
  if (seed % 5 === 0) return { ...problem, options: { minTradeValue: '50' } };
  if (seed % 7 === 0) return { ...problem, options: { noBuy: ids.slice(0, 1), lotSizes: { [ids[1] as string]: 5 } } };
  return problem;
}

/**
 * Seeded "hard books": direct-indexing accounts whose cash-binding covering search is hard.
 * Many names, a small account ($100k–$600k), prices such that each target position is about
 * 1–4 shares, ~40 % of names that may never be underweight (low drift 0, so their quantity must
 * round up), targets summing to 0.95 and 0–8 % cash. Rounding up the low-drift-0 names eats the
 * 5 % left for cash, so cash binds and whole shares must be given up elsewhere.
 */
import type { ProblemInput } from '../../../src/core/optimizer/index.js';
import { seededRandom } from '../seeded-random.js';

/** Knobs of one hard book. */
export interface HardBookShape {
  n: number;
  /** Account value range in dollars. @defaultValue [1e5, 6e5] */
  marketValue?: [number, number];
  /** Share of names with low drift 0. @defaultValue 0.4 */
  floorShare?: number;
  /** Drifts to draw from instead of the defaults (small books need wide ones to stay feasible). */
  drifts?: string[];
}

const DRIFTS = ['0.002', '0.005', '0.01', '0.02', '0.05'];
const WIDE = ['0.02', '0.05'];

/** Targets in steps of 0.00001 summing to exactly 0.95. */
function targets(rand: () => number, n: number): number[] {
  const raw = Array.from({ length: n }, () => 0.3 + rand());
  const total = raw.reduce((a, b) => a + b, 0);
  const steps = raw.map((w) => Math.max(1, Math.floor(((w / total) * 0.95) / 0.00001)));
  steps[0] = (steps[0] as number) + 95_000 - steps.reduce((a, b) => a + b, 0);
  return steps;
}

function text(steps: number): string {
  return (steps / 100_000).toFixed(5);
}

/** One seeded hard book. Held quantities sit within a few percent of target (some names unheld). */
export function generateHardBook(seed: number, shape: HardBookShape): ProblemInput {
  const rand = seededRandom(seed);
  const [low, high] = shape.marketValue ?? [1e5, 6e5];
  const value = low + rand() * (high - low);
  const weights = targets(rand, shape.n);
  const ids = weights.map((_, i) => `hb${String(i).padStart(4, '0')}${Math.floor(rand() * 1e4)}`);
  const prices: Record<string, string> = {};
  const holdings: ProblemInput['holdings'] = [];
  const positions: ProblemInput['positions'] = [];
  let invested = 0;
  const cashShare = rand() * 0.08;
  const fresh = rand() < 0.2;
  ids.forEach((id, i) => {
    const dollars = (value * (weights[i] as number)) / 100_000;
    const price = Math.max(0.01, Math.round((dollars / (1 + rand() * 3)) * 100) / 100);
    prices[id] = price.toFixed(2);
    const floor = rand() < (shape.floorShare ?? 0.4);
    const drifts = shape.drifts ?? DRIFTS;
    const pick = () => drifts[Math.floor(rand() * drifts.length)] as string;
    // The band needs room for a whole share above the target, or it may hold none.
    const wide = shape.drifts ?? WIDE;
    const highDrift = wide[Math.floor(rand() * wide.length)] as string;
    positions.push({ securityId: id, target: text(weights[i] as number), lowDrift: floor ? '0' : pick(), highDrift });
    if (fresh || rand() < 0.15) return;
    const drifted = (dollars * (1 - cashShare) * (0.9 + rand() * 0.2)) / price;
    const quantity = Math.max(0, Math.round(drifted));
    if (quantity > 0) holdings.push({ securityId: id, quantity });
    invested += quantity * price;
  });
  if (!fresh && rand() < 0.5) {
    const id = `hbx${Math.floor(rand() * 1e6)}`;
    prices[id] = (20 + rand() * 300).toFixed(2);
    const quantity = 1 + Math.floor(rand() * 10);
    holdings.push({ securityId: id, quantity });
    invested += quantity * Number(prices[id]);
  }
  const cash = fresh ? value : Math.max(0, (invested * cashShare) / (1 - cashShare));
  return { cash: cash.toFixed(2), holdings, prices, positions, options: {} };
}

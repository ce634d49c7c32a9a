/**
 * Seeded tax lots, recent sales and tax options on top of any generated problem: 1–`maxLots` lots
 * per holding with unit costs from 40 % to 160 % of the price (so gains and losses), acquired up
 * to three years before `as_of` (some inside the wash-sale window), and a few recent loss sales.
 */
import type { HoldingInput, ProblemInput, TaxLotInput, TaxOptions } from '../../../src/core/optimizer/index.js';
import { seededRandom } from '../seeded-random.js';

export const AS_OF = '2026-11-30';
const AS_OF_MS = Date.UTC(2026, 10, 30);

/** Knobs of the tax side. */
export interface TaxShape {
  /** Most lots per holding. @defaultValue 4 */
  maxLots?: number;
  /** Probability that losses are harvested. @defaultValue 0.5 */
  harvest?: number;
  /** Weights to draw from. @defaultValue ['1', '0.5', '2', '20'] */
  weights?: string[];
  /** Probability of a lot bought inside the wash-sale window, and of a recent sale per security. @defaultValue [0.05, 0.04] */
  wash?: [number, number];
}

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)] as T;
}

function dateBefore(days: number): string {
  return new Date(AS_OF_MS - days * 86_400_000).toISOString().slice(0, 10);
}

/** Splits `quantity` into 1–`most` positive parts. */
function parts(rand: () => number, quantity: number, most: number): number[] {
  const count = Math.max(1, Math.min(quantity, 1 + Math.floor(rand() * most)));
  const cuts = new Set<number>();
  while (cuts.size < count - 1) cuts.add(1 + Math.floor(rand() * (quantity - 1)));
  const sorted = [0, ...[...cuts].sort((a, b) => a - b), quantity];
  return sorted.slice(1).map((end, i) => end - (sorted[i] as number));
}

function lotsOf(rand: () => number, holding: HoldingInput, price: number, most: number, inWindow: number): TaxLotInput[] {
  return parts(rand, holding.quantity, most).map((quantity, j) => {
    const days = rand() < inWindow ? Math.floor(rand() * 30) : 31 + Math.floor(rand() * 1070);
    const places = rand() < 0.2 ? 4 : 2;
    return {
      lotId: `L${String(j).padStart(2, '0')}-${Math.floor(rand() * 1000)}`,
      quantity,
      unitCost: (price * (0.4 + rand() * 1.2)).toFixed(places),
      acquired: dateBefore(days),
    };
  });
}

/** `input` with lots on every non-empty holding, some recent sales and tax enabled. */
export function withTax(input: ProblemInput, seed: number, shape: TaxShape = {}): ProblemInput {
  const rand = seededRandom(seed);
  const most = shape.maxLots ?? 4;
  const [inWindow, recent] = shape.wash ?? [0.05, 0.04];
  const holdings = input.holdings.map((holding) =>
    holding.quantity === 0 ? holding : { ...holding, lots: lotsOf(rand, holding, Number(input.prices[holding.securityId]), most, inWindow) },
  );
  const ids = Object.keys(input.prices);
  const recentSales = ids
    .filter(() => rand() < recent)
    .map((id) => ({
      securityId: id,
      date: dateBefore(Math.floor(rand() * 45)),
      quantity: 1 + Math.floor(rand() * 50),
      realizedGain: rand() < 0.7 ? `-${(rand() * 500).toFixed(2)}` : (rand() * 500).toFixed(2),
    }));
  const tax: TaxOptions = {
    enabled: true,
    shortTermRate: pick(rand, ['0.37', '0.35', '0.408']),
    longTermRate: pick(rand, ['0.2', '0.15', '0.238']),
    weight: pick(rand, shape.weights ?? ['1', '0.5', '2', '20']),
    harvestLosses: rand() < (shape.harvest ?? 0.5),
    asOf: AS_OF,
  };
  return { ...input, holdings, recentSales, options: { ...input.options, tax } };
}

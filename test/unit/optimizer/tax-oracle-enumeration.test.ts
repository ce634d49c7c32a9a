import { afterAll, describe, expect, it } from '@jest/globals';
import { Decimal } from 'decimal.js';
import { solve, type ProblemInput } from '../../../src/core/optimizer/index.js';
import { generate, type Shape } from '../../support/oracle/generator.js';
import { generateHardBook } from '../../support/oracle/hard-books.js';
import { enumerateTax } from '../../support/oracle/tax-enumerate.js';
import { withTax } from '../../support/oracle/tax-lots.js';
import { OracleTally } from '../../support/oracle/tally.js';

const ALL_OPTIONS: Shape['options'] = ['reserve', 'minTrade', 'lots', 'restricted', 'band'];
const INSTANCES = 900;
const HARD_INSTANCES = 400;

const tally = new OracleTally('tax enumeration');

/** Trades and turnover of our answer at the oracle's scale. */
function tieBreak(input: ProblemInput, quantities: Record<string, number>, places: number): [number, bigint] {
  let trades = 0;
  let turnover = new Decimal(0);
  for (const [id, quantity] of Object.entries(quantities)) {
    const held = input.holdings.find((h) => h.securityId === id)?.quantity ?? 0;
    if (quantity !== held) trades++;
    turnover = turnover.plus(new Decimal(input.prices[id] as string).times(Math.abs(quantity - held)));
  }
  return [trades, BigInt(turnover.times(new Decimal(10).pow(places)).toFixed(0))];
}

/** A failure line, or null when status, objective and tie-break match the oracle. */
function compare(label: string, className: string, n: number, input: ProblemInput): string | null {
  const oracle = enumerateTax(input);
  const ours = solve(input);
  tally.count(className, n, oracle.status);
  if (ours.status !== oracle.status) return `${label}: status ${ours.status} (${ours.reason}) vs ${oracle.status}`;
  if (ours.status !== 'optimal') return null;
  const objective = BigInt(new Decimal(ours.objective as string).times(new Decimal(10).pow(oracle.places)).toFixed(0));
  const key = [objective, ...tieBreak(input, ours.quantities, oracle.places)];
  if (key.some((v, i) => v !== oracle.key[i])) return `${label}: key ${key.join('/')} vs ${oracle.key.join('/')}`;
  return null;
}

describe('tax-aware optimizer against exhaustive enumeration over quantities and lot choices (N ≤ 6)', () => {
  afterAll(() => console.log(tally.report()));

  it(`when ${INSTANCES} seeded small problems with lots are solved, then status, objective and tie-break match enumeration`, () => {
    const failures: string[] = [];
    for (let seed = 1; seed <= INSTANCES; seed++) {
      const shape: Shape = { n: 1 + (seed % 6), marketValue: [1e3, 3e4], maxPrice: 2000, options: seed % 4 === 0 ? [] : ALL_OPTIONS };
      const input = withTax(generate(seed, shape), 500_000 + seed);
      const failure = compare(`seed ${seed}`, 'realistic', shape.n, input);
      if (failure !== null) failures.push(failure);
    }
    expect(failures).toEqual([]);
    expect(tally.optimal((className) => className === 'realistic')).toBeGreaterThan(INSTANCES / 3);
  });

  it(`when ${HARD_INSTANCES} small hard books with lots are solved, then status, objective and tie-break match enumeration`, () => {
    const failures: string[] = [];
    for (let seed = 1; seed <= HARD_INSTANCES; seed++) {
      const n = 2 + (seed % 5);
      const book = generateHardBook(70_000 + seed, { n, marketValue: [2e4, 6e4], drifts: ['0.1', '0.2', '0.5'] });
      const failure = compare(`hard book seed ${70_000 + seed}`, 'hard book', n, withTax(book, 600_000 + seed));
      if (failure !== null) failures.push(failure);
    }
    expect(failures).toEqual([]);
    expect(tally.optimal((className) => className === 'hard book')).toBeGreaterThan(HARD_INSTANCES / 3);
  });
});

import { afterAll, describe, expect, it } from '@jest/globals';
import { buildProblem, solve, verifyQuantities, type ProblemInput } from '../../../src/core/optimizer/index.js';
import { enumerate } from '../../support/oracle/enumerate.js';
import { generate, type Shape } from '../../support/oracle/generator.js';
import { generateHardBook } from '../../support/oracle/hard-books.js';
import { OracleTally } from '../../support/oracle/tally.js';

const ALL_OPTIONS: Shape['options'] = ['reserve', 'minTrade', 'lots', 'restricted', 'band'];
const INSTANCES = 1300;
const HARD_INSTANCES = 600;

/** Objective, trades and turnover of our answer at the oracle's scale. */
function keyOf(input: ProblemInput, quantities: Record<string, number>, scale: bigint) {
  const problem = buildProblem(input);
  const units = problem.securities.map((s) => quantities[s.id] as number);
  const check = verifyQuantities(problem, units);
  const ours = 10n ** BigInt(problem.weightPlaces + problem.moneyPlaces);
  let trades = 0;
  let turnover = 0n;
  problem.securities.forEach((s, i) => {
    const moved = Math.abs((units[i] as number) - s.current);
    if (moved > 0) trades++;
    turnover += BigInt(moved) * BigInt(s.price);
  });
  const money = 10n ** BigInt(problem.moneyPlaces);
  return { violation: check.violation, key: [(check.objective * scale) / ours, trades, (turnover * scale) / money] };
}

const tally = new OracleTally('enumeration');

/** Solves `input` both ways; a failure line, or null when status, objective and tie-break match. */
function compare(label: string, className: string, n: number, input: ProblemInput): string | null {
  const oracle = enumerate(input);
  const ours = solve(input);
  tally.count(className, n, oracle.status);
  if (ours.status !== oracle.status) return `${label}: status ${ours.status} (${ours.reason}) vs ${oracle.status}`;
  if (ours.status !== 'optimal') return null;
  const { violation, key } = keyOf(input, ours.quantities, oracle.scale);
  // The general path proves the objective; the full tie-break is a fast-path guarantee.
  const compared = ours.path === 'fast' ? 3 : 1;
  if (violation !== null || key.slice(0, compared).some((v, i) => v !== oracle.key[i])) {
    return `${label}: ${violation ?? ''} key ${key.join('/')} vs ${oracle.key.join('/')} (${ours.path})`;
  }
  return null;
}

describe('optimizer against exhaustive enumeration (N ≤ 6)', () => {
  afterAll(() => console.log(tally.report()));

  it(`when ${INSTANCES} seeded small problems are solved, then status, objective and tie-break match enumeration`, () => {
    const failures: string[] = [];
    for (let seed = 1; seed <= INSTANCES; seed++) {
      const shape: Shape = { n: 1 + (seed % 6), marketValue: [1e3, 3e4], maxPrice: 2000, options: seed % 4 === 0 ? [] : ALL_OPTIONS };
      const failure = compare(`seed ${seed}`, 'realistic', shape.n, generate(seed, shape));
      if (failure !== null) failures.push(failure);
    }
    expect(failures).toEqual([]);
    expect(tally.optimal((className) => className === 'realistic')).toBeGreaterThan(INSTANCES / 3);
  });

  it(`when ${HARD_INSTANCES} small hard books are solved, then status, objective and tie-break match enumeration`, () => {
    const failures: string[] = [];
    for (let seed = 1; seed <= HARD_INSTANCES; seed++) {
      const n = 2 + (seed % 5);
      const input = generateHardBook(70_000 + seed, { n, marketValue: [2e4, 6e4], drifts: ['0.1', '0.2', '0.5'] });
      const failure = compare(`hard book seed ${70_000 + seed}`, 'hard book', n, input);
      if (failure !== null) failures.push(failure);
    }
    expect(failures).toEqual([]);
    expect(tally.optimal((className) => className === 'hard book')).toBeGreaterThan(HARD_INSTANCES / 2);
  });
});

import { describe, expect, it } from '@jest/globals';
import { buildProblem, solve, verifyQuantities } from '../../../src/core/optimizer/index.js';
import { enumerate } from '../../support/oracle/enumerate.js';
import { generate, type Shape } from '../../support/oracle/generator.js';

const ALL_OPTIONS: Shape['options'] = ['reserve', 'minTrade', 'lots', 'restricted', 'band'];
const INSTANCES = 1300;

/** Objective, trades and turnover of our answer at the oracle's scale. */
function keyOf(input: ReturnType<typeof generate>, quantities: Record<string, number>, scale: bigint) {
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

describe('optimizer against exhaustive enumeration (N ≤ 6)', () => {
  it(`when ${INSTANCES} seeded small problems are solved, then status, objective and tie-break match enumeration`, () => {
    const failures: string[] = [];
    let optimal = 0;
    for (let seed = 1; seed <= INSTANCES; seed++) {
      const shape: Shape = { n: 1 + (seed % 6), marketValue: [1e3, 3e4], maxPrice: 2000, options: seed % 4 === 0 ? [] : ALL_OPTIONS };
      const input = generate(seed, shape);
      const oracle = enumerate(input);
      const ours = solve(input);
      if (ours.status !== oracle.status) {
        failures.push(`seed ${seed}: status ${ours.status} (${ours.reason}) vs ${oracle.status}`);
        continue;
      }
      if (ours.status !== 'optimal') continue;
      optimal++;
      const { violation, key } = keyOf(input, ours.quantities, oracle.scale);
      // The general path proves the objective; the full tie-break is a fast-path guarantee.
      const compared = ours.path === 'fast' ? 3 : 1;
      if (violation !== null || key.slice(0, compared).some((v, i) => v !== oracle.key[i])) {
        failures.push(`seed ${seed}: ${violation ?? ''} key ${key.join('/')} vs ${oracle.key.join('/')} (${ours.path})`);
      }
    }
    expect(failures).toEqual([]);
    expect(optimal).toBeGreaterThan(INSTANCES / 3);
  });
});

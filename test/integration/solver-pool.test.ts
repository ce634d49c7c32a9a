import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { deriveRebalance, solve } from '../../src/core/optimizer/index.js';
import type { ProblemInput } from '../../src/core/optimizer/types.js';
import { createSolverPool, type PoolResult, type SolverPool } from '../../src/solver-pool/index.js';
import { hardInstance } from '../support/oracle/hard-instance.js';
import { generalPathSolverModule } from './solver-pool/general-path-solver.js';
import { randomProblem } from './solver-pool/random-problems.js';

/** What must match between the pool and a direct call: everything but the wall time. */
function comparable(result: PoolResult): Omit<PoolResult, 'solveMs'> {
  const { solveMs: _solveMs, ...rest } = result;
  return rest;
}

function easyProblem(): ProblemInput {
  return randomProblem(7);
}

describe('solver pool (real optimizer)', () => {
  let pool: SolverPool;

  beforeAll(async () => {
    pool = createSolverPool({ size: 2, defaultDeadlineMs: 30_000 });
    // Warm both threads, so timings below measure solving, not thread start-up.
    await pool.solveMany(Array.from({ length: 64 }, () => easyProblem()));
  });

  afterAll(async () => {
    await pool.close();
  });

  it('when 600 problems are solved in one call, then the answers are in input order and identical to calling solve directly', async () => {
    const inputs = Array.from({ length: 600 }, (_, i) => randomProblem(1000 + i));
    const results = await pool.solveMany(inputs);
    expect(results).toHaveLength(inputs.length);
    expect(results.map(comparable)).toEqual(inputs.map((input) => comparable(solve(input))));
    const statuses = new Set(results.map((r) => r.status));
    expect(statuses.has('optimal')).toBe(true);
  });

  it('when asked to derive, then optimal answers carry the same trades and detail as deriveRebalance on the caller', async () => {
    const inputs = Array.from({ length: 80 }, (_, i) => randomProblem(3000 + i));
    const results = await pool.solveMany(inputs, undefined, { derive: true });
    const optimal = results.flatMap((result, i) => (result.status === 'optimal' ? [[result, inputs[i] as ProblemInput] as const] : []));
    expect(optimal.length).toBeGreaterThan(40);
    for (const [result, input] of optimal) {
      expect(result.rebalance).toEqual(deriveRebalance(input, solve(input)));
    }
  });

  it('when single solves are issued concurrently, then each answers its own problem', async () => {
    const inputs = Array.from({ length: 40 }, (_, i) => randomProblem(5000 + i));
    const results = await Promise.all(inputs.map((input) => pool.solve(input)));
    expect(results.map(comparable)).toEqual(inputs.map((input) => comparable(solve(input))));
  });

  it('when the input is bad, then the answer is a typed invalid result with the message and the field', async () => {
    const input = easyProblem();
    const bad: ProblemInput = { ...input, holdings: [{ securityId: 'X'.repeat(24), quantity: -3 }] };
    const result = await pool.solve(bad);
    expect(result).toMatchObject({ status: 'invalid', field: 'holdings[0].quantity' });
    expect(result.reason).toMatch(/quantity/);
  });
});

describe('solver pool deadlines (real optimizer, general path forced)', () => {
  let pool: SolverPool;
  const general = (input: ProblemInput) => comparable(solve(input, { path: 'general' }));

  beforeAll(async () => {
    pool = createSolverPool({ size: 2, defaultDeadlineMs: 30_000, solverModule: generalPathSolverModule });
    await pool.solveMany(Array.from({ length: 8 }, () => easyProblem()));
  });

  afterAll(async () => {
    await pool.close();
  });

  it('when the hard instance has a 50 ms deadline, then it times out within 1 s and the next solve succeeds', async () => {
    const started = performance.now();
    const result = await pool.solve(hardInstance, 50);
    const elapsed = performance.now() - started;
    expect(result.status).toBe('timeout');
    expect(result.reason).toBe('no feasible solution within 0.05 s');
    // Unbounded, the hard instance runs for many seconds; 1 s leaves room for a loaded CI machine.
    expect(elapsed).toBeLessThan(1_000);
    const next = await pool.solve(easyProblem());
    expect(next.status).toBe('optimal');
    expect(comparable(next)).toEqual(general(easyProblem()));
  });

  it('when the 3rd of 5 problems in a batch times out, then the other 4 are answered', async () => {
    const inputs = [1, 2, 3, 4, 5].map((i) => randomProblem(9000 + i));
    inputs[2] = { ...hardInstance, options: { ...hardInstance.options, deadlineMs: 50 } };
    const results = await pool.solveMany(inputs);
    expect(results.map((r) => r.status)[2]).toBe('timeout');
    for (const i of [0, 1, 3, 4]) {
      expect(comparable(results[i] as PoolResult)).toEqual(general(inputs[i] as ProblemInput));
    }
  });
});


import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ProblemInput } from '../../../src/core/optimizer/types.js';
import { createSolverPool, type SolverPool } from '../../../src/solver-pool/index.js';
import { stubSolverModule } from './stub-solver.js';

function problem(cash: string, securityId = 'A'.repeat(24)): ProblemInput {
  return { cash, holdings: [{ securityId, quantity: 7 }], prices: { [securityId]: '1' }, positions: [] };
}

describe('solver pool failure paths (stub solver)', () => {
  let pool: SolverPool;

  beforeAll(async () => {
    pool = createSolverPool({ size: 2, defaultDeadlineMs: 5_000, solverModule: stubSolverModule });
    await pool.solveMany(Array.from({ length: 64 }, (_, i) => problem(String(i))));
  });

  afterAll(async () => {
    await pool.close();
  });

  it('when a solve ignores a 50 ms deadline, then the thread is stopped and the timeout answered within 1 s', async () => {
    const restartsBefore = pool.status().restarts;
    const started = performance.now();
    const result = await pool.solve(problem('spin'), 50);
    // The stub spins forever: without the hard stop it would never answer. 1 s leaves room for a
    // loaded CI machine.
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(result).toMatchObject({ status: 'timeout', reason: 'no feasible solution within 0.05 s', path: null });
    expect(pool.status().restarts).toBe(restartsBefore + 1);
    await expect(pool.solve(problem('1'))).resolves.toMatchObject({ status: 'optimal' });
  });

  it('when a solve ignores its deadline, then it is answered as timeout and the rest of its batch still runs', async () => {
    const restartsBefore = pool.status().restarts;
    const inputs = [problem('1'), problem('2'), { ...problem('spin'), options: { deadlineMs: 50 } }, problem('4'), problem('5')];
    const started = Date.now();
    const results = await pool.solveMany(inputs);
    expect(results.map((r) => r.status)).toEqual(['optimal', 'optimal', 'timeout', 'optimal', 'optimal']);
    expect(results[2]?.reason).toBe('no feasible solution within 0.05 s');
    expect(pool.status().restarts).toBe(restartsBefore + 1);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('when a thread crashes mid-batch, then only its problem fails and the pool keeps serving', async () => {
    const results = await pool.solveMany([problem('1'), problem('crash'), problem('3'), problem('4')]);
    expect(results.map((r) => r.status)).toEqual(['optimal', 'failed', 'optimal', 'optimal']);
    expect(results[1]?.reason).toMatch(/^solver thread crashed/);
    const next = await pool.solve(problem('9'));
    expect(next).toMatchObject({ status: 'optimal', quantities: { ['A'.repeat(24)]: 7 } });
  });

  it('when the solver throws a non-input error, then that problem is failed with the message and the thread is kept', async () => {
    const restartsBefore = pool.status().restarts;
    const [bug, ok] = await pool.solveMany([problem('throw'), problem('1')]);
    expect(bug).toMatchObject({ status: 'failed', reason: 'solver error: stub bug' });
    expect(ok?.status).toBe('optimal');
    expect(pool.status().restarts).toBe(restartsBefore);
  });

  it('when the solver rejects the input, then the answer is a typed invalid result naming the field', async () => {
    const result = await pool.solve(problem('invalid'));
    expect(result).toMatchObject({ status: 'invalid', field: 'cash', reason: 'must be a decimal ≥ 0' });
  });

  it('when a problem names an unusable deadline, then it is invalid and the others are solved', async () => {
    const results = await pool.solveMany([problem('1'), { ...problem('2'), options: { deadlineMs: -5 } }]);
    expect(results.map((r) => r.status)).toEqual(['optimal', 'invalid']);
    expect(results[1]).toMatchObject({ field: 'options.deadline_ms' });
  });

  it('when 300 problems are solved at once, then every answer comes back in input order', async () => {
    const inputs = Array.from({ length: 300 }, (_, i) => problem(String(i), String(i).padStart(24, '0')));
    const results = await pool.solveMany(inputs);
    expect(results.map((r) => Object.keys(r.quantities)[0])).toEqual(inputs.map((p) => p.holdings[0]?.securityId));
  });
});

describe('solver pool shutdown', () => {
  it('when closed, then later calls reject and status reports nothing in flight', async () => {
    const pool = createSolverPool({ size: 1, defaultDeadlineMs: 1_000, solverModule: stubSolverModule });
    const pending = pool.solve(problem('1'));
    await pool.close();
    await expect(pending).resolves.toMatchObject({ status: 'optimal' });
    await expect(pool.solve(problem('1'))).rejects.toThrow('solver pool is closed');
    expect(pool.status()).toMatchObject({ busy: 0, queued: 0 });
  });

  it('when a process closes its pool, then no thread keeps it alive and it exits at once', () => {
    const script = fileURLToPath(new URL('./close-script.ts', import.meta.url));
    const started = Date.now();
    const child = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 20_000 });
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    expect(child.stdout.trim()).toBe('optimal');
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});

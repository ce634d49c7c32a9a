import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { solve } from '../../src/core/optimizer/index.js';
import type { ProblemInput } from '../../src/core/optimizer/types.js';
import { hardInstance } from '../support/oracle/hard-instance.js';
import { randomProblem } from '../integration/solver-pool/random-problems.js';
import { cliPath, ensureBuilt, root } from './ensure-built.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function ogs(args: string[], input = ''): Run {
  const child = spawnSync(process.execPath, [cliPath, ...args], { cwd: root, input, encoding: 'utf8', timeout: 60_000, maxBuffer: 256 * 1024 * 1024 });
  return { code: child.status, stdout: child.stdout, stderr: child.stderr };
}

/** The CLI's snake_case JSON for a ProblemInput. */
function problemJson(id: string | number, input: ProblemInput): Record<string, unknown> {
  const options = input.options ?? {};
  return {
    id,
    cash: input.cash,
    holdings: input.holdings.map((h) => ({ security_id: h.securityId, quantity: h.quantity })),
    prices: input.prices,
    model: {
      positions: input.positions.map((p) => ({ security_id: p.securityId, target: p.target, low_drift: p.lowDrift, high_drift: p.highDrift })),
    },
    options: {
      ...(options.cashReserve !== undefined && { cash_reserve: options.cashReserve }),
      ...(options.minTradeValue !== undefined && { min_trade_value: options.minTradeValue }),
      ...(options.lotSizes !== undefined && { lot_sizes: options.lotSizes }),
      ...(options.noBuy !== undefined && { no_buy: options.noBuy }),
      ...(options.noSell !== undefined && { no_sell: options.noSell }),
      ...(options.mode !== undefined && { mode: options.mode }),
      ...(options.deadlineMs !== undefined && { deadline_ms: options.deadlineMs }),
    },
  };
}

function lines(text: string): Record<string, unknown>[] {
  return text.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('ogs solve', () => {
  let dir: string;

  beforeAll(() => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'ogs-cli-'));
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('when a JSON Lines input has bad lines in the middle, then every line is answered in input order', () => {
    const good = (id: number) => JSON.stringify(problemJson(id, randomProblem(100 + id)));
    const missingCash = JSON.stringify({ ...problemJson(3, randomProblem(103)), cash: undefined });
    const input = [good(1), good(2), '{"id": "broken", cash', missingCash, good(4), '', good(5)].join('\n');
    const run = ogs(['solve', '--jsonl'], input);
    expect(run.code).toBe(0);
    const results = lines(run.stdout);
    expect(results.map((r) => r.id)).toEqual([1, 2, null, 3, 4, 5]);
    expect(results[2]).toMatchObject({ status: 'invalid' });
    expect(String(results[2]?.reason)).toMatch(/^json: not valid JSON/);
    expect(results[3]).toMatchObject({ id: 3, status: 'invalid' });
    expect(String(results[3]?.reason)).toMatch(/^cash: /);
    for (const r of [results[0], results[1], results[4], results[5]]) {
      expect(['optimal', 'infeasible']).toContain(r?.status);
    }
    expect(run.stderr).toMatch(/ogs solve: .*2 invalid/);
  });

  it('when more lines than one window are streamed, then the order is kept across windows', () => {
    const count = 700;
    const input = Array.from({ length: count }, (_, i) => JSON.stringify(problemJson(`p${i}`, randomProblem(20_000 + i)))).join('\n');
    const run = ogs(['solve', '--jsonl', '--threads', '2'], `${input}\n`);
    expect(run.code).toBe(0);
    const results = lines(run.stdout);
    expect(results.map((r) => r.id)).toEqual(Array.from({ length: count }, (_, i) => `p${i}`));
    results.forEach((result, i) => {
      const direct = solve(randomProblem(20_000 + i));
      expect(result.status).toBe(direct.status);
      if (direct.status === 'optimal') expect(result.quantities).toEqual(direct.quantities);
    });
  });

  it('when given one problem file, then it prints the result with trades and the exact cash after', () => {
    const file = join(dir, 'one.json');
    const input: ProblemInput = {
      cash: '10000',
      holdings: [],
      prices: { ['a'.repeat(24)]: '100', ['b'.repeat(24)]: '50' },
      positions: [
        { securityId: 'a'.repeat(24), target: '0.5', lowDrift: '0.05', highDrift: '0.05' },
        { securityId: 'b'.repeat(24), target: '0.3', lowDrift: '0.05', highDrift: '0.05' },
      ],
    };
    writeFileSync(file, JSON.stringify(problemJson('one', input)));
    const run = ogs(['solve', file]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(result).toMatchObject({
      id: 'one',
      status: 'optimal',
      objective: 0,
      quantities: { ['a'.repeat(24)]: 50, ['b'.repeat(24)]: 60 },
      trades: [
        { security_id: 'a'.repeat(24), transaction_type: 'BUY', quantity: 50 },
        { security_id: 'b'.repeat(24), transaction_type: 'BUY', quantity: 60 },
      ],
      reason: null,
    });
    expect(result.cash_after).toMatch(/^2000(\.0+)?$/);
    expect(typeof result.solve_ms).toBe('number');
  });

  it('when the README tax example is solved, then the sell takes the short-term loss lot and the tax summary is printed', () => {
    // The example in README.md ("Tax-aware rebalancing"), verbatim.
    const example = {
      id: 'lots',
      cash: '100',
      holdings: [
        {
          security_id: 'A',
          quantity: 10,
          lots: [
            { lot_id: 'L1', quantity: 6, unit_cost: '50', acquired: '2020-01-01' },
            { lot_id: 'L2', quantity: 4, unit_cost: '120', acquired: '2026-01-10' },
          ],
        },
      ],
      prices: { A: '100', B: '10' },
      model: {
        positions: [
          { security_id: 'A', target: '0.5', low_drift: '0.05', high_drift: '0.05' },
          { security_id: 'B', target: '0.45', low_drift: '0.05', high_drift: '0.05' },
        ],
      },
      options: { tax: { enabled: true, short_term_rate: '0.37', long_term_rate: '0.2', as_of: '2026-03-01' } },
    };
    const run = ogs(['solve', '--jsonl'], `${JSON.stringify(example)}\n`);
    expect(run.code).toBe(0);
    const [result] = lines(run.stdout);
    expect(result).toEqual({
      id: 'lots',
      status: 'optimal',
      objective: 55,
      quantities: { A: 6, B: 49 },
      trades: [
        { security_id: 'A', transaction_type: 'SELL', quantity: 4, lots: [{ lot_id: 'L2', quantity: 4, realized_gain: '-80', term: 'short' }] },
        { security_id: 'B', transaction_type: 'BUY', quantity: 49 },
      ],
      cash_after: '10',
      tax: { short_term_gain: '0', short_term_loss: '80', long_term_gain: '0', long_term_loss: '0', estimated_tax: '-29.6' },
      reason: null,
      solve_ms: expect.any(Number),
    });
  });

  it('when the problem file has a bad field, then it exits 2 naming the field', () => {
    const file = join(dir, 'bad.json');
    const json = problemJson('bad', randomProblem(1));
    writeFileSync(file, JSON.stringify({ ...json, holdings: [{ security_id: 'c'.repeat(24), quantity: 'many' }] }));
    const run = ogs(['solve', file]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('holdings[0].quantity');
  });

  it('when the optimizer rejects a value, then single-file mode exits 2 naming the field', () => {
    const file = join(dir, 'negative.json');
    const json = problemJson('neg', randomProblem(2));
    writeFileSync(file, JSON.stringify({ ...json, cash: '-5' }));
    const run = ogs(['solve', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/invalid problem: cash: /);
  });

  it('when the hard instance has deadline_ms 50, then the result is a timeout', () => {
    const json = problemJson('hard', { ...hardInstance, options: { ...hardInstance.options, deadlineMs: 50 } });
    const run = ogs(['solve', '--jsonl'], `${JSON.stringify(json)}\n`);
    expect(run.code).toBe(0);
    expect(lines(run.stdout)).toEqual([
      expect.objectContaining({ id: 'hard', status: 'timeout', reason: 'no feasible solution within 0.05 s', trades: [] }),
    ]);
  });

  it('when the input file is missing or not JSON, then it exits 2 and says which file', () => {
    const missing = ogs(['solve', '--jsonl', join(dir, 'nope.jsonl')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read');
    const garbled = join(dir, 'garbled.json');
    writeFileSync(garbled, '{"cash": ');
    const run = ogs(['solve', garbled]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('garbled.json is not valid JSON');
  });

  it('when JSON Lines come from a FILE argument, then they are read from it', () => {
    const file = join(dir, 'two.jsonl');
    writeFileSync(file, `${JSON.stringify(problemJson('x', randomProblem(3)))}\n${JSON.stringify(problemJson('y', randomProblem(4)))}\n`);
    const run = ogs(['solve', '--jsonl', file]);
    expect(run.code).toBe(0);
    expect(lines(run.stdout).map((r) => r.id)).toEqual(['x', 'y']);
  });

  it('when asked for help, then it prints usage and exits 0', () => {
    const top = ogs(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/solve\s+Solve rebalancing problems/);
    const sub = ogs(['solve', '--help']);
    expect(sub.code).toBe(0);
    expect(sub.stdout).toContain('ogs solve --jsonl');
  });

  it('when the command or a flag is unknown, then it says so and exits 2', () => {
    const command = ogs(['rebalance-everything']);
    expect(command.code).toBe(2);
    expect(command.stderr).toContain("unknown command 'rebalance-everything'");
    const flag = ogs(['solve', '--jsonl', '--fast']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/--fast/);
    const value = ogs(['solve', '--jsonl', '--threads', 'zero']);
    expect(value.code).toBe(2);
    expect(value.stderr).toContain('--threads must be a whole number');
  });
});

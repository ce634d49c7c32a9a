import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { runCli } from '../../src/cli/run-cli.js';
import { captureIo } from '../support/cli-io.js';
import { runsApiStub } from '../browser/support/runs-api-stub.js';
import { listenOnLoopback } from '../support/listen.js';

const io = captureIo;

describe('ogs run, runs and run-status against the runs API', () => {
  let baseUrl = '';
  let stop = () => undefined as void;
  let env: NodeJS.ProcessEnv;
  const bodies: unknown[] = [];

  beforeAll(async () => {
    const app = express();
    app.use(express.json());
    app.use((req, _res, next) => {
      if (req.method === 'POST') bodies.push(req.body);
      next();
    });
    app.use(runsApiStub());
    ({ url: baseUrl, stop } = await listenOnLoopback(app));
    env = { OGS_API_URL: baseUrl };
  });

  afterAll(() => {
    stop();
  });

  it('when a run is submitted for all portfolios, then progress is shown and the summary lists counts, orders and reasons', async () => {
    const t = io(env);
    const code = await runCli(['run', '--all', '--mode', 'band'], t.io);
    expect(code).toBe(0);
    expect(bodies.at(-1)).toEqual({ all: true, options: { mode: 'band' } });
    expect(t.err()).toMatch(/Submitted run run\d+ \(12 portfolios\)/);
    expect(t.err()).toMatch(/12\/12 portfolios \(100%\)/);
    expect(t.out()).toMatch(/completed_with_errors/);
    expect(t.out()).toMatch(/optimal\s+11/);
    expect(t.out()).toMatch(/orders\s+44/);
    expect(t.out()).toContain('cash too short: needs 1,204.50, has 310.00');
  });

  it('when portfolio ids come from a file, then they are sent as portfolio_ids', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ogs-run-')), 'ids.txt');
    writeFileSync(file, 'p1\np2, p3\n');
    const t = io(env);
    expect(await runCli(['run', '--portfolios', file, '--no-wait'], t.io)).toBe(0);
    expect(bodies.at(-1)).toEqual({ portfolio_ids: ['p1', 'p2', 'p3'] });
    expect(JSON.parse(t.out()).status).toBe('queued');
  });

  it('when --tax and its flags are given, then the run carries options.tax with the API field names', async () => {
    const t = io(env);
    const args = ['run', '--all', '--no-wait', '--tax', '--short-term-rate', '0.37', '--long-term-rate', '0.2', '--tax-weight', '2', '--wash-sale-days', '31', '--harvest-losses', '--as-of', '2026-11-30'];
    expect(await runCli(args, t.io)).toBe(0);
    expect(bodies.at(-1)).toEqual({
      all: true,
      options: { tax: { enabled: true, short_term_rate: '0.37', long_term_rate: '0.2', weight: '2', wash_sale_days: 31, harvest_losses: true, as_of: '2026-11-30' } },
    });
  });

  it('when tax flags are wrong or given without --tax, then each is named with its value and it exits 2', async () => {
    const without = io(env);
    expect(await runCli(['run', '--all', '--short-term-rate', '0.3'], without.io)).toBe(2);
    expect(without.err()).toContain('--short-term-rate needs --tax');
    const wrong = io(env);
    expect(await runCli(['run', '--all', '--tax', '--short-term-rate', '1.5', '--long-term-days', 'ten', '--as-of', '2026-02-30'], wrong.io)).toBe(2);
    expect(wrong.err()).toContain("--short-term-rate must be a decimal in [0, 1], got '1.5'");
    expect(wrong.err()).toContain("--long-term-days must be a whole number of days, got 'ten'");
    expect(wrong.err()).toContain("--as-of must be a date that exists, got '2026-02-30'");
    expect(wrong.err()).toContain('--long-term-rate required when tax is enabled');
  });

  it('when two selections are given, then it is a usage error with exit code 2', async () => {
    const t = io(env);
    expect(await runCli(['run', '--all', '--model', 'm1'], t.io)).toBe(2);
    expect(t.err()).toContain('give exactly one of --model ID…, --portfolios FILE or --all');
  });

  it('when runs are listed, then a table shows each run with its progress', async () => {
    const t = io(env);
    expect(await runCli(['runs'], t.io)).toBe(0);
    expect(t.out()).toMatch(/^RUN\s+STATUS\s+PROCESSED/);
    expect(t.out()).toMatch(/run1\s+completed_with_errors\s+12\/12\s+11\s+1/);
  });

  it('when a run status is asked for, then its summary is printed; an unknown id fails', async () => {
    const t = io(env);
    expect(await runCli(['run-status', 'run1'], t.io)).toBe(0);
    expect(t.out()).toMatch(/^Run run1: completed_with_errors/);
    expect(await runCli(['run-status', 'nope'], io(env).io)).toBe(1);
  });
});

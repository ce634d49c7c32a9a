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

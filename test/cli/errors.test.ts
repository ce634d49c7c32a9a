import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { runCli } from '../../src/cli/run-cli.js';
import { captureIo } from '../support/cli-io.js';
import { freePort } from '../support/free-port.js';
import { runsApiStub } from '../browser/support/runs-api-stub.js';
import { listenOnLoopback } from '../support/listen.js';

const io = captureIo;

const dir = mkdtempSync(join(tmpdir(), 'ogs-cli-errors-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('ogs: file errors, validation errors and network errors', () => {
  let stop = () => undefined as void;
  let base: string;
  const keys: (string | undefined)[] = [];

  beforeAll(async () => {
    const app = express();
    app.use(express.json());
    app.use((req, _res, next) => {
      keys.push(req.get('x-api-key'));
      next();
    });
    app.use(runsApiStub());
    ({ url: base, stop } = await listenOnLoopback(app));
  });

  afterAll(() => {
    stop();
  });

  it('when the import file does not exist, then it says so and exits 1', async () => {
    for (const kind of ['prices', 'holdings']) {
      const t = io();
      expect(await runCli(['import', kind, join(dir, 'missing.csv')], t.io)).toBe(1);
      expect(t.err()).toContain(`${join(dir, 'missing.csv')}: no such file; nothing was sent.`);
    }
    const t = io();
    expect(await runCli(['import', 'prices', join(dir, 'missing.json')], t.io)).toBe(1);
    expect(t.err()).toContain('missing.json: no such file');
  });

  it('when the import path is a directory, then it says so and exits 1', async () => {
    const folder = join(dir, 'folder.csv');
    mkdirSync(folder, { recursive: true });
    const t = io();
    expect(await runCli(['import', 'prices', folder], t.io)).toBe(1);
    expect(t.err()).toContain('folder.csv: is a directory');
  });

  it('when a CSV uses semicolons, then the header message names the delimiter and it exits 1 as the help says', async () => {
    const t = io();
    expect(await runCli(['import', 'prices', file('semi.csv', 'security_id;price\nabc;1\n')], t.io)).toBe(1);
    expect(t.err()).toMatch(/missing security_id,price, found "security_id;price".*delimiter/);
  });

  it('when a JSON file is malformed or a CSV has ragged lines, then the message says which file and what', async () => {
    const json = io();
    expect(await runCli(['import', 'prices', file('bad.json', '[{"security_id": ')], json.io)).toBe(1);
    expect(json.err()).toMatch(/bad\.json: not valid JSON/);
    const ragged = io();
    expect(await runCli(['import', 'prices', file('ragged.csv', 'security_id,price\na,1,extra\n')], ragged.io)).toBe(1);
    expect(ragged.err()).toMatch(/ragged\.csv line 2: malformed CSV/);
  });

  it('when several lines are bad, then every one is listed with its field and value', async () => {
    const t = io();
    const csv = `security_id,price\n${'a'.repeat(24)},abc\nshort,1.00\n${'b'.repeat(24)},-2\n`;
    expect(await runCli(['import', 'prices', file('bad-lines.csv', csv)], t.io)).toBe(1);
    expect(t.err()).toMatch(/line 2 \(price\): must be a decimal > 0 in plain notation, got "abc"/);
    expect(t.err()).toMatch(/line 3 \(security_id\): must be a 24-character hex id, got "short"/);
    expect(t.err()).toMatch(/line 4 \(price\): .*got "-2"/);
  });

  it('when the API cannot be reached, then each command names the URL and the reason and exits 1', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    for (const argv of [['runs'], ['run-status', 'r1'], ['run', '--all']]) {
      const t = io({ OGS_API_URL: url });
      expect(await runCli(argv, t.io)).toBe(1);
      expect(t.err()).toMatch(new RegExp(`cannot reach (GET|POST) ${url}/api/v1/runs\\S*: connect ECONNREFUSED`));
    }
    const t = io();
    expect(await runCli(['import', 'prices', file('ok.csv', `security_id,price\n${'a'.repeat(24)},1.00\n`), '--url', url], t.io)).toBe(1);
    expect(t.err()).toMatch(new RegExp(`cannot reach PUT ${url}/api/v1/prices: connect ECONNREFUSED`));
  });

  it('when run flags are wrong, then all of them are listed at once with their values and it exits 2', async () => {
    const t = io({ OGS_API_URL: base });
    expect(await runCli(['run', '--model', 'nope', '--mode', 'fast', '--cash-reserve', 'abc', '--min-trade-value=-1'], t.io)).toBe(2);
    expect(t.err()).toContain("--model must be a 24-character hex id, got 'nope'");
    expect(t.err()).toContain("--mode must be target or band, got 'fast'");
    expect(t.err()).toContain("--cash-reserve must be a decimal amount ≥ 0 such as 100.00, got 'abc'");
    expect(t.err()).toContain("--min-trade-value must be a decimal amount ≥ 0 such as 100.00, got '-1'");
  });

  it('when --api-key is given, then run, runs and run-status send it on every call', async () => {
    keys.length = 0;
    expect(await runCli(['run', '--all', '--api-key', 'k-run'], io({ OGS_API_URL: base }).io)).toBe(0);
    expect(await runCli(['runs', '--api-key', 'k-runs'], io({ OGS_API_URL: base }).io)).toBe(0);
    expect(await runCli(['run-status', 'run1', '--api-key', 'k-status'], io({ OGS_API_URL: base }).io)).toBe(0);
    expect(new Set(keys)).toEqual(new Set(['k-run', 'k-runs', 'k-status']));
  });

  it('when the API answers an error, then the command prints it and exits 1', async () => {
    const t = io({ OGS_API_URL: base });
    expect(await runCli(['run-status', 'nope'], t.io)).toBe(1);
    expect(t.err()).toContain('ogs run-status: HTTP 404: no such run');
  });
});

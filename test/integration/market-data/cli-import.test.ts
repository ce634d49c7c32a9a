import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../src/cli/run-cli.js';
import { captureIo } from '../../support/cli-io.js';
import { createTestApi, type TestApi } from '../../api/models-support.js';

const id = (n: number) => n.toString(16).padStart(24, '0');

const io = captureIo;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('ogs import against the real API', () => {
  let api: TestApi;
  let server: Server;
  let env: NodeJS.ProcessEnv;
  const dir = mkdtempSync(join(tmpdir(), 'ogs-import-'));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  beforeAll(async () => {
    api = await createTestApi('cli-import', { API_KEYS: 'k-import' });
    server = createServer(api.app);
    env = { OGS_API_URL: await listen(server), OGS_API_KEY: 'k-import' };
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('when a holdings CSV is imported in small batches, then every portfolio is stored whole', async () => {
    const csv = file(
      'holdings.csv',
      [
        'portfolio_id,cash,security_id,quantity',
        `${id(1)},100.50,${id(101)},10`,
        `${id(2)},7,${id(101)},3`,
        `${id(1)},100.50,${id(102)},20`,
        `${id(3)},0.25,,`,
        `${id(1)},100.5,${id(103)},30`,
      ].join('\n'),
    );
    const t = io(env);
    const code = await runCli(['import', 'holdings', csv, '--batch', '2'], t.io);
    expect(t.err()).toMatch(/batch 2\/2 written: 5\/5 holding lines/);
    expect(code).toBe(0);
    expect(t.out()).toBe('Imported 3 portfolios (5 holding lines) in 2 batch(es): 3 new, 0 modified, 0 matched.\n');
    const stored = await api.services.holdings.findMany([id(1), id(3)]);
    expect(stored.get(id(1))?.holdings.map((h) => h.quantity)).toEqual([10, 20, 30]);
    expect(stored.get(id(3))).toEqual({ portfolioId: id(3), cash: '0.25', holdings: [] });
  });

  it('when the CSVs carry the optional name and ticker columns, then portfolios keep their names and securities their tickers', async () => {
    const holdings = file(
      'named.csv',
      ['portfolio_id,name,cash,security_id,quantity', `${id(11)},Smith Family Trust,10,${id(111)},1`, `${id(11)},,10,${id(112)},2`, `${id(12)},,5,,`].join('\n'),
    );
    const prices = file('tickers.csv', ['security_id,price,ticker', `${id(111)},12.5,IBM`, `${id(112)},3,`].join('\n'));
    for (const args of [['import', 'holdings', holdings], ['import', 'prices', prices]]) {
      const t = io(env);
      expect(await runCli(args, t.io)).toBe(0);
    }
    const stored = await api.services.holdings.findMany([id(11), id(12)]);
    expect(stored.get(id(11))).toMatchObject({ name: 'Smith Family Trust', holdings: [{ quantity: 1 }, { quantity: 2 }] });
    expect(stored.get(id(12))?.name).toBeUndefined();
    expect(Object.fromEntries(await api.services.prices.findMany([id(111), id(112)]))).toEqual({ [id(111)]: { price: '12.5', ticker: 'IBM' }, [id(112)]: { price: '3' } });
  });

  it('when a CSV has bad lines, then each is reported by file line and nothing is sent', async () => {
    const csv = file(
      'bad.csv',
      ['security_id,price', `${id(201)},10.5`, '', `${id(202)},1e3`, `${id(203)},12`, `${id(201)},11`].join('\n'),
    );
    const t = io(env);
    const code = await runCli(['import', 'prices', csv], t.io);
    expect(code).toBe(1);
    expect(t.err()).toContain('line 4 (price): must be a decimal > 0 in plain notation, got "1e3"');
    expect(t.err()).toContain('line 6 (security_id): duplicate of rows[0]');
    expect(t.err()).toContain('nothing was sent');
    expect(await api.services.prices.findMany([id(201), id(203)])).toEqual(new Map());
  });

  it('when one portfolio has two different cash values, then the lines are named', async () => {
    const csv = file('cash.csv', ['portfolio_id,cash,security_id,quantity', `${id(9)},5,${id(101)},1`, `${id(9)},6,${id(102)},1`].join('\n'));
    const t = io(env);
    expect(await runCli(['import', 'holdings', csv], t.io)).toBe(1);
    expect(t.err()).toContain(`line 3: cash "6" differs from "5" on line 2 for portfolio ${id(9)}`);
  });

  it('when the API key is wrong, then the first batch is refused and the report says nothing was written', async () => {
    const csv = file('p.csv', ['security_id,price', `${id(301)},1`].join('\n'));
    const t = io({ ...env, OGS_API_KEY: 'wrong' });
    expect(await runCli(['import', 'prices', csv], t.io)).toBe(1);
    expect(t.err()).toMatch(/batch 1\/1 \(lines 2–2\) was refused, nothing of it written: HTTP 401/);
    expect(t.err()).toContain('Nothing was written.');
  });

  it('when a holdings CSV has lot columns, then each lot line joins its holding and the lots are stored', async () => {
    const csv = file(
      'lots.csv',
      [
        'portfolio_id,cash,security_id,quantity,lot_id,lot_quantity,unit_cost,acquired',
        `${id(40)},50,${id(101)},10,L1,6,10.50,2024-01-15`,
        `${id(40)},50,${id(102)},3,,,,`,
        `${id(40)},50,${id(101)},10,L2,4,12,2026-02-01`,
      ].join('\n'),
    );
    const t = io(env);
    const code = await runCli(['import', 'holdings', csv], t.io);
    expect(t.err()).toBe('batch 1/1 written: 3/3 holding lines\n');
    expect(code).toBe(0);
    expect((await api.services.holdings.findMany([id(40)])).get(id(40))).toEqual({
      portfolioId: id(40),
      cash: '50',
      holdings: [
        {
          securityId: id(101),
          quantity: 10,
          lots: [
            { lotId: 'L1', quantity: 6, unitCost: '10.5', acquired: '2024-01-15' },
            { lotId: 'L2', quantity: 4, unitCost: '12', acquired: '2026-02-01' },
          ],
        },
        { securityId: id(102), quantity: 3 },
      ],
    });
  });

  it('when lots do not add up to the holding quantity, then the line, portfolio and security are named and nothing is sent', async () => {
    const csv = file(
      'lots-bad.csv',
      [
        'portfolio_id,cash,security_id,quantity,lot_id,lot_quantity,unit_cost,acquired',
        `${id(41)},0,${id(101)},10,L1,6,10,2024-01-15`,
        `${id(41)},0,${id(101)},10,L2,3,12,2024-02-30`,
        `${id(41)},0,${id(101)},10,L1,1,12,2024-03-01`,
      ].join('\n'),
    );
    const t = io(env);
    expect(await runCli(['import', 'holdings', csv], t.io)).toBe(1);
    expect(t.err()).toContain('line 3 (acquired): must be a date YYYY-MM-DD, got "2024-02-30"');
    expect(t.err()).toContain('line 4 (lot_id): duplicate of rows[0].holdings[0].lots[0]');
    expect(t.err()).toContain('nothing was sent');
    const sum = file('lots-sum.csv', ['portfolio_id,cash,security_id,quantity,lot_id,lot_quantity,unit_cost,acquired', `${id(42)},0,${id(101)},10,L1,6,10,2024-01-15`].join('\n'));
    const s = io(env);
    expect(await runCli(['import', 'holdings', sum], s.io)).toBe(1);
    expect(s.err()).toContain(`line 2 (lots): lots of portfolio ${id(42)} security ${id(101)} add up to 6 shares, not the holding's quantity 10`);
    expect(await api.services.holdings.findMany([id(41), id(42)])).toEqual(new Map());
  });

  it('when only some lot columns are named, then the header is refused', async () => {
    const csv = file('lots-header.csv', ['portfolio_id,cash,security_id,quantity,lot_id', `${id(43)},0,${id(101)},10,L1`].join('\n'));
    const t = io(env);
    expect(await runCli(['import', 'holdings', csv], t.io)).toBe(1);
    expect(t.err()).toContain('must name all of lot_id,lot_quantity,unit_cost,acquired; missing lot_quantity,unit_cost,acquired');
  });

  it('when recent sales come in a CSV next to the holdings CSV, then each portfolio stores its sales', async () => {
    const holdings = file('h-sales.csv', ['portfolio_id,cash,security_id,quantity', `${id(44)},10,${id(101)},5`, `${id(45)},20,${id(102)},7`].join('\n'));
    const sales = file(
      'sales.csv',
      ['portfolio_id,security_id,date,quantity,realized_gain', `${id(44)},${id(103)},2026-11-20,12,-340.50`, `${id(44)},${id(101)},2026-11-02,3,15`].join('\n'),
    );
    const t = io(env);
    expect(await runCli(['import', 'holdings', holdings, '--recent-sales', sales], t.io)).toBe(0);
    const stored = await api.services.holdings.findMany([id(44), id(45)]);
    expect(stored.get(id(44))?.recentSales).toEqual([
      { securityId: id(103), date: '2026-11-20', quantity: 12, realizedGain: '-340.5' },
      { securityId: id(101), date: '2026-11-02', quantity: 3, realizedGain: '15' },
    ]);
    expect(stored.get(id(45))?.recentSales).toBeUndefined();
  });

  it('when a recent-sales CSV has bad lines or a portfolio not in the holdings file, then its lines are named and nothing is sent', async () => {
    const holdings = file('h-sales-bad.csv', ['portfolio_id,cash,security_id,quantity', `${id(46)},10,${id(101)},5`].join('\n'));
    const sales = file(
      'sales-bad.csv',
      ['portfolio_id,security_id,date,quantity,realized_gain', `${id(46)},${id(103)},2026-02-30,12,-1`, `${id(47)},${id(101)},2026-11-02,3,15`, `${id(46)},${id(101)},2026-11-02,0,x`].join('\n'),
    );
    const t = io(env);
    expect(await runCli(['import', 'holdings', holdings, '--recent-sales', sales], t.io)).toBe(1);
    expect(t.err()).toContain(`${sales} line 3: portfolio "${id(47)}" is not in the holdings file`);
    expect(t.err()).toContain(`${sales} line 2 (date): must be a date YYYY-MM-DD, got "2026-02-30"`);
    expect(t.err()).toContain(`${sales} line 4 (quantity): must be a whole number ≥ 1`);
    expect(t.err()).toContain(`${sales} line 4 (realized_gain): must be a decimal`);
    expect(t.err()).toContain('nothing was sent');
    expect(await api.services.holdings.findMany([id(46)])).toEqual(new Map());
    const prices = io(env);
    expect(await runCli(['import', 'prices', holdings, '--recent-sales', sales], prices.io)).toBe(2);
    expect(prices.err()).toContain('--recent-sales goes with ogs import holdings');
    const wrongHeader = file('sales-header.csv', ['portfolio_id;security_id;date;quantity;realized_gain', `${id(46)};${id(103)};2026-11-20;12;-1`].join('\n'));
    const header = io(env);
    expect(await runCli(['import', 'holdings', holdings, '--recent-sales', wrongHeader], header.io)).toBe(1);
    expect(header.err()).toContain('it must be a comma');
  });

  it('when a JSON file is imported, then it is sent as the API body', async () => {
    const json = file('p.json', JSON.stringify([{ security_id: id(401), price: '99.990' }]));
    const t = io(env);
    expect(await runCli(['import', 'prices', json, '--api-key', 'k-import'], t.io)).toBe(0);
    expect((await api.services.prices.findOne(id(401)))?.price).toBe('99.99');
  });
});

describe('ogs import when the server refuses a later batch', () => {
  it('when batch 2 is rejected, then its errors name file lines and batch 1 is reported as written', async () => {
    let calls = 0;
    const stub = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        calls += 1;
        res.setHeader('content-type', 'application/json');
        if (calls === 1) return res.end(JSON.stringify({ upserted: 2, modified: 0, matched: 0 }));
        res.statusCode = 400;
        res.end(JSON.stringify({ detail: '1 invalid row value(s)', code: 'INVALID_INPUT', error_count: 1, errors: [{ field: 'rows[0].price', message: 'stub says no' }] }));
      });
    });
    const url = await listen(stub);
    const dir = mkdtempSync(join(tmpdir(), 'ogs-import-'));
    const csv = join(dir, 'p.csv');
    writeFileSync(csv, ['security_id,price', `${id(1)},1`, `${id(2)},2`, `${id(3)},3`].join('\n'));
    const t = io({});
    try {
      expect(await runCli(['import', 'prices', csv, '--url', url, '--batch', '2'], t.io)).toBe(1);
    } finally {
      stub.close();
      rmSync(dir, { recursive: true, force: true });
    }
    expect(t.err()).toContain('batch 2/2 (lines 4–4) was refused');
    expect(t.err()).toContain('line 4 (price): stub says no');
    expect(t.err()).toContain('Batches 1–1 (2/3 prices) were written and stay written; batches 2–2 were not sent.');
  });
});

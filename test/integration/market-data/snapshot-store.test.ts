import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MongoClient, type CommandStartedEvent } from 'mongodb';
import { importHoldings } from '../../../src/market-data/import-holdings.js';
import { importPrices } from '../../../src/market-data/import-prices.js';
import { SnapshotMarketData } from '../../../src/market-data/snapshot-source.js';
import { HOLDINGS_COLLECTION, HoldingsRepository, ensureHoldingsIndexes } from '../../../src/store/holdings-repository.js';
import { PRICES_COLLECTION, PricesRepository, ensurePricesIndexes } from '../../../src/store/prices-repository.js';
import { createTestDatabase, type TestDatabase } from '../../support/mongo.js';

const id = (n: number) => n.toString(16).padStart(24, '0');

describe('the market-data snapshot store', () => {
  let t: TestDatabase;
  let holdings: HoldingsRepository;
  let prices: PricesRepository;
  let source: SnapshotMarketData;

  beforeAll(async () => {
    t = await createTestDatabase('snapshot-store');
    await ensureHoldingsIndexes(t.db);
    await ensurePricesIndexes(t.db);
    // A small batch size so the tests cross batch boundaries.
    holdings = new HoldingsRepository(t.db, 7);
    prices = new PricesRepository(t.db, 7);
    source = new SnapshotMarketData(holdings, prices);
  });
  afterAll(async () => {
    await t.drop();
  });

  it('when holdings are uploaded, then they read back exactly, decimal strings unchanged', async () => {
    const body = [
      { portfolio_id: id(1), cash: '12345678901234.123456789012', holdings: [{ security_id: id(101), quantity: 9007199254740991 }] },
      { portfolio_id: id(2), cash: '0.1', holdings: [{ security_id: id(101), quantity: 0 }, { security_id: id(102), quantity: '42' }] },
      { portfolio_id: id(3), cash: 0.3, holdings: [] },
    ];
    const outcome = await importHoldings(holdings, body);
    expect(outcome).toEqual({ status: 'written', counts: { upserted: 3, modified: 0, matched: 0 } });
    const loaded = await source.loadPortfolios([id(1), id(2), id(3), id(4)]);
    expect(loaded.get(id(1))).toEqual({ portfolioId: id(1), cash: '12345678901234.123456789012', holdings: [{ securityId: id(101), quantity: 9007199254740991 }] });
    expect(loaded.get(id(2))).toEqual({
      portfolioId: id(2),
      cash: '0.1',
      holdings: [{ securityId: id(101), quantity: 0 }, { securityId: id(102), quantity: 42 }],
    });
    expect(loaded.get(id(3))?.cash).toBe('0.3');
    // Never uploaded: no market data, which the worker reports as NO_MARKET_DATA, not as cash 0.
    expect(loaded.has(id(4))).toBe(false);
  });

  it('when a portfolio is uploaded again, then its snapshot is replaced, not merged', async () => {
    const outcome = await importHoldings(holdings, [{ portfolio_id: id(2), cash: '0100.50', holdings: [{ security_id: id(103), quantity: 5 }] }]);
    expect(outcome).toEqual({ status: 'written', counts: { upserted: 0, modified: 1, matched: 1 } });
    expect(await holdings.findOne(id(2))).toMatchObject({ cash: '100.5', holdings: [{ securityId: id(103), quantity: 5 }] });
    expect(await t.db.collection(HOLDINGS_COLLECTION).countDocuments({ portfolio_id: id(2) })).toBe(1);
  });

  it('when an upload has inserted its version but not yet deleted the older one, then readers see the newer', async () => {
    await holdings.upsertMany([{ portfolioId: id(5), cash: '1', holdings: [] }], new Date('2026-01-01T00:00:00Z'));
    const older = await t.db.collection(HOLDINGS_COLLECTION).findOne({ portfolio_id: id(5) });
    await holdings.upsertMany([{ portfolioId: id(5), cash: '2', holdings: [] }], new Date('2026-01-02T00:00:00Z'));
    // Put the older version back, as if the newer upload had stopped between its two steps.
    await t.db.collection(HOLDINGS_COLLECTION).insertOne(older as never);
    expect((await source.loadPortfolios([id(5)])).get(id(5))?.cash).toBe('2');
    expect((await holdings.findOne(id(5)))?.cash).toBe('2');
  });

  it('when one row of many is invalid, then nothing is written and every error names its row', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => ({ portfolio_id: id(1000 + i), cash: '10', holdings: [{ security_id: id(101), quantity: 1 }] }));
    rows[17] = { portfolio_id: id(1017), cash: '10', holdings: [{ security_id: id(101), quantity: 1 }, { security_id: id(102), quantity: 2 }, { security_id: id(103), quantity: 1.5 }] };
    rows[20] = { portfolio_id: id(1003), cash: '1e3', holdings: [] };
    const outcome = await importHoldings(holdings, rows);
    expect(outcome).toEqual({
      status: 'rejected',
      errorCount: 3,
      errors: [
        { field: 'rows[17].holdings[2].quantity', message: 'must be a whole number ≥ 0, got 1.5' },
        { field: 'rows[20].cash', message: 'must be a decimal ≥ 0 in plain notation, got "1e3"' },
        { field: 'rows[20].portfolio_id', message: 'duplicate of rows[3]' },
      ],
    });
    expect(await t.db.collection(HOLDINGS_COLLECTION).countDocuments({ portfolio_id: { $in: rows.map((r) => r.portfolio_id) } })).toBe(0);
  });

  it('when prices are uploaded, then they read back canonical with their tickers and missing ones are absent', async () => {
    const body = Array.from({ length: 20 }, (_, i) => ({ security_id: id(200 + i), price: `${i + 1}.2500`, ...(i === 0 ? { ticker: ' IBM ' } : {}) }));
    const outcome = await importPrices(prices, body);
    expect(outcome).toEqual({ status: 'written', counts: { upserted: 20, modified: 0, matched: 0 } });
    const loaded = await source.loadPrices([id(200), id(219), id(999)]);
    expect([...loaded.entries()]).toEqual([
      [id(200), { price: '1.25', ticker: 'IBM' }],
      [id(219), { price: '20.25' }],
    ]);
  });

  it('when a portfolio is uploaded with a name, then the snapshot carries it; a too-long name or ticker is rejected naming the field', async () => {
    const outcome = await importHoldings(holdings, [{ portfolio_id: id(7300), name: 'Smith Family Trust', cash: '10', holdings: [] }]);
    expect(outcome.status).toBe('written');
    expect((await source.loadPortfolios([id(7300)])).get(id(7300))?.name).toBe('Smith Family Trust');
    const bad = await importHoldings(holdings, [{ portfolio_id: id(7301), name: 'x'.repeat(201), cash: '1', holdings: [] }]);
    expect(bad).toMatchObject({ status: 'rejected', errors: [{ field: 'rows[0].name', message: expect.stringContaining('at most 200 characters') }] });
    const badTicker = await importPrices(prices, [{ security_id: id(7302), price: '1', ticker: 7 }]);
    expect(badTicker).toMatchObject({ status: 'rejected', errors: [{ field: 'rows[0].ticker' }] });
  });

  it('when a price is zero, negative, NaN or duplicated, then nothing is written', async () => {
    const body = [
      { security_id: id(300), price: '1' },
      { security_id: id(301), price: '0' },
      { security_id: id(302), price: '-1' },
      { security_id: id(303), price: 'NaN' },
      { security_id: id(300), price: '2' },
      { security_id: 'IBM', price: '2' },
    ];
    const outcome = await importPrices(prices, body);
    expect(outcome.status).toBe('rejected');
    if (outcome.status !== 'rejected') return;
    expect(outcome.errors.map((e) => e.field)).toEqual(['rows[1].price', 'rows[2].price', 'rows[3].price', 'rows[4].security_id', 'rows[5].security_id']);
    expect(await t.db.collection(PRICES_COLLECTION).countDocuments({ security_id: id(300) })).toBe(0);
  });

  it('when 2,500 portfolios are uploaded and then uploaded again, then each is readable and stored once', async () => {
    const big = new HoldingsRepository(t.db);
    const rows = Array.from({ length: 2500 }, (_, i) => ({
      portfolio_id: id(10_000 + i),
      cash: `${i}.01`,
      holdings: [{ security_id: id(101), quantity: i }],
    }));
    const outcome = await importHoldings(big, rows);
    expect(outcome).toEqual({ status: 'written', counts: { upserted: 2500, modified: 0, matched: 0 } });
    const loaded = await new SnapshotMarketData(big, prices).loadPortfolios(rows.map((r) => r.portfolio_id));
    expect(loaded.size).toBe(2500);
    expect(loaded.get(id(12_499))).toEqual({ portfolioId: id(12_499), cash: '2499.01', holdings: [{ securityId: id(101), quantity: 2499 }] });

    const again = await importHoldings(big, rows.map((r) => ({ ...r, cash: '1' })));
    expect(again).toEqual({ status: 'written', counts: { upserted: 0, modified: 2500, matched: 2500 } });
    expect(await t.db.collection(HOLDINGS_COLLECTION).countDocuments({ portfolio_id: { $in: rows.map((r) => r.portfolio_id) } })).toBe(2500);
  });

  describe('holdings slots (two per portfolio, so a few portfolios are read by _id)', () => {
    const ids = Array.from({ length: 9 }, (_, i) => id(7000 + i));
    const snapshot = (portfolioId: string, cash: string) => ({ portfolioId, cash, holdings: [{ securityId: id(101), quantity: 3 }] });

    it('when a few and when many portfolios are read, then both paths give the same newest snapshots', async () => {
      await holdings.upsertMany(ids.map((p) => snapshot(p, '1')));
      await holdings.upsertMany(ids.map((p) => snapshot(p, '2')));
      await holdings.upsertMany(ids.slice(0, 3).map((p) => snapshot(p, '3')));
      const few = await holdings.findMany(ids.slice(0, 4));
      const many = await holdings.findMany(ids);
      expect([...few.values()].map((s) => s.cash)).toEqual(['3', '3', '3', '2']);
      for (const [portfolioId, s] of few) expect(many.get(portfolioId)).toEqual(s);
      expect(await t.db.collection(HOLDINGS_COLLECTION).countDocuments({ portfolio_id: { $in: ids } })).toBe(ids.length);
    });

    it('when many portfolios are read, then their slots are read by _id and only a portfolio without one by portfolio_id', async () => {
      await holdings.upsertMany(ids.map((p) => snapshot(p, '4')));
      const monitored = new MongoClient(t.url, { monitorCommands: true });
      const finds: Record<string, unknown>[] = [];
      monitored.on('commandStarted', (e: CommandStartedEvent) => {
        if (e.commandName === 'find' && e.command.find === HOLDINGS_COLLECTION) finds.push(e.command.filter as Record<string, unknown>);
      });
      try {
        const reader = new HoldingsRepository(monitored.db(t.name), 7);
        const read = await reader.findMany([...ids, id(7999)]);
        expect([...read.keys()]).toEqual(ids);
        expect([...read.values()].every((s) => s.cash === '4')).toBe(true);
        // Only the never-uploaded portfolio is looked up by portfolio_id; everything else by slot id.
        expect(finds.filter((f) => 'portfolio_id' in f)).toEqual([{ portfolio_id: { $in: [id(7999)] } }]);
        const slotIds = finds.filter((f) => '_id' in f).flatMap((f) => (typeof f._id === 'string' ? [f._id] : (f._id as { $in: string[] }).$in));
        expect(new Set(slotIds)).toEqual(new Set([...ids, id(7999)].flatMap((p) => [`${p}#a`, `${p}#b`])));
        expect(finds.every((f) => Object.keys(f).length === 1)).toBe(true);
      } finally {
        await monitored.close();
      }
    });

    it('when an older upload lands after a newer one, then the newer snapshot stands', async () => {
      await holdings.upsertMany([snapshot(id(7100), 'new')], new Date('2026-03-02T00:00:00Z'));
      await holdings.upsertMany([snapshot(id(7100), 'old')], new Date('2026-03-01T00:00:00Z'));
      expect((await holdings.findOne(id(7100)))?.cash).toBe('new');
      expect((await holdings.findMany([...ids, id(7100)])).get(id(7100))?.cash).toBe('new');
    });

    it('when a snapshot is stored in the older <id>@<version> layout, then it is read, and replaced by the next upload', async () => {
      await t.db.collection(HOLDINGS_COLLECTION).insertOne({
        _id: `${id(7200)}@2026-01-01T00:00:00.000Z~aa` as never,
        portfolio_id: id(7200),
        version: '2026-01-01T00:00:00.000Z~aa',
        cash: '9',
        holdings: '[]',
        updated_at: new Date('2026-01-01T00:00:00Z'),
      });
      expect((await holdings.findOne(id(7200)))?.cash).toBe('9');
      await holdings.upsertMany([snapshot(id(7200), '10')]);
      expect((await holdings.findOne(id(7200)))?.cash).toBe('10');
      expect(await t.db.collection(HOLDINGS_COLLECTION).find({ portfolio_id: id(7200) }).map((d) => d._id as unknown as string).toArray()).toEqual([`${id(7200)}#a`]);
    });
  });
});

import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { UpstreamUnavailable } from '../../../src/errors/index.js';
import { CircuitState } from 'cockatiel';
import { GlobecoMarketData, type GlobecoMarketDataOptions } from '../../../src/market-data/globeco/globeco-source.js';
import { upstreamBackoff } from '../../../src/market-data/globeco/upstream-client.js';
import { FakeGlobeco } from '../../support/fake-globeco.js';

const id = (n: number) => n.toString(16).padStart(24, '0');
const P1 = id(1);
const P_EMPTY = id(2);
const S_IBM = id(101);
const S_AAPL = id(102);
const S_NOPRICE = id(103);
const S_ZERO = id(104);

describe('the GlobeCo market-data source against a fake upstream', () => {
  const fake = new FakeGlobeco({
    portfolios: {
      [P1]: {
        cashBalance: '1000.50',
        securities: [
          { securityId: S_IBM, netQuantity: '10.00000000' },
          { securityId: S_AAPL, netQuantity: '5' },
          { securityId: S_ZERO, netQuantity: '0' },
        ],
      },
    },
    names: { [P1]: 'Smith Family Trust' },
    tickers: { [S_IBM]: 'IBM', [S_AAPL]: 'AAPL', [S_NOPRICE]: 'NOPE', [S_ZERO]: 'ZERO' },
    closes: { IBM: 145.2, AAPL: '190.125', ZERO: 0 },
  });
  function source(overrides: Partial<GlobecoMarketDataOptions> = {}): GlobecoMarketData {
    return new GlobecoMarketData({
      portfolioAccountingUrl: fake.url,
      securityUrl: fake.url,
      pricingUrl: fake.url,
      // Real backoff is 1 s / 2 s / 4 s (checked below on the schedule itself); 5 ms / 10 ms here.
      calls: { timeoutMs: 200, breakerOpenMs: 300, retryBaseMs: 5, retryMaxMs: 20 },
      ...overrides,
    });
  }

  beforeAll(async () => {
    await fake.start();
  });
  afterEach(() => {
    fake.reset();
  });
  afterAll(async () => {
    await fake.stop();
  });

  it('when upstream answers, then holdings, cash and prices come back as exact decimal strings', async () => {
    const md = source();
    const portfolios = await md.loadPortfolios([P1]);
    expect(portfolios.get(P1)).toEqual({
      portfolioId: P1,
      cash: '1000.5',
      holdings: [
        { securityId: S_IBM, quantity: 10 },
        { securityId: S_AAPL, quantity: 5 },
      ],
    });
    const prices = await md.loadPrices([S_IBM, S_AAPL, S_NOPRICE, S_ZERO, id(999)]);
    expect(Object.fromEntries(prices)).toEqual({ [S_IBM]: { price: '145.2', ticker: 'IBM' }, [S_AAPL]: { price: '190.125', ticker: 'AAPL' } });
  });

  it('when the portfolio service is configured, then portfolios carry their names; one without a record has none', async () => {
    const md = source({ portfolioUrl: fake.url });
    const portfolios = await md.loadPortfolios([P1, P_EMPTY]);
    expect(portfolios.get(P1)?.name).toBe('Smith Family Trust');
    expect(portfolios.get(P_EMPTY)).toEqual({ portfolioId: P_EMPTY, cash: '0', holdings: [] });
    await md.loadPortfolios([P1]);
    expect(fake.calls(`/api/v1/portfolio/${P1}`)).toBe(1);
  });

  it('when the portfolio service is down, then holdings still load, without names', async () => {
    fake.behave(`/api/v1/portfolio/${P1}`, { kind: 'status', status: 503 });
    const portfolios = await source({ portfolioUrl: fake.url }).loadPortfolios([P1]);
    expect(portfolios.get(P1)?.cash).toBe('1000.5');
    expect(portfolios.get(P1)?.name).toBeUndefined();
    expect(fake.calls(`/api/v1/portfolio/${P1}`)).toBe(3);
  });

  it('when the portfolio has no accounting record (404), then it is empty, not an error', async () => {
    const portfolios = await source().loadPortfolios([P_EMPTY]);
    expect(portfolios.get(P_EMPTY)).toEqual({ portfolioId: P_EMPTY, cash: '0', holdings: [] });
  });

  it('when the pricing service fails twice with 503, then the third attempt succeeds after the backoff waits', async () => {
    fake.behave('/api/v1/price/IBM', { kind: 'status', status: 503, times: 2 });
    const started = performance.now();
    const prices = await source().loadPrices([S_IBM]);
    expect(prices.get(S_IBM)?.price).toBe('145.2');
    expect(fake.calls('/api/v1/price/IBM')).toBe(3);
    expect(performance.now() - started).toBeGreaterThanOrEqual(14);
  });

  it('when the backoff has its defaults, then the waits are 1 s, 2 s, 4 s, 4 s (no jitter)', () => {
    let backoff = upstreamBackoff().next();
    const waits = [backoff.duration];
    for (let i = 2; i <= 4; i += 1) {
      backoff = backoff.next(undefined);
      waits.push(backoff.duration);
    }
    expect(waits).toEqual([1000, 2000, 4000, 4000]);
  });

  it('when the security service answers 400, then it is not retried and the call fails', async () => {
    fake.behave(`/api/v1/security/${S_IBM}`, { kind: 'status', status: 400 });
    const md = source();
    await expect(md.loadPrices([S_IBM])).rejects.toThrow(/security service refused GET .*HTTP 400/);
    expect(fake.calls(`/api/v1/security/${S_IBM}`)).toBe(1);
    expect(md.security.breaker.state).toBe(CircuitState.Closed);
  });

  it('when an attempt times out, then it is retried and the retry succeeds', async () => {
    fake.behave(`/api/v1/portfolios/${P1}/summary`, { kind: 'slow', ms: 1000, times: 1 });
    const started = Date.now();
    const portfolios = await source().loadPortfolios([P1]);
    expect(portfolios.get(P1)?.cash).toBe('1000.5');
    expect(fake.calls(`/api/v1/portfolios/${P1}/summary`)).toBe(2);
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('when the connection is closed without an answer, then it is retried', async () => {
    fake.behave(`/api/v1/security/${S_AAPL}`, { kind: 'down', times: 1 });
    const prices = await source().loadPrices([S_AAPL]);
    expect(prices.get(S_AAPL)?.price).toBe('190.125');
    expect(fake.calls(`/api/v1/security/${S_AAPL}`)).toBe(2);
  });

  it('when the body is not JSON, then the call fails with a clear reason and is not retried', async () => {
    fake.behave('/api/v1/price/AAPL', { kind: 'malformed' });
    await expect(source().loadPrices([S_AAPL])).rejects.toThrow('pricing service refused GET');
    expect(fake.calls('/api/v1/price/AAPL')).toBe(1);
  });

  it('when the same securities are asked for repeatedly and concurrently, then each is fetched once', async () => {
    const md = source();
    const ids = [S_IBM, S_AAPL, S_IBM, S_AAPL];
    await Promise.all([md.loadPrices(ids), md.loadPrices(ids), md.loadPrices(ids)]);
    await md.loadPrices(ids);
    expect(fake.calls(`/api/v1/security/${S_IBM}`)).toBe(1);
    expect(fake.calls('/api/v1/price/IBM')).toBe(1);
    expect(fake.calls('/api/v1/price/AAPL')).toBe(1);
  });

  it('when 60 portfolios are loaded at once, then at most the configured number of requests are in flight', async () => {
    fake.behave('*', { kind: 'slow', ms: 30 });
    const ids = Array.from({ length: 60 }, (_, i) => id(7000 + i));
    const portfolios = await source({ concurrency: 4, calls: { timeoutMs: 5000 } }).loadPortfolios(ids);
    expect(portfolios.size).toBe(60);
    expect(fake.calls()).toBe(60);
    expect(fake.maxInFlight).toBe(4);
  });

  it('when the price cache entry expires, then the price is fetched again but the ticker is not', async () => {
    let now = 1_000_000;
    const md = source({ calls: { now: () => now }, priceTtlMs: 60_000, tickerTtlMs: 600_000 });
    await md.loadPrices([S_IBM]);
    now += 61_000;
    await md.loadPrices([S_IBM]);
    expect(fake.calls('/api/v1/price/IBM')).toBe(2);
    expect(fake.calls(`/api/v1/security/${S_IBM}`)).toBe(1);
  });

  it('when a service is down, then after one exhausted call every later call fails fast, and it recovers after the window', async () => {
    const md = source();
    fake.behave('*', { kind: 'status', status: 503 });
    await expect(md.loadPortfolios([P1])).rejects.toBeInstanceOf(UpstreamUnavailable);
    expect(fake.calls()).toBe(3);

    const started = performance.now();
    const failures = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => md.loadPortfolios([id(5000 + i)])));
    const elapsed = performance.now() - started;
    // No call reaches the service (counted below); the time only shows none waited on a retry
    // back-off, with room for a loaded CI machine.
    expect(elapsed).toBeLessThan(500);
    expect(failures.every((f) => f.status === 'rejected' && /portfolio accounting service unavailable: HTTP 503/.test(String(f.reason)))).toBe(true);
    expect(fake.calls()).toBe(3);

    fake.behave('*', null);
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect((await md.loadPortfolios([P1])).get(P1)?.cash).toBe('1000.5');
    expect(md.accounting.breaker.state).toBe(CircuitState.Closed);
  });

  it('when the half-open probe fails, then the breaker opens for another window after a single attempt', async () => {
    const md = source();
    fake.behave('*', { kind: 'down' });
    await expect(md.loadPrices([S_IBM])).rejects.toThrow(/security service unavailable: connection failed/);
    await new Promise((resolve) => setTimeout(resolve, 350));
    fake.resetCalls();
    await expect(md.loadPrices([S_IBM])).rejects.toBeInstanceOf(UpstreamUnavailable);
    expect(fake.calls()).toBe(1);
    await expect(md.loadPrices([S_IBM])).rejects.toThrow(/failing fast/);
    expect(fake.calls()).toBe(1);
  });
});

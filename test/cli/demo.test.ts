import { afterAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { deleteQueueKeys, dropDemoDatabase } from '../../scripts/demo/cleanup.js';
import { DEFAULT_PORTFOLIOS, DemoUsageError, parseDemoArgs } from '../../scripts/demo/options.js';
import { latencyReport, requestKind } from '../../scripts/demo/watch-run-view.js';
import { createTestDatabase } from '../support/mongo.js';
import { redisUrl, uniqueQueuePrefix } from '../support/redis.js';

describe('npm run demo: flags', () => {
  it('when no flag is given, then the defaults apply and REDIS_URL is honoured', () => {
    expect(parseDemoArgs([], { REDIS_URL: 'redis://10.0.0.5:6380' })).toEqual({
      help: false,
      options: { exit: false, keep: false, screenshots: false, send: false, portfolios: DEFAULT_PORTFOLIOS, workers: 2, port: undefined, redisUrl: 'redis://10.0.0.5:6380' },
    });
  });

  it('when --send is given, then the demo sends the orders to the stand-in', () => {
    expect(parseDemoArgs(['--send'], {}).options.send).toBe(true);
  });

  it('when --redis-url is given, then it wins over REDIS_URL', () => {
    expect(parseDemoArgs(['--redis-url', 'rediss://h:1'], { REDIS_URL: 'redis://x:2' }).options.redisUrl).toBe('rediss://h:1');
  });

  it('when --help is given, then only the usage is asked for', () => {
    expect(parseDemoArgs(['--help'], {}).help).toBe(true);
    expect(parseDemoArgs(['-h'], {}).help).toBe(true);
  });

  it.each([
    [['--portfolios', 'abc'], "--portfolios must be a whole number from 1 to 200000, got 'abc'"],
    [['--portfolios', '0'], "--portfolios must be a whole number from 1 to 200000, got '0'"],
    [['--portfolios', '1e3'], "got '1e3'"],
    [['--workers', '99'], "--workers must be a whole number from 1 to 16, got '99'"],
    [['--port', '65536'], "--port must be a whole number from 1 to 65535, got '65536'"],
    [['--redis-url', 'localhost:6379'], "--redis-url must be a redis:// or rediss:// URL, got 'localhost:6379'"],
    [['--bogus'], "Unknown option '--bogus'"],
    [['20000'], "Unexpected argument '20000'"],
  ])('when the flags are %j, then it is a usage error naming the flag and value', (argv, message) => {
    expect(() => parseDemoArgs(argv, {})).toThrow(DemoUsageError);
    expect(() => parseDemoArgs(argv, {})).toThrow(message);
  });

  it('when REDIS_URL is not a Redis URL, then the message names REDIS_URL', () => {
    expect(() => parseDemoArgs([], { REDIS_URL: 'http://x' })).toThrow("REDIS_URL must be a redis:// or rediss:// URL, got 'http://x'");
  });
});

describe('npm run demo: cleanup', () => {
  const redis = new Redis(redisUrl);
  afterAll(() => redis.disconnect());

  it('when the demo exits, then only keys under its own prefix are deleted', async () => {
    const own = uniqueQueuePrefix('demo-own');
    const other = uniqueQueuePrefix('demo-other');
    await redis.set(`${own}:rebalance:meta`, '1');
    await redis.set(`${own}:rebalance:1`, '1');
    await redis.set(`${other}:rebalance:meta`, '1');
    await redis.set(`${own}x:rebalance:meta`, '1');
    try {
      expect(await deleteQueueKeys(redisUrl, own)).toBe(2);
      expect(await redis.exists(`${own}:rebalance:meta`, `${own}:rebalance:1`)).toBe(0);
      expect(await redis.exists(`${other}:rebalance:meta`, `${own}x:rebalance:meta`)).toBe(2);
    } finally {
      await redis.del(`${other}:rebalance:meta`, `${own}x:rebalance:meta`);
    }
  });

  it('when the prefix holds glob characters, then nothing is deleted', async () => {
    await expect(deleteQueueKeys(redisUrl, '*')).rejects.toThrow("refusing to delete keys under an unusual prefix '*'");
  });

  it('when the demo exits, then its database is dropped', async () => {
    const t = await createTestDatabase('demo_drop');
    await t.db.collection('runs').insertOne({ a: 1 });
    await dropDemoDatabase(t.url, t.name);
    const names = (await t.client.db('admin').admin().listDatabases()).databases.map((d) => d.name);
    expect(names).not.toContain(t.name);
    await t.client.close();
  });
});

describe('npm run demo --screenshots: request report', () => {
  it('when the page requests something, then it is classified by what it reads', () => {
    expect(requestKind('http://h/api/v1/runs/abc')).toBe('run header');
    expect(requestKind('http://h/api/v1/runs/abc?wait=1')).toBe('run header');
    expect(requestKind('http://h/api/v1/runs/abc/results?offset=0&limit=25')).toBe('results page');
    expect(requestKind('http://h/api/v1/runs/abc/results?status=not_optimal')).toBe('not optimal page');
    expect(requestKind('http://h/api/v1/orders?run_id=abc')).toBe('orders page');
    expect(requestKind('http://h/api/v1/runs/abc/summary')).toBe('summary');
    expect(requestKind('http://h/dashboard/js/app.js')).toBeUndefined();
  });

  it('when samples are reported, then p50, p95 and max come from the sorted samples', () => {
    const report = latencyReport(new Map([['results page', Array.from({ length: 100 }, (_v, i) => 100 - i)]]));
    expect(report).toMatch(/results page\s+100\s+50\s+95\s+100/);
  });
});

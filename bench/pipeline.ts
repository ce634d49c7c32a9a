/**
 * End-to-end pipeline benchmark: `npm run bench:pipeline -- --portfolios 10000`.
 * Starts a private FerretDB (or uses MONGODB_URL), the API and one worker process from `dist`,
 * seeds a book (50 positions per model, drifted holdings), submits one run over everything,
 * polls it to completion, and then measures the one-job-per-portfolio no-op BullMQ ceiling on
 * the same machine for the ratio.
 */
import { Queue, Worker } from 'bullmq';
import { MongoClient, type Db } from 'mongodb';
import { HOLDINGS_COLLECTION, HoldingsRepository } from '../src/store/holdings-repository.js';
import { WORKER_NODE_FLAGS } from '../src/worker/worker-settings.js';
import { parseArgs } from 'node:util';
import { seedBook } from '../test/integration/pipeline/support/book.js';
import { cpuSeconds, freePort, peakRssMb, percentile, startFerret, startNode, waitFor } from './pipeline-support.js';

const { values: args } = parseArgs({
  options: {
    portfolios: { type: 'string', default: '10000' },
    positions: { type: 'string', default: '50' },
    models: { type: 'string', default: '10' },
    'noop-jobs': { type: 'string', default: '20000' },
  },
});
const portfolios = Number(args.portfolios);
const positions = Number(args.positions);
const models = Math.min(Number(args.models), portfolios);
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `bench-${Date.now().toString(36)}`;

async function main(): Promise<void> {
  const ferret = process.env.MONGODB_URL ? null : await startFerret();
  const mongoUrl = process.env.MONGODB_URL ?? ferret!.url;
  const dbName = `bench_${Date.now().toString(36)}`;
  const client = new MongoClient(mongoUrl);
  const db = client.db(dbName);
  console.log(`MongoDB: ${ferret ? `FerretDB (${ferret.backend})` : mongoUrl}; ${portfolios} portfolios × ${positions} positions in ${models} models`);

  let seeded = Date.now();
  await seedBook(db, { models, portfoliosPerModel: Math.ceil(portfolios / models), positionsPerModel: positions, seed: 1 });
  console.log(`seeded in ${((Date.now() - seeded) / 1000).toFixed(1)} s`);

  const port = await freePort();
  const env = { MONGODB_URL: mongoUrl, DATABASE_NAME: dbName, REDIS_URL: redisUrl, QUEUE_PREFIX: prefix, LOG_LEVEL: 'debug' };
  const api = startNode('api/main.js', { ...env, PORT: String(port), LOG_LEVEL: 'warn' });
  const chunkLogs: { load_ms: number; solve_ms: number; write_ms: number; duration_ms: number }[] = [];
  const workerPort = await freePort();
  const worker = startNode('worker/main.js', { ...env, WORKER_HTTP_PORT: String(workerPort) }, (line) => {
    if (line.includes('"chunk done"')) chunkLogs.push(JSON.parse(line));
  }, WORKER_NODE_FLAGS);
  const base = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${base}/health/live`)).ok, 'API');
  await waitFor(async () => (await fetch(`http://127.0.0.1:${workerPort}/health/ready`)).ok, 'worker');
  // The worker's CPU from here to the run's end is the run's (start-up and module loading excluded).
  const workerCpuBefore = cpuSeconds(worker.pid);
  const loopCpuBefore = cpuSeconds(worker.pid, true);

  const submitted = Date.now();
  const created = (await (await fetch(`${base}/api/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ all: true }) })).json()) as { run_id: string; total: number };
  console.log(`run ${created.run_id}: ${created.total} portfolios, submit answered in ${Date.now() - submitted} ms`);
  let run: Record<string, unknown> & { status: string; processed: number };
  for (;;) {
    run = (await (await fetch(`${base}/api/v1/runs/${created.run_id}?wait=5`)).json()) as typeof run;
    process.stderr.write(`\r${run.status} ${run.processed}/${created.total}   `);
    if (!['queued', 'running'].includes(run.status)) break;
  }
  const elapsedS = (Date.now() - submitted) / 1000;
  process.stderr.write('\n');
  const workerCpu = (cpuSeconds(worker.pid) ?? Number.NaN) - (workerCpuBefore ?? Number.NaN);
  const loopCpu = (cpuSeconds(worker.pid, true) ?? Number.NaN) - (loopCpuBefore ?? Number.NaN);
  const orders = await db.collection('orders').estimatedDocumentCount();
  const rss = { api: peakRssMb(api.pid), worker: peakRssMb(worker.pid) };
  seeded = Date.now();
  api.kill('SIGTERM');
  worker.kill('SIGTERM');

  const durations = chunkLogs.map((c) => c.duration_ms).sort((a, b) => a - b);
  const sum = (k: 'load_ms' | 'solve_ms' | 'write_ms') => chunkLogs.reduce((s, c) => s + c[k], 0);
  const total = sum('load_ms') + sum('solve_ms') + sum('write_ms');
  const share = (k: 'load_ms' | 'solve_ms' | 'write_ms') => `${((100 * sum(k)) / total).toFixed(0)} %`;
  const rate = created.total / elapsedS;
  console.log(`status ${run.status}: ${JSON.stringify({ succeeded: run.succeeded, infeasible: run.infeasible, timed_out: run.timed_out, failed: run.failed })}`);
  console.log(`elapsed ${elapsedS.toFixed(1)} s (submit → final) | ${rate.toFixed(0)} portfolios/s | ${orders} orders, ${(orders / elapsedS).toFixed(0)} orders/s`);
  console.log(`chunks ${chunkLogs.length}: p50 ${percentile(durations, 50).toFixed(0)} ms, p99 ${percentile(durations, 99).toFixed(0)} ms`);
  console.log(`time in chunks: market-data load ${share('load_ms')}, solve (pool) ${share('solve_ms')}, MongoDB writes ${share('write_ms')}`);
  const perPortfolio = (seconds: number) => `${((seconds * 1e6) / Math.max(created.total, 1)).toFixed(0)} µs`;
  console.log(`worker CPU (process incl. solver threads, submit → final): ${workerCpu.toFixed(2)} s → ${perPortfolio(workerCpu)} per portfolio of ${positions} positions`);
  console.log(`  of which event-loop thread ${perPortfolio(loopCpu)}, other threads (solver threads, GC helpers) ${perPortfolio(workerCpu - loopCpu)}; solve + documents wall per portfolio ${((sum('solve_ms') * 1000) / Math.max(created.total, 1)).toFixed(0)} µs`);
  console.log(`peak RSS: api ${rss.api} MB, worker ${rss.worker} MB (the worker's figure includes its solver threads)`);

  const noop = await noopCeiling(Math.min(Number(args['noop-jobs']), Math.max(portfolios, 1000)));
  console.log(`no-op ceiling (one job per portfolio, same Redis): ${noop.toFixed(0)} jobs/s → pipeline is ${(rate / noop).toFixed(2)}× it`);

  // What bounds the run on this server: the order writes alone, and one chunk's holdings read.
  const ordersPerPortfolio = orders / Math.max(created.total, 1);
  const ceiling = await orderWriteCeiling(db, Math.round(ordersPerPortfolio * 200));
  const readMs = await holdingsReadMs(db);
  const needed = (n: number) => (n * ordersPerPortfolio) / ceiling;
  console.log(`order-write ceiling (insertMany of one chunk's ${Math.round(ordersPerPortfolio * 200)} orders, nothing else running): ${ceiling.toFixed(0)} orders/s`);
  console.log(`  → the orders of this run alone need ${needed(created.total).toFixed(1)} s; of 100,000 portfolios ${needed(100_000).toFixed(0)} s (target 60 s)`);
  console.log(`one chunk's holdings read (200 portfolios of ${portfolios}, the worker's read: both holdings slots of each by _id): ${readMs.toFixed(0)} ms`);

  await client.db(dbName).dropDatabase().catch(() => undefined);
  await client.close();
  ferret?.child.kill('SIGTERM');
}

/** Orders/s that `insertMany` of chunk-sized batches reaches into an indexed copy of `orders`. */
async function orderWriteCeiling(db: Db, batchSize: number): Promise<number> {
  const target = db.collection('orders_ceiling');
  await target.createIndex({ run_id: 1, model_id: 1, portfolio_id: 1, security_id: 1 }, { unique: true });
  await target.createIndex({ portfolio_id: 1, run_id: 1 });
  const batches = Math.max(3, Math.ceil(100_000 / Math.max(batchSize, 1)));
  const started = Date.now();
  for (let b = 0; b < batches; b += 1) {
    const docs = Array.from({ length: batchSize }, (_, i) => {
      const n = b * batchSize + i;
      return { _id: n.toString(16).padStart(24, '0'), run_id: 'ceiling', model_id: 'm', portfolio_id: `p${Math.floor(n / 50)}`, security_id: `s${n % 50}`, transaction_type: 'BUY', quantity: 10, price: '101.25', trade_date: new Date() };
    });
    await target.insertMany(docs as never[], { ordered: false });
  }
  const rate = (batches * batchSize) / ((Date.now() - started) / 1000);
  await target.drop();
  return rate;
}

/** Milliseconds to read one chunk's worth of holdings (200 portfolios), median of 5. */
async function holdingsReadMs(db: Db): Promise<number> {
  const holdings = new HoldingsRepository(db);
  const ids = (await db.collection(HOLDINGS_COLLECTION).find({}, { projection: { portfolio_id: 1 } }).limit(200).toArray()).map((d) => d.portfolio_id as string);
  const times: number[] = [];
  for (let i = 0; i < 5; i += 1) {
    const t = performance.now();
    await holdings.findMany(ids);
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[2]!;
}

/** addBulk N one-portfolio jobs and drain them with a no-op worker: the per-job cost ceiling. */
async function noopCeiling(jobs: number): Promise<number> {
  const connection = { url: redisUrl, maxRetriesPerRequest: null };
  const queue = new Queue('noop', { connection, prefix: `${prefix}-noop` });
  const started = Date.now();
  let done = 0;
  const finished = new Promise<void>((resolve) => {
    const worker = new Worker('noop', async () => undefined, { connection, prefix: `${prefix}-noop`, concurrency: 100 });
    worker.on('completed', () => {
      done += 1;
      if (done === jobs) void worker.close().then(() => resolve());
    });
  });
  for (let i = 0; i < jobs; i += 1_000) {
    const batch = Array.from({ length: Math.min(1_000, jobs - i) }, (_, k) => ({ name: 'p', data: { portfolio_id: `p${i + k}` }, opts: { removeOnComplete: true } }));
    await queue.addBulk(batch);
  }
  await finished;
  const rate = jobs / ((Date.now() - started) / 1000);
  await queue.obliterate({ force: true });
  await queue.close();
  return rate;
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

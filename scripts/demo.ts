/**
 * The one-command demo (`npm run demo`): starts what is missing (Redis, FerretDB), builds,
 * starts the API and two workers, seeds a realistic book, submits one bulk run, shows its
 * progress, prints a summary and the URLs, and keeps serving until Ctrl-C, which stops
 * everything it started by PID. `--exit` stops after the summary (CI smoke test).
 *
 * Flags: --exit, --portfolios N (20000), --workers N (2), --port N (8080, or a free port when busy).
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { apiCall, followRun, progressReporter, runSummary, type ApiTarget, type RunJson } from '../src/cli/runs-client.js';
import { ensureFerretDb, ensureRedis, freePort, httpOk, logDir, portOpen, root, startProcess, stopAll, waitFor, type Started } from './demo/processes.js';
import { generateBook, uploadBook } from './demo/seed.js';
import { WORKER_NODE_FLAGS } from '../src/worker/worker-settings.js';

const { values } = parseArgs({
  options: {
    exit: { type: 'boolean', default: false },
    portfolios: { type: 'string', default: '20000' },
    workers: { type: 'string', default: '2' },
    port: { type: 'string' },
  },
});

const started: Started[] = [];
let stopping = false;
const say = (text: string) => process.stderr.write(`${text}\n`);

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    say('\nStopping the processes the demo started…');
    await stopAll(started);
  }
  process.exit(code);
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

async function apiPort(): Promise<number> {
  if (values.port !== undefined) return Number(values.port);
  if (!(await portOpen(8080))) return 8080;
  const port = await freePort();
  say(`Port 8080 is taken; the API will listen on ${port}.`);
  return port;
}

async function startServices(mongoUrl: string, redisUrl: string): Promise<ApiTarget> {
  const port = await apiPort();
  const env = {
    MONGODB_URL: mongoUrl,
    DATABASE_NAME: `ogs_demo_${Date.now().toString(36)}`,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: `ogs-demo-${Date.now().toString(36)}`,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'development',
  };
  const api = startProcess('api', process.execPath, ['dist/api/main.js'], { ...env, PORT: String(port) });
  started.push(api);
  const target: ApiTarget = { url: `http://127.0.0.1:${port}` };
  await waitFor('the API', () => httpOk(`${target.url}/health/ready`), 60_000, api);
  const workers = Number(values.workers);
  for (let i = 1; i <= workers; i += 1) {
    const workerPort = await freePort();
    const worker = startProcess(`worker-${i}`, process.execPath, [...WORKER_NODE_FLAGS, 'dist/worker/main.js'], { ...env, WORKER_HTTP_PORT: String(workerPort) });
    started.push(worker);
    await waitFor(`worker ${i}`, () => httpOk(`http://127.0.0.1:${workerPort}/health/ready`), 60_000, worker);
  }
  say(`API on ${target.url}, ${workers} workers; logs in ${logDir}`);
  return target;
}

async function seed(target: ApiTarget): Promise<void> {
  const portfolios = Number(values.portfolios);
  const book = generateBook({ securities: 400, models: 5, portfolios, infeasible: Math.min(5, portfolios) });
  say(`Seeding ${book.prices.length} securities, ${book.models.length} models, ${portfolios} portfolios (5 infeasible on purpose)…`);
  const t0 = Date.now();
  await uploadBook(book, (method, path, body) => apiCall(target, method, path, body), (what) => say(`  ${what}`));
  say(`Seeded in ${((Date.now() - t0) / 1000).toFixed(1)} s.`);
}

async function bulkRun(target: ApiTarget): Promise<RunJson> {
  const run = await apiCall<RunJson>(target, 'POST', '/api/v1/runs', { all: true });
  say(`Submitted run ${run.run_id} (${run.total} portfolios)`);
  const progress = progressReporter(process.stderr);
  try {
    return await followRun(target, run.run_id, (r) => progress.update(r));
  } finally {
    progress.stop();
  }
}

async function main(): Promise<void> {
  say('Starting Redis and FerretDB if they are not running…');
  const redisUrl = await ensureRedis(started);
  const mongoUrl = await ensureFerretDb(started);
  say('Building…');
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const target = await startServices(mongoUrl, redisUrl);
  await seed(target);
  const final = await bulkRun(target);
  process.stdout.write(`\n${await runSummary(target, final)}\n`);
  process.stdout.write(
    [`Run view:        ${target.url}/dashboard/#/runs/${final.run_id}`, `Queue dashboard: ${target.url}/admin/queues`, `API docs:        ${target.url}/docs`, ''].join('\n'),
  );
  const ok = final.status === 'completed' || final.status === 'completed_with_errors';
  if (values.exit) await shutdown(ok ? 0 : 1);
  say('\nServing. Press Ctrl-C to stop everything the demo started.');
  await new Promise(() => undefined);
}

main().catch(async (error: unknown) => {
  say(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  await shutdown(1);
});

/**
 * The one-command demo (`npm run demo`): starts what is missing (Redis, FerretDB), builds,
 * starts the API and the workers, seeds a realistic book, submits one bulk run, shows its
 * progress, prints a summary and the URLs, and keeps serving until Ctrl-C. On exit it stops
 * what it started by PID and removes its own database and Redis keys unless `--keep`.
 * Flags and exit codes: `npm run demo -- --help` (scripts/demo/options.ts).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { apiCall, followRun, progressReporter, runSummary, type ApiTarget, type RunJson } from '../src/cli/runs-client.js';
import { removeFootprint, type DemoFootprint } from './demo/cleanup.js';
import { DemoUsageError, parseDemoArgs, USAGE, type DemoOptions } from './demo/options.js';
import { ensureFerretDb, ensureRedis, freePort, logDir, portOpen, root, stopAll, type Started } from './demo/processes.js';
import { startApiAndWorkers } from './demo/services.js';
import { followSending, startOrderServiceStandIn } from './demo/send.js';
import { generateBook, uploadBook } from './demo/seed.js';
import { watchRunView } from './demo/watch-run-view.js';

const say = (text: string) => process.stderr.write(`${text}\n`);

let options: DemoOptions;
try {
  const parsed = parseDemoArgs(process.argv.slice(2), process.env);
  if (parsed.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  options = parsed.options;
} catch (error) {
  if (!(error instanceof DemoUsageError)) throw error;
  say(`demo: ${error.message}\nRun 'npm run demo -- --help' for usage.`);
  process.exit(2);
}

/** Redis and FerretDB when the demo started them: stopped last, after the cleanup used them. */
const infrastructure: Started[] = [];
/** The API and the workers. */
const services: Started[] = [];
let footprint: DemoFootprint | undefined;
let stopping: Promise<void> | undefined;

/** Stops and cleans up once; a second caller (a signal, then the failure it causes) waits for the first. */
async function shutdown(code: number): Promise<never> {
  stopping ??= (async () => {
    say('\nStopping the processes the demo started…');
    await stopAll(services);
    if (footprint && !options.keep) await removeFootprint(footprint, say);
    else if (footprint) say(`Kept database ${footprint.databaseName} and Redis keys under ${footprint.queuePrefix}: (--keep).`);
    await stopAll(infrastructure);
  })();
  await stopping;
  process.exit(code);
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

async function apiPort(): Promise<number> {
  if (options.port !== undefined) return options.port;
  if (!(await portOpen(8080))) return 8080;
  const port = await freePort();
  say(`Port 8080 is taken; the API will listen on ${port}.`);
  return port;
}

async function startServices(own: DemoFootprint): Promise<ApiTarget> {
  const port = await apiPort();
  const orderService = options.send ? await startOrderServiceStandIn(services) : undefined;
  if (orderService) say(`Order Service stand-in on ${orderService}; sending is on.`);
  const env = orderService ? { ORDER_SERVICE_URL: orderService, SEND_SWEEP_SECONDS: '1' } : {};
  const target = await startApiAndWorkers(own, { port, workers: options.workers, env }, services);
  say(`API on ${target.url}, ${options.workers} workers; logs in ${logDir}`);
  return target;
}

async function seed(target: ApiTarget): Promise<void> {
  const portfolios = options.portfolios;
  const infeasible = Math.min(5, portfolios);
  const book = generateBook({ securities: 400, models: 5, portfolios, infeasible });
  say(`Seeding ${book.prices.length} securities, ${book.models.length} models, ${portfolios} portfolios (${infeasible} infeasible on purpose)…`);
  const t0 = Date.now();
  await uploadBook(book, (method, path, body) => apiCall(target, method, path, body), (what) => say(`  ${what}`));
  say(`Seeded in ${((Date.now() - t0) / 1000).toFixed(1)} s.`);
}

async function bulkRun(target: ApiTarget): Promise<{ final: RunJson; watched?: Promise<string> }> {
  const run = await apiCall<RunJson>(target, 'POST', '/api/v1/runs', { all: true });
  say(`Submitted run ${run.run_id} (${run.total} portfolios)`);
  const progress = progressReporter(process.stderr);
  const following = followRun(target, run.run_id, (r) => progress.update(r));
  const watched = options.screenshots ? watchRunView(target.url, run.run_id, run.total, following).catch((e: unknown) => `run view watch failed: ${String(e)}\n`) : undefined;
  try {
    return { final: await following, watched };
  } finally {
    progress.stop();
  }
}

async function main(): Promise<void> {
  const t0 = Date.now();
  say('Starting Redis and FerretDB if they are not running…');
  const redisUrl = await ensureRedis(infrastructure, options.redisUrl);
  const mongoUrl = await ensureFerretDb(infrastructure);
  const tag = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  footprint = { mongoUrl, redisUrl, databaseName: `ogs_demo_${tag}`, queuePrefix: `ogs-demo-${tag}` };
  say('Building…');
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const target = await startServices(footprint);
  await seed(target);
  const { final, watched } = await bulkRun(target);
  const wall = `  demo wall time ${((Date.now() - t0) / 1000).toFixed(1)} s (start-up, build, seeding and run)\n`;
  const sent = options.send ? await followSending(target, final.run_id, say) : '';
  process.stdout.write(`\n${await runSummary(target, final)}${sent}${wall}\n`);
  if (watched) process.stdout.write(`${await watched}\n`);
  process.stdout.write(
    [`Run view:        ${target.url}/dashboard/#/runs/${final.run_id}`, `Queue dashboard: ${target.url}/admin/queues`, `API docs:        ${target.url}/docs`, ''].join('\n'),
  );
  const ok = final.status === 'completed' || final.status === 'completed_with_errors';
  if (options.exit) await shutdown(ok ? 0 : 1);
  say('\nServing. Press Ctrl-C to stop everything the demo started.');
  await new Promise(() => undefined);
}

main().catch(async (error: unknown) => {
  say(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  await shutdown(1);
});

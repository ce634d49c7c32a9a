/**
 * API load: submit (POST /api/v1/runs, one portfolio each) and poll (GET /api/v1/runs/{id}) at a
 * fixed arrival rate each, first while a bulk run is processing and then, with the workers
 * stopped, against the idle API (the baseline), on a private loopback deployment (own FerretDB, API and worker
 * processes from the sources, shared Redis under its own prefix). The load is open-model
 * (`bench/open-load.ts`): latency counts from when each request was due.
 *
 *   npm run bench:api -- [--seconds 60] [--rate 200] [--bulk 10000] [--workers 2] [--background-nice 10] [--pin]
 *   npm run bench:api -- --listing [--results 20000] [--trades 8] [--pages 40]   (listing pages at volume: bench/api-listing.ts)
 *
 * Requests carry a rotating X-Forwarded-For from 1,000 client addresses: behind the Ingress the
 * per-IP rate limit (50/s) sees many portfolio managers, not one loopback client.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism, setPriority } from 'node:os';
import { parseArgs } from 'node:util';
import { Cluster } from '../test/chaos/support/cluster.js';
import { seedModel } from '../test/chaos/support/seed.js';
import { listingBench } from './api-listing.js';
import { nextClientAddress, openLoad, type LoadSummary } from './open-load.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    rate: { type: 'string', default: '200' },
    bulk: { type: 'string', default: '10000' },
    workers: { type: 'string', default: '2' },
    'background-nice': { type: 'string', default: '10' },
    pin: { type: 'boolean', default: false },
    'baseline-seconds': { type: 'string', default: '10' },
    listing: { type: 'boolean', default: false },
    results: { type: 'string', default: '20000' },
    trades: { type: 'string', default: '8' },
    pages: { type: 'string', default: '40' },
  },
});
const seconds = Math.min(600, Math.max(1, Number(values.seconds)));
const baselineSeconds = Math.min(600, Math.max(1, Number(values['baseline-seconds'])));
const rate = Math.min(2_000, Math.max(1, Number(values.rate)));
const bulk = Math.min(100_000, Math.max(1, Number(values.bulk)));
const workers = Math.min(8, Math.max(1, Number(values.workers)));
/**
 * Niceness for FerretDB and the workers. In production the API pods have CPU of their own; on
 * this one 2-core machine the database and the workers saturate both cores, so the default 10
 * gives the API the scheduling share its own pod would have. 0 shares the CPU equally.
 */
const backgroundNice = Math.min(19, Math.max(0, Number(values['background-nice'])));
/**
 * `--pin`: the API (and this load generator) on CPU 0, FerretDB and the workers on the other
 * CPUs (`taskset`, every thread), the nearest this machine comes to the API on a node of its own.
 */
const pin = values.pin === true && availableParallelism() > 1;

function pinTo(pid: number, cpus: string): void {
  execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
}


async function postJson(url: string, body: unknown): Promise<{ run_id: string }> {
  const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': nextClientAddress() }, body: JSON.stringify(body) });
  if (res.status !== 202) throw new Error(`submit answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as { run_id: string };
}

/** Submit and poll at `rate` each, interleaved, for `duration` seconds. */
async function submitAndPoll(apiUrl: string, portfolioIds: readonly string[], pollIds: readonly string[], duration: number) {
  const common = { url: apiUrl, rate, seconds: duration, timeoutMs: 10_000 };
  const [submit, poll] = await Promise.all([
    openLoad({
      ...common,
      next: (i) => ({
        method: 'POST',
        path: '/api/v1/runs',
        headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': nextClientAddress() },
        body: JSON.stringify({ portfolio_ids: [portfolioIds[i % portfolioIds.length]] }),
      }),
    }),
    openLoad({
      ...common,
      offsetMs: 500 / rate,
      next: (i) => ({ method: 'GET', path: `/api/v1/runs/${pollIds[i % pollIds.length]}`, headers: { 'X-Forwarded-For': nextClientAddress() } }),
    }),
  ]);
  return { submit, poll };
}

const ratio = (loaded: LoadSummary, idle: LoadSummary) => Math.round((loaded.p99 / idle.p99) * 100) / 100;

async function main(): Promise<void> {
  const cluster = new Cluster();
  try {
    await cluster.startFerret();
    if (backgroundNice > 0) setPriority(cluster.ferret!.pid, backgroundNice);
    const { modelId, portfolioIds } = await seedModel(await cluster.db(), bulk);
    await cluster.startApi();
    const pollIds: string[] = [];
    for (let i = 0; i < 20; i += 1) pollIds.push((await postJson(`${cluster.apiUrl}/api/v1/runs`, { portfolio_ids: [portfolioIds[i]!] })).run_id);
    for (let i = 0; i < workers; i += 1) await cluster.startWorker();
    if (backgroundNice > 0) for (const child of cluster.liveWorkers()) setPriority(child.pid, backgroundNice);
    if (pin) {
      const rest = `1-${availableParallelism() - 1}`;
      for (const child of [cluster.ferret!, ...cluster.liveWorkers()]) pinTo(child.pid, rest);
      pinTo(cluster.api!.pid, '0');
      pinTo(process.pid, '0');
    }
    const bulkRun = await postJson(`${cluster.apiUrl}/api/v1/runs`, { model_ids: [modelId] });
    const bulkAt = async () => (await (await fetch(`${cluster.apiUrl}/api/v1/runs/${bulkRun.run_id}`)).json()) as { status: string; processed: number; total: number };
    // The load starts once the bulk run is under way.
    for (let waited = 0; (await bulkAt()).processed === 0 && waited < 120_000; waited += 250) await new Promise((r) => setTimeout(r, 250));
    const bulkBefore = await bulkAt();
    await submitAndPoll(cluster.apiUrl, portfolioIds, pollIds, 3); // warm-up (JIT, lazily loaded modules, connections), not reported
    const loaded = await submitAndPoll(cluster.apiUrl, portfolioIds, pollIds, seconds);
    const bulkState = await bulkAt();
    // Baseline: the same load once the workers are stopped (nothing else is using the machine).
    for (const worker of cluster.liveWorkers()) {
      worker.proc.kill('SIGKILL');
      await worker.exited;
    }
    const idle = await submitAndPoll(cluster.apiUrl, portfolioIds, pollIds, baselineSeconds);
    console.log(JSON.stringify({
      command: `npm run bench:api -- --seconds ${seconds} --rate ${rate} --bulk ${bulk} --workers ${workers} --background-nice ${backgroundNice} --baseline-seconds ${baselineSeconds}${pin ? ' --pin' : ''}`,
      baseline_idle: idle,
      during_bulk_run: loaded,
      p99_ratio_loaded_to_idle: { submit: ratio(loaded.submit, idle.submit), poll: ratio(loaded.poll, idle.poll) },
      bulk_run_during_load: { status_after: bulkState.status, processed_before: bulkBefore.processed, processed_after: bulkState.processed, total: bulkState.total },
    }, null, 2));
  } finally {
    if (process.env.OGS_API_CPU_PROFILE && cluster.api) {
      cluster.api.proc.kill('SIGTERM'); // a clean exit writes the profile
      await cluster.api.exited;
    }
    await cluster.close();
  }
}

const run = values.listing
  ? () => listingBench({ results: Math.min(1_000_000, Math.max(100, Number(values.results))), trades: Math.min(50, Math.max(0, Number(values.trades))), pages: Math.min(1_000, Math.max(1, Number(values.pages))) })
  : main;

run().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

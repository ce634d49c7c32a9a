/**
 * API load: submit (POST /api/v1/runs, one portfolio each) and poll (GET /api/v1/runs/{id}) at a
 * fixed rate each while a bulk run is processing, against a private loopback deployment (own
 * FerretDB, API and worker processes from the sources, shared Redis under its own prefix).
 *
 *   npm run bench:api -- [--seconds 60] [--rate 200] [--bulk 10000] [--workers 2]
 *
 * Requests carry a rotating X-Forwarded-For from 1,000 client addresses: behind the Ingress the
 * per-IP rate limit (50/s) sees many portfolio managers, not one loopback client.
 */
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { Cluster } from '../test/chaos/support/cluster.js';
import { seedModel } from '../test/chaos/support/seed.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    rate: { type: 'string', default: '200' },
    bulk: { type: 'string', default: '10000' },
    workers: { type: 'string', default: '2' },
  },
});
const seconds = Math.min(600, Math.max(1, Number(values.seconds)));
const rate = Math.min(2_000, Math.max(1, Number(values.rate)));
const bulk = Math.min(100_000, Math.max(1, Number(values.bulk)));
const workers = Math.min(8, Math.max(1, Number(values.workers)));

const CLIENTS = 1_000;
let client = 0;
const nextClient = () => {
  client = (client + 1) % CLIENTS;
  return `10.${(client >> 8) & 255}.${client & 255}.7`;
};

interface Summary {
  requests: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  statuses: Record<string, number>;
}

function summarize(result: autocannon.Result): Summary {
  const statuses: Record<string, number> = {};
  for (const [code, n] of Object.entries(result.statusCodeStats ?? {})) statuses[code] = (n as { count: number }).count;
  return {
    requests: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statuses,
  };
}

function load(opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(opts, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

async function postJson(url: string, body: unknown): Promise<{ run_id: string }> {
  const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': nextClient() }, body: JSON.stringify(body) });
  if (res.status !== 202) throw new Error(`submit answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as { run_id: string };
}

async function main(): Promise<void> {
  const cluster = new Cluster();
  try {
    await cluster.startFerret();
    const { modelId, portfolioIds } = await seedModel(await cluster.db(), bulk);
    await cluster.startApi();
    for (let i = 0; i < workers; i += 1) await cluster.startWorker();
    const bulkRun = await postJson(`${cluster.apiUrl}/api/v1/runs`, { model_ids: [modelId] });
    const pollIds: string[] = [];
    for (let i = 0; i < 20; i += 1) pollIds.push((await postJson(`${cluster.apiUrl}/api/v1/runs`, { portfolio_ids: [portfolioIds[i]!] })).run_id);
    let submitted = 0;
    let polled = 0;
    const common = { url: cluster.apiUrl, duration: seconds, overallRate: rate, connections: 20, timeout: 10 };
    const [submit, poll] = await Promise.all([
      load({
        ...common,
        requests: [{
          method: 'POST',
          path: '/api/v1/runs',
          setupRequest: (req) => ({
            ...req,
            headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': nextClient() },
            body: JSON.stringify({ portfolio_ids: [portfolioIds[submitted++ % portfolioIds.length]] }),
          }),
        }],
      }),
      load({
        ...common,
        requests: [{
          method: 'GET',
          setupRequest: (req) => ({ ...req, path: `/api/v1/runs/${pollIds[polled++ % pollIds.length]}`, headers: { 'X-Forwarded-For': nextClient() } }),
        }],
      }),
    ]);
    const bulkState = (await (await fetch(`${cluster.apiUrl}/api/v1/runs/${bulkRun.run_id}`)).json()) as { status: string; processed: number; total: number };
    console.log(JSON.stringify({
      command: `npm run bench:api -- --seconds ${seconds} --rate ${rate} --bulk ${bulk} --workers ${workers}`,
      submit: summarize(submit),
      poll: summarize(poll),
      bulk_run_during_load: { status: bulkState.status, processed: bulkState.processed, total: bulkState.total },
    }, null, 2));
  } finally {
    await cluster.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

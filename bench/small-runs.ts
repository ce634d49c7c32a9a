/**
 * Small runs, as a portal submits them: `npm run bench:small-runs -- [--runs 300] [--book 10000] [--workers 2]`.
 * Starts a private deployment (own FerretDB, the API and workers from the sources, the shared
 * Redis under a private prefix), seeds one model over `--book` portfolios, submits `--runs`
 * one-portfolio runs as fast as the API takes them, and waits for every one to finish. Prints
 * runs/s from the first submit to the last run's end: the worker-side cost of a small run
 * (its holdings read, solve, and the MongoDB writes of its result, orders and final header).
 */
import { parseArgs } from 'node:util';
import { Cluster } from '../test/chaos/support/cluster.js';
import { seedModel } from '../test/chaos/support/seed.js';
import { nextClientAddress } from './open-load.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '300' },
    book: { type: 'string', default: '10000' },
    workers: { type: 'string', default: '2' },
  },
});
const runs = Math.min(10_000, Math.max(1, Number(values.runs)));
const book = Math.min(100_000, Math.max(runs, Number(values.book)));
const workers = Math.min(8, Math.max(1, Number(values.workers)));

const FINAL = ['completed', 'completed_with_errors', 'failed', 'cancelled'];
const from = () => ({ 'X-Forwarded-For': nextClientAddress() });

async function getRun(apiUrl: string, id: string) {
  const res = await fetch(`${apiUrl}/api/v1/runs/${id}`, { headers: from() });
  if (res.status !== 200) throw new Error(`poll answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as { created_at: string; started_at: string; finished_at: string; status: string };
}

async function main(): Promise<void> {
  const cluster = new Cluster();
  try {
    await cluster.startFerret();
    const { portfolioIds } = await seedModel(await cluster.db(), book);
    await cluster.startApi();
    for (let i = 0; i < workers; i += 1) await cluster.startWorker();
    const started = Date.now();
    const ids: string[] = [];
    for (let i = 0; i < runs; i += 1) {
      const res = await fetch(`${cluster.apiUrl}/api/v1/runs`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...from() },
        body: JSON.stringify({ portfolio_ids: [portfolioIds[(i * 7919) % portfolioIds.length]] }),
      });
      if (res.status !== 202) throw new Error(`submit answered ${res.status}: ${await res.text()}`);
      ids.push(((await res.json()) as { run_id: string }).run_id);
    }
    const submitted = Date.now();
    let pending = [...ids];
    while (pending.length > 0) {
      const states = await Promise.all(pending.map(async (id) => (await getRun(cluster.apiUrl, id)).status));
      pending = pending.filter((_, i) => !FINAL.includes(states[i]!));
      process.stderr.write(`\r${runs - pending.length}/${runs} finished   `);
      if (pending.length > 0) await new Promise((r) => setTimeout(r, 250));
    }
    process.stderr.write('\n');
    const elapsed = (Date.now() - started) / 1000;
    // Submit → final per run (created_at → finished_at), and where the slowest run spent it.
    const finals = await Promise.all(ids.map((id) => getRun(cluster.apiUrl, id)));
    const spans = finals.map((r) => ({ total: Date.parse(r.finished_at) - Date.parse(r.created_at), queued: Date.parse(r.started_at) - Date.parse(r.created_at), status: r.status }));
    spans.sort((a, b) => a.total - b.total);
    const at = (q: number) => spans[Math.min(spans.length - 1, Math.floor(q * spans.length))]!;
    console.log(JSON.stringify({
      command: `npm run bench:small-runs -- --runs ${runs} --book ${book} --workers ${workers}`,
      submit_all_s: (submitted - started) / 1000,
      elapsed_s: elapsed,
      runs_per_s: Math.round((runs / elapsed) * 10) / 10,
      submit_to_final_ms: { p50: at(0.5).total, p99: at(0.99).total, max: spans.at(-1)!.total },
      slowest: spans.at(-1),
      statuses: Object.fromEntries([...new Set(spans.map((x) => x.status))].map((st) => [st, spans.filter((x) => x.status === st).length])),
    }));
  } finally {
    await cluster.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

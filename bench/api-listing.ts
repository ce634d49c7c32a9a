/**
 * Listing pages at volume: one large finished run (results, orders, chunk summaries written
 * straight to the embedded FerretDB, as workers would leave them) and one small run, then every
 * listing of each is paged through the real API (`next` cursors) and each page timed. The
 * small run is the baseline of the same command: keyed pages cost the same whatever the run's
 * or the collection's size, so the ratio should stay near 1.
 *
 *   npm run bench:api -- --listing [--results 20000] [--trades 8] [--pages 40]
 *
 * `--results` portfolios in the large run (nine in ten optimal), each optimal one with
 * 2 + `--trades` orders.
 */
import { performance } from 'node:perf_hooks';
import { Cluster } from '../test/chaos/support/cluster.js';
import { seedRun } from '../test/api/support/seeded-run.js';

interface Timing {
  pages: number;
  p50: number;
  p99: number;
  max: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

/** Follows `next` from the first page for up to `pages` pages, timing each request. */
async function pageThrough(api: string, path: string, pages: number): Promise<Timing> {
  const ms: number[] = [];
  let next: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const started = performance.now();
    const res = await fetch(`${api}${path}${next ? `${sep}after=${encodeURIComponent(next)}` : ''}`);
    const body = (await res.json()) as { next?: string | null };
    ms.push(performance.now() - started);
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(body)}`);
    next = body.next ?? null;
  } while (next && ms.length < pages);
  const sorted = [...ms].sort((a, b) => a - b);
  const round = (v: number) => Math.round(v * 10) / 10;
  return { pages: ms.length, p50: round(percentile(sorted, 0.5)), p99: round(percentile(sorted, 0.99)), max: round(sorted.at(-1) ?? 0) };
}

async function listings(api: string, runId: string, pages: number) {
  return {
    results: await pageThrough(api, `/api/v1/runs/${runId}/results?limit=50`, pages),
    not_optimal: await pageThrough(api, `/api/v1/runs/${runId}/results?status=not_optimal&limit=50`, pages),
    orders: await pageThrough(api, `/api/v1/runs/${runId}/orders?limit=100`, pages),
    summary: await pageThrough(api, `/api/v1/runs/${runId}/summary`, 1),
  };
}

export async function listingBench(options: { results: number; trades: number; pages: number }): Promise<void> {
  const cluster = new Cluster();
  try {
    await cluster.startFerret();
    const db = await cluster.db();
    const seeding = performance.now();
    const perChunk = 200;
    const large = await seedRun(db, 1, Math.ceil(options.results / perChunk), perChunk, options.trades);
    const small = await seedRun(db, 2, 1, 100, options.trades);
    const seededSeconds = Math.round((performance.now() - seeding) / 1000);
    await cluster.startApi();
    // Warm-up on both (JIT, connections, the database settling after the bulk inserts), not reported.
    await listings(cluster.apiUrl, small.runId, 3);
    await listings(cluster.apiUrl, large.runId, 3);
    const measured = await listings(cluster.apiUrl, large.runId, options.pages);
    const baseline = await listings(cluster.apiUrl, small.runId, options.pages);
    const runsList = await pageThrough(cluster.apiUrl, '/api/v1/runs?limit=20', 1);
    const ratio = (key: keyof typeof measured) => Math.round((measured[key].p99 / Math.max(baseline[key].p99, 0.1)) * 100) / 100;
    const orders = await db.collection('orders').estimatedDocumentCount();
    const results = await db.collection('run_results').estimatedDocumentCount();
    console.log(JSON.stringify({
      command: `npm run bench:api -- --listing --results ${options.results} --trades ${options.trades} --pages ${options.pages}`,
      stored: { results, orders, seeded_in_s: seededSeconds },
      baseline_small_run_ms: baseline,
      large_run_ms: measured,
      runs_list_ms: runsList,
      p99_ratio_large_to_small: { results: ratio('results'), not_optimal: ratio('not_optimal'), orders: ratio('orders'), summary: ratio('summary') },
    }, null, 2));
  } finally {
    await cluster.close();
  }
}

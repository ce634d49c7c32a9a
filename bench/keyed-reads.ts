/**
 * What one read by `_id` costs on a MongoDB-protocol server as its collection grows:
 * `npx tsx bench/keyed-reads.ts --url mongodb://127.0.0.1:PORT/ [--docs 20000] [--bytes 18000] [--reads 200]`.
 *
 * Inserts `--docs` documents of about `--bytes` each (a packed string field, like a stored
 * result's `positions_json`) into a scratch database, then times `--reads` `findOne({_id})` of
 * random ids one at a time, and the same reads 32 at a time (how `src/store/keyed-reads.ts` reads
 * a page on FerretDB). Prints p50 / p95 / max per read and the wall time of the parallel batch.
 * Drops its database at the end. Run it against FerretDB built by `scripts/ferretdb.sh` (the
 * `_id` index is used) and against an unpatched build (every read scans the table) to compare.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    docs: { type: 'string', default: '20000' },
    bytes: { type: 'string', default: '18000' },
    reads: { type: 'string', default: '200' },
  },
});
if (!values.url) throw new Error('--url mongodb://… is required');
const docs = Math.min(500_000, Math.max(1, Number(values.docs)));
const bytes = Math.min(1_000_000, Math.max(10, Number(values.bytes)));
const reads = Math.min(10_000, Math.max(1, Number(values.reads)));

function quantiles(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]!;
  return `p50=${q(0.5).toFixed(1)} ms, p95=${q(0.95).toFixed(1)} ms, max=${q(1).toFixed(1)} ms`;
}

async function main(): Promise<void> {
  const client = new MongoClient(values.url!, { maxPoolSize: 40 });
  const db = client.db(`ogs_keyed_${randomBytes(4).toString('hex')}`);
  try {
    const coll = db.collection<{ _id: string; run_id: string; payload: string }>('docs');
    const payload = 'x'.repeat(bytes);
    const t0 = Date.now();
    for (let i = 0; i < docs; i += 1000) {
      const batch = Array.from({ length: Math.min(1000, docs - i) }, (_, k) => ({ _id: `run:m:p${i + k}`, run_id: 'run', payload }));
      await coll.insertMany(batch, { ordered: false });
    }
    process.stdout.write(`inserted ${docs.toLocaleString('en-US')} documents of ~${bytes.toLocaleString('en-US')} bytes in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    const ids = Array.from({ length: reads }, () => `run:m:p${Math.floor(Math.random() * docs)}`);
    const serial: number[] = [];
    for (const id of ids) {
      const t = performance.now();
      if (!(await coll.findOne({ _id: id }))) throw new Error(`no document ${id}`);
      serial.push(performance.now() - t);
    }
    process.stdout.write(`findOne by _id, one at a time: n=${reads} ${quantiles(serial)}\n`);
    const t1 = performance.now();
    for (let i = 0; i < ids.length; i += 32) await Promise.all(ids.slice(i, i + 32).map((id) => coll.findOne({ _id: id })));
    process.stdout.write(`findOne by _id, 32 at a time: ${reads} reads in ${(performance.now() - t1).toFixed(0)} ms\n`);
  } finally {
    await db.dropDatabase().catch(() => undefined);
    await client.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});

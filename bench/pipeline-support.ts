import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { freePort } from '../test/support/free-port.js';

export { freePort };

export const root = join(import.meta.dirname, '..');

/** Peak resident set size of a process, MB (Linux `VmHWM`). */
export function peakRssMb(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.round(Number(match[1]) / 1024) : null;
  } catch {
    return null;
  }
}

/**
 * CPU seconds a process has used so far, all its threads included (Linux `/proc/<pid>/stat`
 * utime + stime, in clock ticks of 1/100 s), or with `mainThreadOnly` its main thread's (the
 * event loop), or null when it cannot be read.
 */
export function cpuSeconds(pid: number | undefined, mainThreadOnly = false): number | null {
  if (!pid) return null;
  try {
    const path = mainThreadOnly ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`;
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
    const fields = readFileSync(path, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

export async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what} did not come up`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * A private FerretDB for the benchmark on a free port: SQLite in a temp dir, or PostgreSQL when
 * `FERRETDB_BACKEND=postgresql` (database `ferretdb` on 127.0.0.1:5432, created beforehand).
 */
export async function startFerret(): Promise<{ url: string; child: ChildProcess; backend: string }> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'ogs-bench-ferretdb-'));
  const backend = process.env.FERRETDB_BACKEND === 'postgresql' ? 'postgresql' : 'sqlite';
  const handler =
    backend === 'postgresql'
      ? ['--handler=postgresql', `--postgresql-url=${process.env.FERRETDB_POSTGRESQL_URL ?? 'postgres://postgres@127.0.0.1:5432/ferretdb'}`]
      : ['--handler=sqlite', `--sqlite-url=file:${dir}/`];
  const child = spawn(
    join(root, '.bin', 'ferretdb'),
    [`--listen-addr=127.0.0.1:${port}`, ...handler, `--state-dir=${dir}`, '--debug-addr=-', '--telemetry=disable', '--log-level=error'],
    { stdio: 'ignore' },
  );
  const url = `mongodb://127.0.0.1:${port}/`;
  await waitFor(async () => {
    const client = new MongoClient(url, { serverSelectionTimeoutMS: 500 });
    try {
      await client.db('admin').command({ ping: 1 });
      return true;
    } finally {
      await client.close();
    }
  }, 'FerretDB');
  return { url, child, backend };
}

/** Starts `node dist/<entry>` with env; collects stdout lines when asked (the worker's chunk logs). */
export function startNode(entry: string, env: Record<string, string>, onLine?: (line: string) => void, nodeFlags: readonly string[] = []): ChildProcess {
  const child = spawn(process.execPath, [...nodeFlags, join(root, 'dist', entry)], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  let buffered = '';
  child.stdout!.on('data', (data: Buffer) => {
    buffered += data.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    if (onLine) for (const line of lines) onLine(line);
  });
  return child;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { WORKER_NODE_FLAGS } from '../../../src/worker/worker-settings.js';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { MongoClient, type Db } from 'mongodb';
import { freePort } from '../../support/free-port.js';
import { chunkJobId, REBALANCE_QUEUE } from '../../../src/queue/index.js';

export { freePort };

const root = join(import.meta.dirname, '..', '..', '..');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A child process of ours, ended only by its own PID. */
export interface Child {
  name: string;
  proc: ChildProcess;
  pid: number;
  exited: Promise<number | null>;
  /** The last lines it wrote, for failure messages. */
  tail(): string;
}

export function launch(name: string, command: string, args: string[], env: NodeJS.ProcessEnv): Child {
  const proc = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  // CHAOS_LOG_DIR=… keeps each process's whole output, to look into a failed run afterwards.
  if (process.env.CHAOS_LOG_DIR) {
    const file = createWriteStream(join(process.env.CHAOS_LOG_DIR, `${name}-${Date.now()}.log`));
    proc.stdout?.pipe(file);
    proc.stderr?.pipe(file);
  }
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > 40) lines.splice(0, lines.length - 40);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return { name, proc, pid: proc.pid!, exited, tail: () => lines.join('\n') };
}

/**
 * A private, disposable deployment on loopback: its own FerretDB (so it can be stopped and
 * restarted), an API process and worker processes run from the TypeScript sources, one
 * database and one queue prefix. Shares only the machine's Redis, and touches only its own
 * keys and connections there.
 */
export class Cluster {
  /** The machine's shared Redis unless a test brings its own (to flush it or fill it up). */
  constructor(readonly redisUrl: string = REDIS_URL) {}

  readonly dbName = `chaos_${randomBytes(4).toString('hex')}`;
  readonly queuePrefix = `chaos-${randomBytes(4).toString('hex')}`;
  readonly workers: Child[] = [];
  api?: Child;
  apiPort = 0;
  ferret?: Child;
  private ferretPort = 0;
  /** Created on first start, so constructing a Cluster (e.g. in a skipped suite) leaves nothing behind. */
  private dataDir = '';
  private client?: MongoClient;

  get mongoUrl(): string {
    return `mongodb://127.0.0.1:${this.ferretPort}/`;
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.apiPort}`;
  }

  /** A check-side MongoDB handle (not shared with any process under test). */
  async db(): Promise<Db> {
    this.client ??= new MongoClient(this.mongoUrl, { serverSelectionTimeoutMS: 30_000 });
    await this.client.connect();
    return this.client.db(this.dbName);
  }

  private env(extra: Record<string, string>): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      ALLOW_ANONYMOUS: 'true',
      // CHAOS_LOG_LEVEL=info (with CHAOS_LOG_DIR) records what every process did, not only its warnings.
      LOG_LEVEL: process.env.CHAOS_LOG_LEVEL ?? 'warn',
      MONGODB_URL: this.mongoUrl,
      DATABASE_NAME: this.dbName,
      REDIS_URL: this.redisUrl,
      QUEUE_PREFIX: this.queuePrefix,
      MARKET_DATA_SOURCE: 'snapshot',
      ...extra,
    };
  }

  async startFerret(): Promise<number> {
    execFileSync(join(root, 'scripts', 'ferretdb.sh'), ['build'], { stdio: 'ignore' });
    this.ferretPort ||= await freePort();
    this.dataDir ||= mkdtempSync(join(tmpdir(), 'ogs-chaos-'));
    const started = Date.now();
    this.ferret = launch('ferretdb', join(root, '.bin', 'ferretdb'), [
      `--listen-addr=127.0.0.1:${this.ferretPort}`, '--debug-addr=-', '--handler=sqlite',
      `--sqlite-url=file:${this.dataDir}/`, `--state-dir=${this.dataDir}`, '--telemetry=disable', '--log-level=error',
    ], this.env({}));
    await waitFor(async () => {
      const probe = new MongoClient(this.mongoUrl, { serverSelectionTimeoutMS: 300 });
      try {
        await probe.db('admin').command({ ping: 1 });
        return true;
      } catch {
        return false;
      } finally {
        await probe.close();
      }
    }, 20_000, 'FerretDB did not answer');
    return Date.now() - started;
  }

  async stopFerret(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const ferret = this.ferret;
    if (!ferret) return;
    ferret.proc.kill(signal);
    await ferret.exited;
    this.ferret = undefined;
  }

  async startApi(extra: Record<string, string> = {}): Promise<void> {
    this.apiPort ||= await freePort();
    // OGS_API_CPU_PROFILE=<dir> writes a V8 CPU profile of the API on exit (for `bench:api`).
    const profile = process.env.OGS_API_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.OGS_API_CPU_PROFILE}`] : [];
    this.api = launch('api', process.execPath, [...profile, '--import', 'tsx', 'src/api/main.ts'], this.env({ PORT: String(this.apiPort), ...extra }));
    await waitFor(async () => (await fetch(`${this.apiUrl}/health/ready`).catch(() => undefined))?.status === 200, 60_000, () => `API not ready:\n${this.api?.tail()}`);
  }

  /** Starts a worker process; resolves once its probe port answers. */
  async startWorker(extra: Record<string, string> = {}): Promise<Child> {
    const port = await freePort();
    const worker = launch(`worker-${this.workers.length}`, process.execPath, [...WORKER_NODE_FLAGS, '--import', 'tsx', 'src/worker/main.ts'], this.env({ WORKER_HTTP_PORT: String(port), ...extra }));
    this.workers.push(worker);
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/health/live`).catch(() => undefined))?.ok === true, 60_000, () => `worker not up:\n${worker.tail()}`);
    return worker;
  }

  /**
   * Where each chunk of a run that has not completed sits in the queue (state, attempts, last
   * error), and the last lines of every process: what a stuck run's failure message needs.
   */
  async chunkDiagnosis(runId: string, chunkCount: number): Promise<string> {
    const queue = new Queue(REBALANCE_QUEUE, { connection: new Redis(REDIS_URL, { maxRetriesPerRequest: null }), prefix: this.queuePrefix });
    const lines: string[] = [];
    try {
      for (let i = 0; i < chunkCount; i++) {
        const job = await Job.fromId(queue, chunkJobId(runId, i));
        const state = job ? await job.getState() : 'missing';
        if (state !== 'completed') lines.push(`chunk ${i}: ${state}, attempts ${job?.attemptsMade ?? '-'}, stalled ${job?.stalledCounter ?? '-'}, failed: ${job?.failedReason ?? '-'}`);
      }
    } finally {
      await queue.close();
    }
    const tails = [this.api, ...this.workers].filter((c): c is Child => !!c).map((c) => `--- ${c.name} (exit ${c.proc.exitCode ?? c.proc.signalCode ?? 'live'})\n${c.tail()}`);
    return [`chunks not completed: ${lines.length}`, ...lines, ...tails].join('\n');
  }

  liveWorkers(): Child[] {
    return this.workers.filter((w) => w.proc.exitCode === null && w.proc.signalCode === null);
  }

  /**
   * Drops every Redis connection held by our own processes (found by PID with `ss`, killed by
   * address), never anyone else's: other helpers share this Redis.
   */
  async killOurRedisConnections(): Promise<number> {
    const pids = new Set([this.api?.pid, ...this.liveWorkers().map((w) => w.pid)].filter(Boolean).map(String));
    const redisPort = new URL(this.redisUrl).port || '6379';
    const out = execFileSync('ss', ['-Htnp', 'state', 'established', `( dport = :${redisPort} )`], { encoding: 'utf8' });
    const addrs = out.split('\n').flatMap((line) => {
      const pid = /pid=(\d+)/.exec(line)?.[1];
      const local = line.trim().split(/\s+/)[2];
      return pid && local && pids.has(pid) ? [local] : [];
    });
    const admin = new Redis(this.redisUrl, { connectionName: `${this.queuePrefix}-chaos-admin` });
    let killed = 0;
    for (const addr of addrs) killed += Number(await admin.client('KILL', 'ADDR', addr).then(() => 1).catch(() => 0));
    await admin.quit();
    return killed;
  }

  async close(): Promise<void> {
    for (const child of [...this.liveWorkers(), this.api].filter((c): c is Child => !!c && c.proc.exitCode === null)) {
      child.proc.kill('SIGKILL');
      await child.exited;
    }
    const redis = new Redis(this.redisUrl);
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${this.queuePrefix}:*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    await redis.quit();
    await this.client?.close().catch(() => undefined);
    await this.stopFerret();
    if (this.dataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, message: string | (() => string)): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(typeof message === 'string' ? message : message());
    await sleep(100);
  }
}

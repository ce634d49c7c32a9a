import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';
import { Redis } from 'ioredis';

/** A process the demo started and must stop. */
export interface Started {
  name: string;
  pid: number;
  child?: ChildProcess;
  /** How to stop it when a signal to the PID is not the way (FerretDB's own script). */
  stop?: () => void;
}

export const root = join(import.meta.dirname, '..', '..');
export const logDir = join(root, '.run', 'demo');

export function portOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host });
    socket.setTimeout(500);
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('timeout', () => { socket.destroy(); resolve(false); });
    socket.once('error', () => resolve(false));
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * Starts a long-running process in its own process group (so the terminal's Ctrl-C reaches
 * only the demo, which then stops it by PID), logging to `.run/demo/<name>.log`.
 */
export function startProcess(name: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}): Started {
  mkdirSync(logDir, { recursive: true });
  const log = createWriteStream(join(logDir, `${name}.log`), { flags: 'w' });
  const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  if (child.pid === undefined) throw new Error(`could not start ${name} (${command})`);
  return { name, pid: child.pid, child };
}

export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, started?: Started): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (started?.child && started.child.exitCode !== null) {
      throw new Error(`${started.name} exited with code ${started.child.exitCode}; see .run/demo/${started.name}.log`);
    }
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} not ready within ${timeoutMs / 1000} s${started ? `; see .run/demo/${started.name}.log` : ''}`);
}

export async function httpOk(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
  await res.body?.cancel();
  return res.ok;
}

/**
 * The Redis to use: `url` when given (it must answer PING; the demo never starts one there),
 * else 127.0.0.1:6379, started when nothing answers on that port.
 */
export async function ensureRedis(started: Started[], url?: string): Promise<string> {
  if (url !== undefined) {
    await pingRedis(url);
    return url;
  }
  const local = 'redis://127.0.0.1:6379';
  if (await portOpen(6379)) return local;
  const redis = startProcess('redis', 'redis-server', ['--port', '6379', '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
  started.push(redis);
  await waitFor('Redis', () => portOpen(6379), 10_000, redis);
  return local;
}

async function pingRedis(url: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 3000, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(`Redis at ${redactUrl(url)} does not answer: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  } finally {
    redis.disconnect();
  }
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

/** FerretDB through `scripts/ferretdb.sh`; stopped afterwards only if this demo started it. */
export async function ensureFerretDb(started: Started[]): Promise<string> {
  const script = join(root, 'scripts', 'ferretdb.sh');
  let running = '';
  try {
    running = execFileSync(script, ['url'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    running = '';
  }
  // The script's URL file can outlive the server; trust it only if the port answers.
  const port = Number(/:(\d+)\/?$/.exec(running)?.[1] ?? 0);
  if (running && port > 0 && (await portOpen(port))) return running;
  const url = execFileSync(script, ['start'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  started.push({ name: 'ferretdb', pid: 0, stop: () => execFileSync(script, ['stop'], { cwd: root, stdio: 'ignore' }) });
  return url.split('\n').pop() ?? url;
}

/** SIGTERM to each process (newest first), then SIGKILL to any still alive after 10 s. */
export async function stopAll(started: Started[]): Promise<void> {
  for (const p of [...started].reverse()) {
    if (p.stop) {
      try { p.stop(); } catch { /* already gone */ }
      continue;
    }
    try { process.kill(p.pid, 'SIGTERM'); } catch { /* already gone */ }
  }
  const deadline = Date.now() + 10_000;
  for (const p of started.filter((s) => !s.stop)) {
    while (alive(p.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (alive(p.pid)) {
      try { process.kill(p.pid, 'SIGKILL'); } catch { /* already gone */ }
    }
  }
  started.length = 0;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

import { Redis } from 'ioredis';
import { freePort, launch, waitFor, type Child } from './cluster.js';

/**
 * A redis-server of our own on a free loopback port, without persistence: one a test may flush
 * or fill up. The machine's shared Redis is never touched this way.
 */
export class PrivateRedis {
  private child?: Child;
  port = 0;
  /** An admin connection for the faults (FLUSHALL, CONFIG SET). */
  admin?: Redis;

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.port = await freePort();
    this.child = launch('redis', 'redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'], { PATH: process.env.PATH });
    this.admin = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await waitFor(async () => (await this.admin!.ping().catch(() => '')) === 'PONG', 10_000, () => `redis-server did not start:\n${this.child?.tail()}`);
  }

  async usedMemory(): Promise<number> {
    const info = await this.admin!.info('memory');
    return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
  }

  async stop(): Promise<void> {
    this.admin?.disconnect();
    if (!this.child) return;
    this.child.proc.kill('SIGTERM');
    await this.child.exited;
  }
}

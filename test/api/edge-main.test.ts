import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { start, stop } from '../../src/api/main.js';
import { createTestDatabase, type TestDatabase } from '../support/mongo.js';

const root = join(import.meta.dirname, '..', '..');

describe('API composition root', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('api_main');
  });
  afterAll(async () => {
    await stop();
    await t.drop();
  });

  it('when started on port 0, then it serves on the bound port with indexes ensured, and stop() closes it', async () => {
    const api = await start({ PORT: '0', MONGODB_URL: t.url, DATABASE_NAME: t.name, LOG_LEVEL: 'silent' });
    expect(api.port).toBeGreaterThan(0);
    const ready = await fetch(`http://127.0.0.1:${api.port}/health/ready`);
    expect(ready.status).toBe(200);
    expect((await t.db.collection('models').indexes()).map((i) => i.name)).toContain('portfolios');
    await expect(start({ PORT: '0' })).rejects.toThrow(/already started/);
    await stop();
    await expect(fetch(`http://127.0.0.1:${api.port}/health/live`)).rejects.toThrow();
    await stop();
  });

  it('when the config is invalid, then start() fails loudly and nothing is left running', async () => {
    await expect(start({ PORT: 'eighty' })).rejects.toThrow(/Invalid configuration: PORT/);
    await expect(start({ PORT: '0', MONGODB_URL: 'mongodb://127.0.0.1:1/', DATABASE_NAME: t.name, LOG_LEVEL: 'silent' })).rejects.toThrow();
    const api = await start({ PORT: '0', MONGODB_URL: t.url, DATABASE_NAME: t.name, LOG_LEVEL: 'silent' });
    expect(api.port).toBeGreaterThan(0);
    await stop();
  });

  it('when run as a process and sent SIGTERM, then it logs its port, serves, and exits 0', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src', 'api', 'main.ts')], {
      cwd: root,
      env: { ...process.env, PORT: '0', MONGODB_URL: t.url, DATABASE_NAME: t.name, LOG_LEVEL: 'info', NODE_ENV: 'production', ALLOW_ANONYMOUS: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /"port":(\d+).*"msg":"API listening"/.exec(out);
        if (match) resolve(Number(match[1]));
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
    });
    const live = await fetch(`http://127.0.0.1:${port}/health/live`);
    expect(await live.json()).toEqual({ status: 'ok' });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 30_000);
});

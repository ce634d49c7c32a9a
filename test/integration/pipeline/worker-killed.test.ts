import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { ORDERS_COLLECTION } from '../../../src/store/orders-repository.js';
import { RESULTS_COLLECTION, type ResultDocument } from '../../../src/store/results-repository.js';
import { seedBook, type Book } from './support/book.js';
import { startPipeline, waitFinal, type Pipeline } from './support/harness.js';

const workerMain = join(import.meta.dirname, '..', '..', '..', 'dist', 'worker', 'main.js');

/** A worker process exactly as production starts it (`npm test` builds `dist` first). */
function spawnWorker(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [workerMain], {
    env: { ...process.env, ...env, WORKER_HTTP_PORT: '0', WORKER_CONCURRENCY: '1', THREAD_POOL_MAX_WORKERS: '1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

describe('a worker killed mid-run', () => {
  let p: Pipeline;
  let book: Book;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    p = await startPipeline('killed', { CHUNK_SIZE: '25' }, { worker: false });
    book = await seedBook(p.t.db, { models: 2, portfoliosPerModel: 400, positionsPerModel: 20, seed: 3 });
  }, 60_000);
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await p?.stop();
  });

  it('when a worker is SIGKILLed mid-run, then a second worker finishes the run with every portfolio rebalanced exactly once', async () => {
    const first = spawnWorker(p.env);
    children.push(first);
    const submitted = await request(p.app).post('/api/v1/runs').send({ model_ids: book.modelIds });
    const runId = submitted.body.run_id as string;
    for (;;) {
      const state = await request(p.app).get(`/api/v1/runs/${runId}`);
      if (state.body.processed > 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    first.kill('SIGKILL');
    await exited(first);
    const killedAt = (await request(p.app).get(`/api/v1/runs/${runId}`)).body.processed as number;
    expect(killedAt).toBeLessThan(800);

    const second = spawnWorker(p.env);
    children.push(second);
    const run = await waitFinal(p.app, runId, 90);
    expect(run).toMatchObject({ status: 'completed', total: 800, processed: 800, succeeded: 800 });

    const results = await p.t.db.collection<ResultDocument>(RESULTS_COLLECTION).find({ run_id: runId }).toArray();
    expect(results).toHaveLength(800);
    expect(new Set(results.map((r) => r._id)).size).toBe(800);
    const orders = await p.t.db.collection(ORDERS_COLLECTION).countDocuments({ run_id: runId });
    expect(orders).toBe(results.reduce((sum, r) => sum + r.trade_count, 0));

    second.kill('SIGTERM');
    expect(await exited(second)).toBe(0);
  }, 150_000);
});

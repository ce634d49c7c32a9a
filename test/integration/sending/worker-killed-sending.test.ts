import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startOrderServiceStandIn, type OrderServiceStandIn } from '../../support/order-service/stand-in.js';
import { seedBook, type Book } from '../pipeline/support/book.js';
import { runToCompletion, startPipeline, type Pipeline } from '../pipeline/support/harness.js';
import { deliveryOf, dropQueueKeys, waitSent } from './support/sending.js';

const workerMain = join(import.meta.dirname, '..', '..', '..', 'dist', 'worker', 'main.js');

/** A worker process as production starts it (`npm test` builds `dist` first). */
function spawnWorker(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [workerMain], { env: { ...process.env, ...env, WORKER_HTTP_PORT: '0', LOG_LEVEL: 'error' }, stdio: ['ignore', 'ignore', 'inherit'] });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

describe('a worker killed while its batch is at the Order Service', () => {
  let p: Pipeline;
  let book: Book;
  let standIn: OrderServiceStandIn;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    standIn = await startOrderServiceStandIn();
    p = await startPipeline('killsend', { ORDER_SERVICE_URL: standIn.url, SEND_SWEEP_SECONDS: '1', SEND_BATCH_SIZE: '100', SEND_CONCURRENCY: '1' }, { worker: false });
    book = await seedBook(p.t.db, { models: 1, portfoliosPerModel: 60, positionsPerModel: 8, seed: 5 });
  }, 60_000);
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await p?.stop();
    if (p) await dropQueueKeys(p.prefix);
    await standIn?.stop();
  });

  it('when the worker is SIGKILLed mid-POST and the Order Service commits anyway, then a second worker reconciles and every order exists once', async () => {
    // Slow enough that the kill lands while the first POST is being processed; it still commits.
    standIn.faults.slowMs = 1_500;
    const first = spawnWorker(p.env);
    children.push(first);
    const run = await runToCompletion(p.app, { model_ids: book.modelIds }, 90);
    const runId = run.run_id as string;
    while (standIn.posts === 0) await new Promise((r) => setTimeout(r, 20));
    first.kill('SIGKILL');
    await exited(first);
    standIn.faults.slowMs = 0;

    children.push(spawnWorker(p.env));
    await waitSent(p.app, runId, 90);
    const d = await deliveryOf(p.t.db, standIn, runId, new Set(book.portfolioIds));
    expect(d.orders.length).toBeGreaterThan(100);
    expect(d.received).toEqual(d.expected);
    expect(d.reconciled).toBeGreaterThan(0);
    expect(d.results.every(([, state, id]) => state === 'sent' && d.receivedIds.has(id!))).toBe(true);
  }, 150_000);
});

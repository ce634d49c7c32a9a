import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ORDERS_COLLECTION } from '../../src/store/orders-repository.js';
import { OUTBOX_BATCHES_COLLECTION, OUTBOX_OUTCOMES_COLLECTION, OUTBOX_RUNS_COLLECTION, OUTBOX_SENDING_COLLECTION } from '../../src/store/outbox-repository.js';
import { REBALANCES_COLLECTION } from '../../src/store/rebalances-repository.js';
import { RESULTS_COLLECTION } from '../../src/store/results-repository.js';
import { deleteExpiredRuns } from '../../src/store/retention.js';
import { RUN_SUMMARIES_COLLECTION } from '../../src/store/run-summaries-repository.js';
import { RUN_CHUNKS_COLLECTION, RUN_MODELS_COLLECTION, RUN_OUTCOMES_COLLECTION, RUNS_COLLECTION } from '../../src/store/runs-repository.js';
import { seedBook, type Book } from './pipeline/support/book.js';
import { runToCompletion, startPipeline, type Pipeline } from './pipeline/support/harness.js';

const PER_RUN = [ORDERS_COLLECTION, RESULTS_COLLECTION, RUN_SUMMARIES_COLLECTION, RUN_OUTCOMES_COLLECTION, RUN_CHUNKS_COLLECTION, RUN_MODELS_COLLECTION, REBALANCES_COLLECTION, OUTBOX_BATCHES_COLLECTION, OUTBOX_SENDING_COLLECTION, OUTBOX_OUTCOMES_COLLECTION];
const DAY = 86_400_000;

describe('retention (deleteExpiredRuns) on the MongoDB-protocol server', () => {
  let p: Pipeline;
  let book: Book;

  beforeAll(async () => {
    p = await startPipeline('retention', { CHUNK_SIZE: '20' });
    book = await seedBook(p.t.db, { models: 1, portfoliosPerModel: 130, positionsPerModel: 4, seed: 9 });
  }, 60_000);
  afterAll(async () => {
    await p?.stop();
  });

  const count = (collection: string, runId: string) => p.t.db.collection(collection).countDocuments({ run_id: runId });

  /** A finished run, moved `days` into the past, with an outbox as sending would leave it. */
  async function oldRun(days: number, status?: string): Promise<string> {
    const run = await runToCompletion(p.app, { model_ids: [book.modelIds[0]] });
    const runId = run.run_id as string;
    const at = new Date(Date.now() - days * DAY);
    await p.t.db.collection(RUNS_COLLECTION).updateOne({ _id: runId as never }, { $set: { created_at: at, finished_at: status ? null : at, ...(status ? { status } : {}) } });
    await p.t.db.collection(OUTBOX_RUNS_COLLECTION).insertOne({ _id: runId as never, run_id: runId });
    for (const name of [OUTBOX_BATCHES_COLLECTION, OUTBOX_SENDING_COLLECTION, OUTBOX_OUTCOMES_COLLECTION]) {
      await p.t.db.collection(name).insertOne({ _id: `${runId}:0` as never, run_id: runId, order_timestamp: `${runId}-${name}` });
    }
    return runId;
  }

  it('when a final run is older than the cutoff, then it and everything stored for it are deleted in batches; newer and open runs stay', async () => {
    const expired = await oldRun(40);
    const recent = await oldRun(2);
    const openButOld = await oldRun(40, 'running');
    for (const name of PER_RUN) expect({ name, stored: (await count(name, expired)) > 0 }).toEqual({ name, stored: true });
    expect(await count(RESULTS_COLLECTION, expired)).toBe(130);
    expect(await count(ORDERS_COLLECTION, expired)).toBeGreaterThan(0);
    expect(await count(RUN_SUMMARIES_COLLECTION, expired)).toBe(7);

    const deleted = await deleteExpiredRuns(p.t.db, new Date(Date.now() - 30 * DAY), { batch: 7 });

    expect(deleted.runs).toBe(1);
    for (const name of PER_RUN) expect({ name, left: await count(name, expired) }).toEqual({ name, left: 0 });
    expect(await p.t.db.collection(RUNS_COLLECTION).countDocuments({ _id: expired as never })).toBe(0);
    expect(await p.t.db.collection(OUTBOX_RUNS_COLLECTION).countDocuments({ _id: expired as never })).toBe(0);
    for (const kept of [recent, openButOld]) {
      expect(await p.t.db.collection(RUNS_COLLECTION).countDocuments({ _id: kept as never })).toBe(1);
      expect(await count(RESULTS_COLLECTION, kept)).toBe(130);
      expect(await count(OUTBOX_OUTCOMES_COLLECTION, kept)).toBe(1);
    }
    expect(await deleteExpiredRuns(p.t.db, new Date(Date.now() - 30 * DAY))).toEqual({ runs: 0, documents: 0 });
  }, 120_000);
});

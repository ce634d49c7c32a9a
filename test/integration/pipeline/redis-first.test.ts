import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { RUN_CHUNKS_COLLECTION, RUNS_COLLECTION } from '../../../src/store/runs-repository.js';
import { seedBook, type Book } from './support/book.js';
import { runToCompletion, startPipeline, type Pipeline } from './support/harness.js';

/** Runs of up to 5 chunks are accepted in Redis and written to MongoDB later (see createRun). */
describe('runs created in Redis first', () => {
  let p: Pipeline;
  let book: Book;

  beforeAll(async () => {
    // No worker: nothing stores a run behind the test's back. CHUNK_SIZE is 100 in the harness.
    p = await startPipeline('redisfirst', {}, { worker: false });
    book = await seedBook(p.t.db, { models: 1, portfoliosPerModel: 600, positionsPerModel: 2 });
  }, 60_000);
  afterAll(async () => {
    await p?.stop();
  });

  const storedRun = (runId: string) => p.t.db.collection(RUNS_COLLECTION).findOne({ _id: runId as never });

  it('when a small run is submitted, then it is answered and polled without MongoDB holding it yet', async () => {
    const submitted = await request(p.app).post('/api/v1/runs').send({ portfolio_ids: book.portfolioIds.slice(0, 3) });
    expect(submitted.status).toBe(202);
    expect(await storedRun(submitted.body.run_id)).toBeNull();
    const polled = await request(p.app).get(`/api/v1/runs/${submitted.body.run_id}`);
    expect(polled.status).toBe(200);
    expect(polled.body).toMatchObject({ run_id: submitted.body.run_id, status: 'queued', total: 3, processed: 0 });
  });

  it('when runs are listed, then a run not yet in MongoDB is stored first and listed with its plan', async () => {
    const submitted = await request(p.app).post('/api/v1/runs').send({ portfolio_ids: [book.portfolioIds[5]] });
    const list = await request(p.app).get('/api/v1/runs?limit=100');
    expect(list.body.items.map((r: { run_id: string }) => r.run_id)).toContain(submitted.body.run_id);
    expect(await storedRun(submitted.body.run_id)).toMatchObject({ status: 'queued', total: 1, enqueued_chunks: 1 });
    expect(await p.t.db.collection(RUN_CHUNKS_COLLECTION).countDocuments({ run_id: submitted.body.run_id })).toBe(1);
  });

  it('when a run not yet in MongoDB is cancelled, then it is stored as cancelled and polls say so', async () => {
    const submitted = await request(p.app).post('/api/v1/runs').send({ portfolio_ids: [book.portfolioIds[7]] });
    const cancelled = await request(p.app).post(`/api/v1/runs/${submitted.body.run_id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect(await storedRun(submitted.body.run_id)).toMatchObject({ status: 'cancelled', reason: 'cancelled by request' });
    expect((await request(p.app).get(`/api/v1/runs/${submitted.body.run_id}`)).body.status).toBe('cancelled');
  });

  it('when a bulk run of more than 5 chunks is submitted, then MongoDB holds it before the answer', async () => {
    const submitted = await request(p.app).post('/api/v1/runs').send({ model_ids: [book.modelIds[0]] });
    expect(submitted.status).toBe(202);
    expect(submitted.body.total).toBe(600);
    expect(await storedRun(submitted.body.run_id)).toMatchObject({ total: 600, chunk_count: 6, enqueued_chunks: 6 });
  });

  it('when the same Idempotency-Key is replayed before MongoDB holds the run, then the same run comes back', async () => {
    const body = { portfolio_ids: [book.portfolioIds[9]] };
    const first = await request(p.app).post('/api/v1/runs').set('Idempotency-Key', 'redis-first-1').send(body);
    const again = await request(p.app).post('/api/v1/runs').set('Idempotency-Key', 'redis-first-1').send(body);
    expect([first.status, again.status]).toEqual([202, 200]);
    expect(again.body.run_id).toBe(first.body.run_id);
  });
});

describe('a run created in Redis first, through a worker', () => {
  let p: Pipeline;
  let book: Book;

  beforeAll(async () => {
    p = await startPipeline('redisfirstw');
    book = await seedBook(p.t.db, { models: 1, portfoliosPerModel: 250, positionsPerModel: 3 });
  }, 60_000);
  afterAll(async () => {
    await p?.stop();
  });

  it('when its chunks are done, then MongoDB holds it once, already final, with its plan and exact counts', async () => {
    const run = await runToCompletion(p.app, { portfolio_ids: book.portfolioIds.slice(0, 250) });
    expect(run).toMatchObject({ status: 'completed', total: 250, processed: 250, succeeded: 250 });
    const stored = await p.t.db.collection(RUNS_COLLECTION).findOne({ _id: run.run_id as never });
    expect(stored).toMatchObject({ status: 'completed', chunk_count: 3, final_counts: { processed: 250, succeeded: 250 } });
    expect(stored!.started_at).toBeInstanceOf(Date);
    expect(await p.t.db.collection(RUN_CHUNKS_COLLECTION).countDocuments({ run_id: run.run_id })).toBe(3);
    expect((await request(p.app).get(`/api/v1/runs/${run.run_id}/results?limit=1`)).body.total).toBe(250);
  }, 60_000);
});

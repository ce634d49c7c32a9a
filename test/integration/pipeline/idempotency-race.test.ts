import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { RUN_CHUNKS_COLLECTION } from '../../../src/store/runs-repository.js';
import { seedBook, type Book } from './support/book.js';
import { startPipeline, type Pipeline } from './support/harness.js';

describe('duplicate submits racing before the run is recorded', () => {
  let p: Pipeline;
  let book: Book;

  beforeAll(async () => {
    // No worker; 20 portfolios a chunk: 400 portfolios are a 20-chunk bulk run, planned in MongoDB first.
    p = await startPipeline('idemrace', { CHUNK_SIZE: '20' }, { worker: false });
    book = await seedBook(p.t.db, { models: 1, portfoliosPerModel: 400, positionsPerModel: 4, seed: 3 });
  }, 60_000);
  afterAll(async () => {
    await p?.stop();
  });

  it('when 12 submits with one Idempotency-Key arrive at once, then one plans the run (202) and the others wait for it and return it (200) without re-planning', async () => {
    const submit = () => request(p.app).post('/api/v1/runs').set('Idempotency-Key', 'race-1').send({ model_ids: [book.modelIds[0]] });
    const answers = await Promise.all(Array.from({ length: 12 }, submit));
    expect(new Set(answers.map((a) => a.body.run_id)).size).toBe(1);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 202]);
    expect(await p.t.db.collection(RUN_CHUNKS_COLLECTION).countDocuments({ run_id: answers[0]!.body.run_id })).toBe(20);
  }, 60_000);
});

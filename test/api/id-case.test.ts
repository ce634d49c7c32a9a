import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { hexId, seedBook, type Book } from '../integration/pipeline/support/book.js';
import { startPipeline, type Pipeline } from '../integration/pipeline/support/harness.js';

const SEC = '5f00000000000000000000ee';
const SEC_UPPER = '5F00000000000000000000EE';
const position = (security_id: string) => ({ security_id, target: '0.2', high_drift: '0.05', low_drift: '0.05' });

describe('when ids arrive in another case, then every edge treats them as the same id', () => {
  let p: Pipeline;
  let book: Book;

  beforeAll(async () => {
    p = await startPipeline('idcase', {}, { worker: false });
    book = await seedBook(p.t.db, { models: 1, portfoliosPerModel: 3, positionsPerModel: 4 });
  }, 60_000);
  afterAll(async () => {
    await p?.stop();
  });

  it('when a model names 5f…ee and 5F…EE, then it is refused as a duplicate security', async () => {
    const res = await request(p.app).post('/api/v1/models').send({ name: 'dup case', positions: [position(SEC), position(SEC_UPPER)], portfolios: [] });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ field: 'positions[1].security_id', detail: expect.stringContaining('already appears at positions[0]') });
  });

  it('when a model is saved with upper-case ids, then they are stored lower-case and found in any case', async () => {
    const portfolio = hexId('abcd', 1).toUpperCase();
    const created = await request(p.app).post('/api/v1/models').send({ name: 'upper', positions: [position(SEC_UPPER)], portfolios: [portfolio] });
    expect(created.status).toBe(201);
    expect(created.body.positions[0].security_id).toBe(SEC);
    expect(created.body.portfolios).toEqual([portfolio.toLowerCase()]);
    const byUpper = await request(p.app).get(`/api/v1/model/${String(created.body.model_id).toUpperCase()}`);
    expect(byUpper.status).toBe(200);
    const twice = await request(p.app).post(`/api/v1/model/${created.body.model_id}/portfolio`).send({ portfolios: [portfolio.toLowerCase()] });
    expect(twice.status).toBe(422);
    const removed = await request(p.app).delete(`/api/v1/model/${created.body.model_id}/position`).send({ security_id: SEC_UPPER.toLowerCase() });
    expect(removed.status).toBe(200);
  });

  it('when holdings and prices are uploaded with upper-case ids, then they are stored lower-case', async () => {
    const portfolio = hexId('abcd', 2);
    const up = await request(p.app)
      .put('/api/v1/portfolios/holdings')
      .send([{ portfolio_id: portfolio.toUpperCase(), cash: '10', holdings: [{ security_id: SEC_UPPER, quantity: 1 }] }]);
    expect(up.status).toBeLessThan(300);
    const read = await request(p.app).get(`/api/v1/portfolio/${portfolio}/holdings`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ portfolio_id: portfolio, holdings: [{ security_id: SEC }] });
  });

  it('when a run id is written in upper case, then the run is found; portfolio ids in a submit are matched in any case', async () => {
    const submitted = await request(p.app)
      .post('/api/v1/runs')
      .send({ portfolio_ids: [book.portfolioIds[0]!.toUpperCase()] });
    expect(submitted.status).toBe(202);
    const upper = String(submitted.body.run_id).toUpperCase();
    const read = await request(p.app).get(`/api/v1/runs/${upper}`);
    expect(read.status).toBe(200);
    expect(read.body.run_id).toBe(submitted.body.run_id);
    expect((await request(p.app).get(`/api/v1/runs/${upper}/results`)).status).toBe(200);
  });
});

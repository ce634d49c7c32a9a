import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { hexId, seedBook, type Book } from '../integration/pipeline/support/book.js';
import { startPipeline, type Pipeline } from '../integration/pipeline/support/harness.js';

describe('the runs API edge', () => {
  let p: Pipeline;
  let book: Book;

  beforeAll(async () => {
    p = await startPipeline('runsapi', {}, { worker: false });
    book = await seedBook(p.t.db, { models: 1, portfoliosPerModel: 3, positionsPerModel: 4 });
  }, 60_000);
  afterAll(async () => {
    await p?.stop();
  });

  it.each([
    [{}],
    [{ model_ids: [] }],
    [{ model_ids: ['nope'] }],
    [{ all: false }],
    [{ all: true, model_ids: [hexId('a', 1)] }],
    [{ all: true, options: { mode: 'sideways' } }],
    [{ all: true, options: { cash_reserve: '-5' } }],
    [{ all: true, options: { unknown: 1 } }],
  ])('when the body is %j, then 400 names the problem', async (body) => {
    const res = await request(p.app).post('/api/v1/runs').send(body);
    expect(res.status).toBe(400);
    expect(res.body.detail).toEqual(expect.any(String));
  });

  it.each([
    [{ cash_reserve: 1e300 }, 'options.cash_reserve'],
    [{ cash_reserve: 1e-7 }, 'options.cash_reserve'],
    [{ cash_reserve: '0.0000001' }, 'options.cash_reserve'],
    [{ min_trade_value: '12345678901234567890' }, 'options.min_trade_value'],
    [{ min_trade_value: '1234567890123456' }, 'options.min_trade_value'],
  ])('when the options are %j, which no solve can use, then 400 names %s before any run is made', async (options, field) => {
    const res = await request(p.app).post('/api/v1/runs').send({ all: true, options });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'INVALID_INPUT', field });
    expect(res.body.detail).toContain(field);
  });

  it('when several fields are wrong, then every problem is listed with its field and the value given', async () => {
    const res = await request(p.app)
      .post('/api/v1/runs')
      .send({ all: true, options: { cash_reserve: 1e300, min_trade_value: '-1', mode: 'sideways' } });
    expect(res.status).toBe(400);
    const fields = (res.body.errors as { field: string; message: string }[]).map((e) => e.field).sort();
    expect(fields).toEqual(['options.cash_reserve', 'options.min_trade_value', 'options.mode']);
    expect(res.body.detail).toContain('"1e+300"');
    expect(res.body.detail).toContain('"sideways"');
  });

  it('when an unknown model or an unsubscribed portfolio is named, then 404 / 400', async () => {
    expect((await request(p.app).post('/api/v1/runs').send({ model_ids: [hexId('dead', 1)] })).status).toBe(404);
    const orphan = await request(p.app).post('/api/v1/runs').send({ portfolio_ids: ['lonely-portfolio'] });
    expect(orphan.status).toBe(400);
    expect(orphan.body.detail).toContain('lonely-portfolio');
  });

  it('when a run is submitted, then 202 carries the run JSON, Location and Retry-After, and it is listed newest first', async () => {
    const a = await request(p.app).post('/api/v1/runs').send({ model_ids: book.modelIds, options: { cash_reserve: 100, mode: 'band' } });
    expect(a.status).toBe(202);
    expect(a.body).toMatchObject({ status: 'queued', total: 3, processed: 0, options: { cash_reserve: '100', mode: 'band' }, priority: 1 });
    expect(a.headers.location).toBe(`/api/v1/runs/${a.body.run_id}`);
    expect(Number(a.headers['retry-after'])).toBeGreaterThan(0);
    const b = await request(p.app).post('/api/v1/runs').send({ all: true });
    const list = await request(p.app).get('/api/v1/runs?limit=2&status=queued');
    expect(list.body).toMatchObject({ total: 2, offset: 0, limit: 2 });
    expect(list.body.items.map((r: { run_id: string }) => r.run_id)).toEqual([b.body.run_id, a.body.run_id]);
  });

  it('when a run is long-polled and nothing happens, then the answer comes after about the wait, still queued', async () => {
    const a = await request(p.app).post('/api/v1/runs').send({ all: true });
    const started = Date.now();
    const polled = await request(p.app).get(`/api/v1/runs/${a.body.run_id}?wait=1`);
    expect(polled.body.status).toBe('queued');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect((await request(p.app).get(`/api/v1/runs/${a.body.run_id}?wait=31`)).status).toBe(400);
  });

  it('when a run does not exist, then 404; a malformed id is 400', async () => {
    expect((await request(p.app).get(`/api/v1/runs/${hexId('dead', 3)}`)).status).toBe(404);
    expect((await request(p.app).get('/api/v1/runs/not-an-id')).status).toBe(400);
    expect((await request(p.app).post(`/api/v1/runs/${hexId('dead', 3)}/cancel`)).status).toBe(404);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { seedBook, type Book } from '../integration/pipeline/support/book.js';
import { startPipeline, type Pipeline } from '../integration/pipeline/support/harness.js';

const valid = { enabled: true, short_term_rate: '0.37', long_term_rate: '0.2' };

describe('the tax option of a run', () => {
  let p: Pipeline;
  let book: Book;

  beforeAll(async () => {
    p = await startPipeline('taxopts', {}, { worker: false });
    book = await seedBook(p.t.db, { models: 1, portfoliosPerModel: 2, positionsPerModel: 3 });
  }, 60_000);
  afterAll(async () => {
    await p?.stop();
  });

  it.each([
    ['enabled', { ...valid, enabled: 'yes' }],
    ['enabled', { short_term_rate: '0.3', long_term_rate: '0.2' }],
    ['short_term_rate', { ...valid, short_term_rate: '1.5' }],
    ['short_term_rate', { ...valid, short_term_rate: '-0.1' }],
    ['short_term_rate', { enabled: true, long_term_rate: '0.2' }],
    ['long_term_rate', { ...valid, long_term_rate: 'high' }],
    ['long_term_rate', { enabled: true, short_term_rate: '0.2' }],
    ['long_term_days', { ...valid, long_term_days: 0 }],
    ['long_term_days', { ...valid, long_term_days: 365.5 }],
    ['long_term_days', { ...valid, long_term_days: 100_000 }],
    ['weight', { ...valid, weight: '-1' }],
    ['weight', { ...valid, weight: '1e3' }],
    ['wash_sale_days', { ...valid, wash_sale_days: -1 }],
    ['wash_sale_days', { ...valid, wash_sale_days: 400 }],
    ['harvest_losses', { ...valid, harvest_losses: 'true' }],
    ['as_of', { ...valid, as_of: '2026-02-30' }],
    ['as_of', { ...valid, as_of: '26-01-01' }],
    ['as_of', { ...valid, as_of: '0050-01-01' }],
  ])('when tax.%s is bad, then 400 names options.tax.%s', async (field, tax) => {
    const res = await request(p.app).post('/api/v1/runs').send({ model_ids: book.modelIds, options: { tax } });
    expect(res.status).toBe(400);
    expect(res.body.field).toBe(`options.tax.${field}`);
    expect(res.body.detail).toMatch(new RegExp(`^options\\.tax\\.${field}: `));
  });

  it('when tax has an unknown key, then 400 names options.tax and the key', async () => {
    const res = await request(p.app).post('/api/v1/runs').send({ model_ids: book.modelIds, options: { tax: { ...valid, surprise: 1 } } });
    expect(res.status).toBe(400);
    expect(res.body.field).toBe('options.tax');
    expect(res.body.detail).toContain('surprise');
  });

  it('when tax is enabled without as_of, then the run records its creation date (UTC) and the defaults', async () => {
    const res = await request(p.app).post('/api/v1/runs').send({ model_ids: book.modelIds, mode: 'propose', options: { tax: { ...valid, weight: 2 } } });
    expect(res.status).toBe(202);
    const today = new Date(res.body.created_at).toISOString().slice(0, 10);
    expect(res.body.options.tax).toEqual({ ...valid, weight: '2', long_term_days: 365, wash_sale_days: 30, harvest_losses: false, as_of: today });
  });

  it('when tax is disabled, then rates may be left out', async () => {
    const res = await request(p.app).post('/api/v1/runs').send({ model_ids: book.modelIds, mode: 'propose', options: { tax: { enabled: false } } });
    expect(res.status).toBe(202);
    expect(res.body.options.tax).toMatchObject({ enabled: false });
  });
});

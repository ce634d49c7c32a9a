import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { createTestApi, position, type TestApi } from './models-support.js';

function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i += 1) value = { a: value };
  return value;
}

const valid = () => ({ name: 'sweep', positions: [position('0.1')], portfolios: ['p1'] });

/** Bodies for POST /api/v1/models that must all be refused with a 4xx JSON error. */
const badCreates: [string, unknown][] = [
  ['an array', []],
  ['name as a number', { ...valid(), name: 5 }],
  ['name missing', { positions: [] }],
  ['positions as a string', { ...valid(), positions: 'many' }],
  ['a position that is a number', { ...valid(), positions: [7] }],
  ['security_id as a number', { ...valid(), positions: [{ ...position('0.1'), security_id: 123 }] }],
  ['security_id as an operator object', { ...valid(), positions: [{ ...position('0.1'), security_id: { $ne: null } }] }],
  ['target missing', { ...valid(), positions: [{ security_id: 'a'.repeat(24), high_drift: 0, low_drift: 0 }] }],
  ['target as a boolean', { ...valid(), positions: [position(true as never)] }],
  ['target huge number', { ...valid(), positions: [position(1e308)] }],
  ['target huge digit string', { ...valid(), positions: [position('9'.repeat(5_000))] }],
  ['target in exponent notation string', { ...valid(), positions: [position('5e-3')] }],
  ['drift negative', { ...valid(), positions: [position('0.1', { low_drift: -1 })] }],
  ['portfolios with an object', { ...valid(), portfolios: [{}] }],
  ['a very long name', { ...valid(), name: 'n'.repeat(100_000) }],
  ['a very long security id', { ...valid(), positions: [position('0.1', { security_id: 's'.repeat(10_000) })] }],
  ['a $where key', { ...valid(), $where: 'sleep(1000)' }],
  ['a nested $gt key', { ...valid(), name: { $gt: '' } }],
  ['a dotted key', { ...valid(), 'positions.0.target': '0.9' }],
  ['a dotted key deep inside', { ...valid(), positions: [{ ...position('0.1'), 'x.y': 1 }] }],
  ['nesting 100 levels deep', { ...valid(), extra: nested(100) }],
  ['2,000 positions', { ...valid(), positions: Array.from({ length: 2_000 }, () => position('0')) }],
];

describe('malformed input sweep: always a 4xx JSON error, never a 5xx', () => {
  let t: TestApi;
  let modelId: string;
  beforeAll(async () => {
    t = await createTestApi('api_malformed');
    modelId = (await request(t.app).post('/api/v1/models').send(valid())).body.model_id;
  });
  afterAll(async () => {
    await t.close();
  });

  const expectClientError = (res: request.Response) => {
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(typeof res.body.detail).toBe('string');
  };

  it.each(badCreates)('when POST /models gets %s, then 4xx JSON', async (_label, body) => {
    expectClientError(await request(t.app).post('/api/v1/models').send(body as object));
  });

  it.each([
    ['version as a fraction', { version: 1.5 }],
    ['version as a string', { version: '1' }],
    ['version huge', { version: 1e20 }],
    ['version zero', { version: 0 }],
    ['last_rebalance_date not a date', { version: 1, last_rebalance_date: 'yesterday' }],
  ])('when PUT /model gets %s, then 4xx JSON', async (_label, extra) => {
    expectClientError(await request(t.app).put(`/api/v1/model/${modelId}`).send({ ...valid(), ...extra }));
  });

  it.each(['zzzzzzzzzzzzzzzzzzzzzzzz', '0123456789abcdef012345678', '0123456789abcdef0123456', '%00', '%E2%9C%93', 'x'.repeat(5_000)])(
    'when the model id is %s, then 400 JSON',
    async (id) => {
      const res = await request(t.app).get(`/api/v1/model/${id}`);
      expectClientError(res);
      expect(res.status).toBe(400);
    },
  );

  it.each(['?$where=1', '?a.b=1', '?sort_by[$ne]=x&%24gt=1'])('when the query has %s, then 400 naming the key', async (query) => {
    const res = await request(t.app).get(`/api/v1/models${query}`);
    expectClientError(res);
    expect(res.status).toBe(400);
  });

  it.each([
    ['position body missing fields', 'post', 'position', { security_id: 'a'.repeat(24) }],
    ['position target as an array', 'put', 'position', position(['0.1'] as never)],
    ['position delete without security_id', 'delete', 'position', {}],
    ['portfolios as a string', 'post', 'portfolio', { portfolios: 'p1' }],
    ['portfolios as numbers', 'delete', 'portfolio', { portfolios: [1, 2] }],
    ['portfolio ids too long', 'post', 'portfolio', { portfolios: ['p'.repeat(1_000)] }],
  ] as const)('when a sub-resource gets %s, then 4xx JSON', async (_label, method, sub, body) => {
    expectClientError(await request(t.app)[method](`/api/v1/model/${modelId}/${sub}`).send(body as object));
  });

  it('when a sub-resource body is not JSON or absent, then 415 or 400', async () => {
    const text = await request(t.app).post(`/api/v1/model/${modelId}/position`).set('Content-Type', 'text/plain').send('x');
    expect(text.status).toBe(415);
    const none = await request(t.app).delete(`/api/v1/model/${modelId}/portfolio`);
    expectClientError(none);
  });

  it('when the sweep is over, then the model is untouched', async () => {
    const res = await request(t.app).get(`/api/v1/model/${modelId}`);
    expect(res.body.version).toBe(1);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { createTestApi, position, type TestApi } from './models-support.js';

const missingId = '0123456789abcdef01234567';

describe('GlobeCo v1 models API', () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await createTestApi('api_models');
  });
  afterAll(async () => {
    await t.close();
  });

  const create = async (body: Record<string, unknown> = {}) => {
    const res = await request(t.app)
      .post('/api/v1/models')
      .send({ name: 'Model', positions: [position('0.05')], portfolios: ['p1'], ...body });
    expect(res.status).toBe(201);
    return res.body as { model_id: string; version: number; positions: { security_id: string }[] };
  };

  it('when a model is created, then 201 returns v1 JSON at version 1 with decimal strings and a Location', async () => {
    const p = position(0.1, { high_drift: 0.05, low_drift: '0.010' });
    const res = await request(t.app).post('/api/v1/models').send({ name: ' Growth ', positions: [p, position(0)], portfolios: ['a', 'b'] });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      model_id: expect.stringMatching(/^[0-9a-f]{24}$/),
      name: 'Growth',
      positions: [{ security_id: p.security_id, target: '0.1', high_drift: '0.05', low_drift: '0.01' }],
      portfolios: ['a', 'b'],
      last_rebalance_date: null,
      version: 1,
    });
    expect(res.headers.location).toBe(`/api/v1/model/${res.body.model_id}`);
  });

  it('when a model is fetched, then 200 with the same JSON; unknown id 404; malformed id 400', async () => {
    const m = await create({ name: 'fetch-me' });
    const got = await request(t.app).get(`/api/v1/model/${m.model_id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(m);
    const missing = await request(t.app).get(`/api/v1/model/${missingId}`);
    expect(missing.status).toBe(404);
    expect(missing.body.detail).toContain(missingId);
    const bad = await request(t.app).get('/api/v1/model/not-an-id');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ field: 'model_id', code: 'INVALID_INPUT' });
  });

  it('when a model is replaced with its version, then 200 and version + 1; stale → 409; missing → 404', async () => {
    const m = await create({ name: 'replace-me' });
    const body = { name: 'replaced', positions: [position('0.2')], portfolios: ['z'], version: 1, last_rebalance_date: '2026-11-01T10:00:00Z' };
    const ok = await request(t.app).put(`/api/v1/model/${m.model_id}`).send(body);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ name: 'replaced', version: 2, portfolios: ['z'], last_rebalance_date: '2026-11-01T10:00:00.000Z' });
    const stale = await request(t.app).put(`/api/v1/model/${m.model_id}`).send(body);
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ code: 'VERSION_CONFLICT', detail: expect.stringContaining('version') });
    expect((await request(t.app).put(`/api/v1/model/${missingId}`).send(body)).status).toBe(404);
    expect((await request(t.app).put(`/api/v1/model/${m.model_id}`).send({ ...body, version: undefined })).status).toBe(400);
  });

  it('when two PUTs race with the same version, then exactly one 200 and one 409', async () => {
    for (let round = 0; round < 5; round += 1) {
      const m = await create({ name: `race-${round}` });
      const put = (name: string) =>
        request(t.app).put(`/api/v1/model/${m.model_id}`).send({ name, positions: [], portfolios: [], version: 1 });
      const statuses = (await Promise.all([put('left'), put('right')])).map((r) => r.status).sort();
      expect(statuses).toEqual([200, 409]);
    }
  });

  it('when a model is deleted with its version, then 204 and gone; stale 409; missing 404; no version 400', async () => {
    const m = await create({ name: 'delete-me' });
    expect((await request(t.app).delete(`/api/v1/model/${m.model_id}?version=7`)).status).toBe(409);
    expect((await request(t.app).delete(`/api/v1/model/${m.model_id}`)).status).toBe(400);
    expect((await request(t.app).delete(`/api/v1/model/${m.model_id}?version=abc`)).status).toBe(400);
    const gone = await request(t.app).delete(`/api/v1/model/${m.model_id}?version=1`);
    expect(gone.status).toBe(204);
    expect(gone.text).toBe('');
    expect((await request(t.app).get(`/api/v1/model/${m.model_id}`)).status).toBe(404);
    expect((await request(t.app).delete(`/api/v1/model/${m.model_id}?version=1`)).status).toBe(404);
  });

  it('when create input breaks a model rule, then 422 naming the field and value', async () => {
    const res = await request(t.app)
      .post('/api/v1/models')
      .send({ name: 'bad', positions: [position('0.05'), position('0.1'), position('0.013')], portfolios: [] });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      detail: 'positions[2].target: 0.013 is not a multiple of 0.005',
      code: 'INVALID_INPUT',
      field: 'positions[2].target',
    });
  });

  it('when create input is malformed, then 400 naming the field', async () => {
    const res = await request(t.app).post('/api/v1/models').send({ name: 'bad', positions: [{ ...position('0.05'), target: 'lots' }] });
    expect(res.status).toBe(400);
    expect(res.body.field).toBe('positions[0].target');
    const noName = await request(t.app).post('/api/v1/models').send({ positions: [] });
    expect(noName.status).toBe(400);
    expect(noName.body.field).toBe('name');
  });
});

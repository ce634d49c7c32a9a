import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { createTestApi, position, securityId, type TestApi } from './models-support.js';

interface ModelJson {
  model_id: string;
  version: number;
  positions: { security_id: string; target: string; high_drift: string; low_drift: string }[];
  portfolios: string[];
}

describe('GlobeCo v1 model position and portfolio sub-resources', () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await createTestApi('api_positions');
  });
  afterAll(async () => {
    await t.close();
  });

  const create = async (positions: unknown[] = [position('0.5')], portfolios: string[] = ['p1']): Promise<ModelJson> =>
    (await request(t.app).post('/api/v1/models').send({ name: 'M', positions, portfolios })).body;
  const url = (m: ModelJson, sub: 'position' | 'portfolio') => `/api/v1/model/${m.model_id}/${sub}`;

  it('when a position is added, then 200 with it in the model and the version bumped', async () => {
    const m = await create();
    const p = position('0.25', { high_drift: 0.1, low_drift: '0.05' });
    const res = await request(t.app).post(url(m, 'position')).send(p);
    expect(res.status).toBe(200);
    expect(res.body.version).toBe(2);
    expect(res.body.positions).toContainEqual({ ...p, target: '0.25', high_drift: '0.1' });
  });

  it('when an added security is already in the model, then 422 naming security_id', async () => {
    const m = await create();
    const res = await request(t.app).post(url(m, 'position')).send({ ...position('0.1'), security_id: m.positions[0]!.security_id });
    expect(res.status).toBe(422);
    expect(res.body.field).toBe('security_id');
  });

  it('when an addition would push Σ targets above 0.95, then 422 and nothing changes', async () => {
    const m = await create([position('0.9')]);
    const res = await request(t.app).post(url(m, 'position')).send(position('0.055'));
    expect(res.status).toBe(422);
    expect(res.body.detail).toMatch(/sum to 0.955/);
    expect((await request(t.app).get(`/api/v1/model/${m.model_id}`)).body.version).toBe(1);
  });

  it('when the 101st non-zero position is added, then 422', async () => {
    const m = await create(Array.from({ length: 100 }, () => position('0.005')));
    expect(m.positions).toHaveLength(100);
    const res = await request(t.app).post(url(m, 'position')).send(position('0.005'));
    expect(res.status).toBe(422);
    expect(res.body.detail).toMatch(/101 positions/);
  });

  it('when a target is not a multiple of 0.005, then 422 naming target and the value', async () => {
    const m = await create();
    const res = await request(t.app).post(url(m, 'position')).send(position('0.013'));
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ field: 'target', detail: 'target: 0.013 is not a multiple of 0.005' });
  });

  it('when a 0-target position is added, then it is dropped on save', async () => {
    const m = await create();
    const res = await request(t.app).post(url(m, 'position')).send(position(0));
    expect(res.status).toBe(200);
    expect(res.body.positions).toHaveLength(1);
  });

  it('when a position is updated, then its weights change; to target 0, then it is removed', async () => {
    const m = await create([position('0.5'), position('0.1')]);
    const sid = m.positions[1]!.security_id;
    const up = await request(t.app).put(url(m, 'position')).send({ security_id: sid, target: '0.2', high_drift: '0.03', low_drift: '0.01' });
    expect(up.status).toBe(200);
    expect(up.body.positions[1]).toEqual({ security_id: sid, target: '0.2', high_drift: '0.03', low_drift: '0.01' });
    const zero = await request(t.app).put(url(m, 'position')).send({ security_id: sid, target: 0, high_drift: 0, low_drift: 0 });
    expect(zero.body.positions.map((p: { security_id: string }) => p.security_id)).not.toContain(sid);
    expect(zero.body.version).toBe(3);
  });

  it('when an update breaks a rule or names an absent security, then 422 or 404', async () => {
    const m = await create([position('0.5'), position('0.4')]);
    const over = await request(t.app).put(url(m, 'position')).send({ ...m.positions[1], target: '0.5' });
    expect(over.status).toBe(422);
    expect((await request(t.app).put(url(m, 'position')).send(position('0.1'))).status).toBe(404);
  });

  it('when a position is deleted by security_id (or a full position body), then it is gone; absent → 404', async () => {
    const m = await create([position('0.5'), position('0.1')]);
    const del = await request(t.app).delete(url(m, 'position')).send({ security_id: m.positions[0]!.security_id });
    expect(del.status).toBe(200);
    expect(del.body.positions).toHaveLength(1);
    const full = await request(t.app).delete(url(m, 'position')).send(m.positions[1]);
    expect(full.body.positions).toEqual([]);
    const again = await request(t.app).delete(url(m, 'position')).send({ security_id: securityId() });
    expect(again.status).toBe(404);
    expect(again.body.detail).toMatch(/not in the model/);
  });

  it('when sub-resources are edited on a missing or malformed model id, then 404 or 400', async () => {
    const missing = '0123456789abcdef01234567';
    expect((await request(t.app).post(`/api/v1/model/${missing}/position`).send(position('0.1'))).status).toBe(404);
    expect((await request(t.app).post(`/api/v1/model/${missing}/portfolio`).send({ portfolios: ['x'] })).status).toBe(404);
    expect((await request(t.app).post('/api/v1/model/xyz/position').send(position('0.1'))).status).toBe(400);
  });

  it('when portfolios are added and removed, then membership follows and the version moves each time', async () => {
    const m = await create([position('0.5')], ['p1']);
    const add = await request(t.app).post(url(m, 'portfolio')).send({ portfolios: ['p2', 'p3'] });
    expect(add.status).toBe(200);
    expect(add.body).toMatchObject({ portfolios: ['p1', 'p2', 'p3'], version: 2 });
    const remove = await request(t.app).delete(url(m, 'portfolio')).send({ portfolios: ['p1', 'p3'] });
    expect(remove.body).toMatchObject({ portfolios: ['p2'], version: 3 });
    expect((await t.services.models.findByPortfolio('p2')).map((x) => x.modelId)).toEqual([m.model_id]);
  });

  it('when a portfolio edit names a duplicate, present or absent portfolio, then 422 naming it', async () => {
    const m = await create([position('0.5')], ['p1']);
    const dup = await request(t.app).post(url(m, 'portfolio')).send({ portfolios: ['p1'] });
    expect(dup.status).toBe(422);
    expect(dup.body).toMatchObject({ field: 'portfolios[0]', detail: expect.stringContaining('already') });
    expect((await request(t.app).post(url(m, 'portfolio')).send({ portfolios: ['q', 'q'] })).status).toBe(422);
    expect((await request(t.app).delete(url(m, 'portfolio')).send({ portfolios: ['nope'] })).status).toBe(422);
    expect((await request(t.app).post(url(m, 'portfolio')).send({ portfolios: [] })).status).toBe(400);
    expect((await request(t.app).post(url(m, 'portfolio')).send({ portfolios: ['bad id!'] })).status).toBe(422);
  });

  it('when position additions race without a version, then none is lost', async () => {
    const m = await create([position('0.05')]);
    const results = await Promise.all(
      Array.from({ length: 5 }, () => request(t.app).post(url(m, 'position')).send(position('0.05'))),
    );
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const after = (await request(t.app).get(`/api/v1/model/${m.model_id}`)).body as ModelJson;
    expect(after.positions).toHaveLength(6);
    expect(after.version).toBe(6);
  });
});

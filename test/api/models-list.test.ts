import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { createTestApi, type TestApi } from './models-support.js';

interface Listed {
  model_id: string;
  name: string;
  last_rebalance_date: string | null;
}

describe('GET /api/v1/models paging and sorting', () => {
  let t: TestApi;
  let all: Listed[];
  const names = ['delta', 'alpha', 'charlie', 'bravo', 'echo'];
  const list = async (query: string) => {
    const res = await request(t.app).get(`/api/v1/models${query}`);
    return res;
  };
  const ids = (rows: Listed[]) => rows.map((r) => r.model_id);

  beforeAll(async () => {
    t = await createTestApi('api_models_list');
    for (const name of names) await t.services.models.create({ name, positions: [], portfolios: [] });
    const created = await t.services.models.list();
    // Two models rebalanced, on different days; the rest never.
    await t.services.models.setLastRebalanceDate(created[0]!.modelId, new Date('2026-02-01T00:00:00Z'));
    await t.services.models.setLastRebalanceDate(created[2]!.modelId, new Date('2026-01-01T00:00:00Z'));
    all = (await list('')).body;
  });
  afterAll(async () => {
    await t.close();
  });

  it('when no parameters are given, then every model comes back as a bare array in id order', async () => {
    const res = await list('');
    expect(res.status).toBe(200);
    expect(Array.isArray(res.body)).toBe(true);
    expect(res.body).toHaveLength(5);
    expect(ids(res.body)).toEqual([...ids(res.body)].sort());
    expect(res.headers['x-total-count']).toBe('5');
  });

  it('when offset and limit are combined, then that window comes back with the overall total', async () => {
    const res = await list('?offset=1&limit=2');
    expect(ids(res.body)).toEqual(ids(all.slice(1, 3)));
    expect(res.headers['x-total-count']).toBe('5');
  });

  it('when only a limit is given, then the first page comes back', async () => {
    expect(ids((await list('?limit=3')).body)).toEqual(ids(all.slice(0, 3)));
  });

  it('when only an offset is given, then the rest comes back', async () => {
    expect(ids((await list('?offset=3')).body)).toEqual(ids(all.slice(3)));
  });

  it('when the offset is past the end, then an empty array', async () => {
    const res = await list('?offset=50&limit=10');
    expect(res.status).toBe(200);
    expect(res.body).toEqual([]);
  });

  it.each(['?offset=-1', '?limit=-5', '?offset=1.5', '?limit=abc', '?limit=0', '?limit=1001', '?offset=99999999999999999', '?offset=', '?limit=1&limit=2'])(
    'when the paging is %s, then 400 naming the parameter',
    async (query) => {
      const res = await list(query);
      expect(res.status).toBe(400);
      expect(res.body.field).toMatch(/^(offset|limit)$/);
      expect(res.body.detail).toMatch(/^(offset|limit): /);
    },
  );

  it('when sorted by name ascending (bare, +, or URL-decoded space), then alphabetical', async () => {
    const expected = [...names].sort();
    for (const q of ['?sort_by=name', '?sort_by=%2Bname', '?sort_by=+name']) {
      expect((await list(q)).body.map((m: Listed) => m.name)).toEqual(expected);
    }
  });

  it('when sorted by name descending with paging, then the reversed window', async () => {
    const res = await list('?sort_by=-name&offset=1&limit=2');
    expect(res.body.map((m: Listed) => m.name)).toEqual(['delta', 'charlie']);
  });

  it('when sorted by model_id descending, then reverse id order', async () => {
    expect(ids((await list('?sort_by=-model_id')).body)).toEqual(ids(all).reverse());
  });

  it('when sorted by last_rebalance_date descending then name, then newest first and ties by name', async () => {
    const res = await list('?sort_by=-last_rebalance_date,name');
    const dates = res.body.map((m: Listed) => m.last_rebalance_date);
    expect(dates.slice(0, 2)).toEqual(['2026-02-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z']);
    const undated = res.body.filter((m: Listed) => m.last_rebalance_date === null).map((m: Listed) => m.name);
    expect(undated).toEqual([...undated].sort());
  });

  it('when sorted by last_rebalance_date ascending, then never-rebalanced models come first', async () => {
    const dates = (await list('?sort_by=last_rebalance_date')).body.map((m: Listed) => m.last_rebalance_date);
    expect(dates.slice(0, 3)).toEqual([null, null, null]);
    expect(dates.slice(3)).toEqual(['2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z']);
  });

  it.each(['?sort_by=price', '?sort_by=name,', '?sort_by=name,-name', '?sort_by=*name', '?sort_by='])(
    'when sort_by is %s, then 400 naming sort_by',
    async (query) => {
      const res = await list(query);
      expect(res.status).toBe(400);
      expect(res.body.field).toBe('sort_by');
    },
  );
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { routes } from '../../src/api/routes/index.js';
import { createTestApi, type TestApi } from './models-support.js';

describe('OpenAPI document and interactive docs', () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await createTestApi('api_openapi');
  });
  afterAll(async () => {
    await t.close();
  });

  it('when /api/v1/openapi.json is fetched, then it is OpenAPI 3.1 with every route-table path and method', async () => {
    const res = await request(t.app).get('/api/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    for (const route of routes) {
      expect(res.body.paths[route.path]?.[route.method]).toBeDefined();
    }
  });

  it('when the models paths are described, then statuses, parameters and the 422 policy are documented', async () => {
    const doc = (await request(t.app).get('/api/v1/openapi.json')).body;
    const put = doc.paths['/api/v1/model/{model_id}'].put;
    expect(Object.keys(put.responses).sort()).toEqual(['200', '400', '401', '404', '409', '415', '422']);
    expect(put.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toEqual(['path:model_id']);
    expect(put.security).toBeDefined();
    const list = doc.paths['/api/v1/models'].get;
    expect(list.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['limit', 'offset', 'sort_by']);
    expect(list.security).toBeDefined();
    expect(list.description).toMatch(/`read` scope/);
    expect(doc.paths['/health/live'].get.security).toBeUndefined();
    expect(Object.keys(doc.paths['/api/v1/models'].post.responses)).toContain('201');
    expect(doc.paths['/api/v1/model/{model_id}'].delete.responses['204']).toBeDefined();
    expect(doc.info.description).toMatch(/422 well-formed input that breaks a business/);
    expect(doc.components.schemas.Model.required).toEqual(
      expect.arrayContaining(['model_id', 'name', 'positions', 'portfolios', 'last_rebalance_date', 'version']),
    );
  });

  it('when /docs is fetched, then a Swagger UI page loads its assets from this server only', async () => {
    const page = await request(t.app).get('/docs');
    expect(page.status).toBe(200);
    expect(page.text).toContain('id="swagger-ui"');
    const srcs = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(srcs.length).toBeGreaterThanOrEqual(3);
    for (const src of srcs) {
      expect(src.startsWith('/')).toBe(true);
      const asset = await request(t.app).get(src);
      expect(asset.status).toBe(200);
      expect(Number(asset.headers['content-length'])).toBeGreaterThan(10);
    }
    const init = await request(t.app).get('/docs/init.js');
    expect(init.text).toContain('/api/v1/openapi.json');
  });
});

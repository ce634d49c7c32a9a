import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { send, startLiveApi, type LiveApi } from './harness.js';

/** Defects the hostile sweep found, pinned so they stay fixed (production mode: no message fallbacks). */
describe('hostile sweep regressions', () => {
  let api: LiveApi;
  beforeAll(async () => {
    api = await startLiveApi('hostile_regress', { NODE_ENV: 'production', ALLOW_ANONYMOUS: 'true' }, { rateLimit: false });
  });
  afterAll(async () => {
    await api?.close();
  });

  it.each(['%E0%A4%A', '%', '%zz'])(
    'when a path id has malformed percent-encoding (%s), then 400 says so instead of "bad request"',
    async (id) => {
      const res = await send(api.port, 'get', `/api/v1/model/${id}`);
      expect(res.status).toBe(400);
      expect(JSON.parse(res.text)).toEqual({ detail: 'path: malformed percent-encoding', code: 'INVALID_INPUT' });
    },
  );

  it('when a body claims gzip but is not gzip, then 400 names the Content-Encoding instead of "bad request"', async () => {
    const res = await send(api.port, 'post', '/api/v1/models', {
      body: '{"name":"x"}',
      headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
    });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text)).toEqual({ detail: 'body: cannot be decoded with its Content-Encoding', code: 'INVALID_INPUT' });
  });

  it('when a body really is gzip, then it is still accepted (the fix did not break decoding)', async () => {
    const body = gzipSync(JSON.stringify({ name: 'gzipped', portfolios: [] }));
    const res = await new Promise<number>((resolve, reject) => {
      void import('node:http').then(({ request }) => {
        const req = request(
          { host: '127.0.0.1', port: api.port, method: 'POST', path: '/api/v1/models',
            headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', 'Content-Length': String(body.length) } },
          (r) => { r.resume(); r.on('end', () => resolve(r.statusCode ?? 0)); },
        );
        req.on('error', reject);
        req.end(body);
      });
    });
    expect(res).toBe(201);
  });
});

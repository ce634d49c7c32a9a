import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express from 'express';
import request from 'supertest';
import { Queue } from 'bullmq';
import { createQueueBoardRouter } from '../../src/api/admin/queue-board.js';
import { KeyRing } from '../../src/api/http/api-keys.js';
import { redisUrl, uniqueQueuePrefix } from '../support/redis.js';

describe('queue dashboard at /admin/queues', () => {
  let queue: Queue;

  beforeAll(async () => {
    queue = new Queue('rebalance', { connection: { url: redisUrl }, prefix: uniqueQueuePrefix('admin') });
    await queue.add('chunk', { run_id: 'r1', chunk: 0 });
  });

  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
  });

  function app(keys: KeyRing = KeyRing.fromLists({})) {
    const a = express();
    a.use(createQueueBoardRouter({ queues: [queue], keys }));
    return a;
  }

  const keyed = KeyRing.fromLists({ ADMIN_API_KEYS: ['admin-secret'], API_KEYS: ['reader-secret'] });

  it('when no key is configured, then the board serves HTML and its API lists the queue read-only', async () => {
    const page = await request(app()).get('/admin/queues/');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<base href="/admin/queues/"');
    const api = await request(app()).get('/admin/queues/api/queues');
    expect(api.status).toBe(200);
    const q = api.body.queues.find((x: { name: string }) => x.name === 'rebalance');
    expect(q.readOnlyMode).toBe(true);
    expect(q.counts.waiting).toBe(1);
  });

  it('when behind an Ingress sub-path, then the page takes its base from X-Forwarded-Prefix', async () => {
    const page = await request(app()).get('/admin/queues/').set('X-Forwarded-Prefix', '/ogs/');
    expect(page.text).toContain('<base href="/ogs/admin/queues/"');
    const hostile = await request(app()).get('/admin/queues/').set('X-Forwarded-Prefix', '/x"><script>');
    expect(hostile.text).toContain('<base href="/admin/queues/"');
  });

  it('when keys are configured and none is sent, then a browser is sent to sign in and the API answers 401', async () => {
    const page = await request(app(keyed)).get('/admin/queues/').set('Accept', 'text/html');
    expect(page.status).toBe(303);
    expect(page.headers.location).toBe('/admin/queues/login');
    const api = await request(app(keyed)).get('/admin/queues/api/queues');
    expect(api.status).toBe(401);
    expect(api.body.detail).toMatch(/API key/);
  });

  it('when an API key is sent, then the view is read-only and a session cookie is set', async () => {
    const res = await request(app(keyed)).get('/admin/queues/api/queues').set('X-API-Key', 'reader-secret');
    expect(res.status).toBe(200);
    expect(res.body.queues[0].readOnlyMode).toBe(true);
    const cookie = res.headers['set-cookie']?.[0] ?? '';
    expect(cookie).toMatch(/^ogs_admin=.*HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const again = await request(app(keyed)).get('/admin/queues/api/queues').set('Cookie', cookie.split(';')[0]!);
    expect(again.status).toBe(200);
    const pause = await request(app(keyed)).put('/admin/queues/api/queues/rebalance/pause').set('Cookie', cookie.split(';')[0]!);
    expect(pause.status).toBe(403);
    expect(await queue.isPaused()).toBe(false);
  });

  it('when an admin key signs in through the form, then the cookie opens a read-write board', async () => {
    const login = await request(app(keyed)).post('/admin/queues/login').type('form').send({ key: 'admin-secret' });
    expect(login.status).toBe(303);
    const cookie = (login.headers['set-cookie']?.[0] ?? '').split(';')[0]!;
    const res = await request(app(keyed)).get('/admin/queues/api/queues').set('Cookie', cookie);
    expect(res.body.queues[0].readOnlyMode).toBe(false);
  });

  it('when a wrong key or a forged cookie is sent, then access is refused', async () => {
    const bad = await request(app(keyed)).post('/admin/queues/login').type('form').send({ key: 'guess' });
    expect(bad.status).toBe(401);
    const forged = `ogs_admin=${Date.now() + 60_000}.admin.AAAA`;
    const res = await request(app(keyed)).get('/admin/queues/api/queues').set('Cookie', forged);
    expect(res.status).toBe(401);
    const wrong = await request(app(keyed)).get('/admin/queues/api/queues').set('Authorization', 'Bearer nope');
    expect(wrong.status).toBe(401);
  });
});

import request from 'supertest';
import type { Express } from 'express';
import { expect } from '@jest/globals';
import * as api from '../../../../src/api/main.js';
import * as worker from '../../../../src/worker/main.js';
import type { WorkerTuning } from '../../../../src/worker/worker-settings.js';
import { createTestDatabase, type TestDatabase } from '../../../support/mongo.js';
import { redisUrl, uniqueQueuePrefix } from '../../../support/redis.js';

/** The API and a worker in this process, on a fresh database and queue prefix. */
export interface Pipeline {
  t: TestDatabase;
  app: Express;
  prefix: string;
  env: Record<string, string>;
  worker: worker.RunningWorker | null;
  stop(): Promise<void>;
}

export async function startPipeline(label: string, env: Record<string, string> = {}, options: { worker?: boolean; tuning?: WorkerTuning } = {}): Promise<Pipeline> {
  const t = await createTestDatabase(label);
  const prefix = uniqueQueuePrefix(label);
  const shared = {
    MONGODB_URL: t.url,
    DATABASE_NAME: t.name,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    LOG_LEVEL: 'warn',
    CHUNK_SIZE: '100',
    V1_REBALANCE_WAIT_SECONDS: '20',
    ...env,
  };
  const running = await api.start({ ...shared, PORT: '0' });
  const w = options.worker === false ? null : await worker.start({ ...shared, WORKER_HTTP_PORT: '0' }, { drainDelay: 1, ...options.tuning });
  return {
    t,
    app: running.app,
    prefix,
    env: shared,
    worker: w,
    async stop() {
      await worker.stop();
      await api.stop();
      await t.drop();
    },
  };
}

/** Submits a run and long-polls it until it is final. */
export async function runToCompletion(app: Express, body: object, timeoutS = 60): Promise<Record<string, unknown>> {
  const submitted = await request(app).post('/api/v1/runs').send(body);
  if (submitted.status !== 202) throw new Error(`submit answered ${submitted.status}: ${JSON.stringify(submitted.body)}`);
  return waitFinal(app, submitted.body.run_id as string, timeoutS);
}

export async function waitFinal(app: Express, runId: string, timeoutS = 60): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutS * 1000;
  for (;;) {
    const polled = await request(app).get(`/api/v1/runs/${runId}?wait=10`);
    expect(polled.status).toBe(200);
    if (['completed', 'completed_with_errors', 'failed', 'cancelled'].includes(polled.body.status)) return polled.body;
    if (Date.now() > deadline) throw new Error(`run ${runId} not final after ${timeoutS} s: ${JSON.stringify(polled.body)}`);
  }
}

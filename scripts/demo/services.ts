/**
 * Starts the API and the worker processes on a database and queue prefix of their own, for the
 * demo and the run-view benchmark. Each started process is pushed onto `started`, to be stopped
 * by PID with `stopAll`.
 */
import type { ApiTarget } from '../../src/cli/runs-client.js';
import { WORKER_NODE_FLAGS } from '../../src/worker/worker-settings.js';
import type { DemoFootprint } from './cleanup.js';
import { freePort, httpOk, startProcess, waitFor, type Started } from './processes.js';

/** How to start the services. */
export interface ServiceOptions {
  port: number;
  workers: number;
  /** Added to every process's environment (e.g. `ORDER_SERVICE_URL`). */
  env?: NodeJS.ProcessEnv;
}

export async function startApiAndWorkers(own: DemoFootprint, options: ServiceOptions, started: Started[]): Promise<ApiTarget> {
  const env = {
    ...options.env,
    MONGODB_URL: own.mongoUrl,
    DATABASE_NAME: own.databaseName,
    REDIS_URL: own.redisUrl,
    QUEUE_PREFIX: own.queuePrefix,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'development',
  };
  const api = startProcess('api', process.execPath, ['dist/api/main.js'], { ...env, PORT: String(options.port) });
  started.push(api);
  const target: ApiTarget = { url: `http://127.0.0.1:${options.port}` };
  await waitFor('the API', () => httpOk(`${target.url}/health/ready`), 60_000, api);
  for (let i = 1; i <= options.workers; i += 1) {
    const workerPort = await freePort();
    const worker = startProcess(`worker-${i}`, process.execPath, [...WORKER_NODE_FLAGS, 'dist/worker/main.js'], {
      ...env,
      // `OGS_WORKER_LOG_LEVEL=debug` logs each chunk's timings to `.run/demo/worker-<n>.log`.
      LOG_LEVEL: process.env.OGS_WORKER_LOG_LEVEL ?? env.LOG_LEVEL,
      WORKER_HTTP_PORT: String(workerPort),
    });
    started.push(worker);
    await waitFor(`worker ${i}`, () => httpOk(`http://127.0.0.1:${workerPort}/health/ready`), 60_000, worker);
  }
  return target;
}

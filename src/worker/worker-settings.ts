import type { WorkerOptions } from 'bullmq';

/**
 * Stalled-job handling. Solves run on solver threads, so this process's event loop is never
 * blocked long and renews locks on time (every lockDuration / 2). A shorter lock than BullMQ's
 * 30 s lets the fleet notice a killed worker sooner: its chunk is back in the queue within about
 * lockDuration + stalledInterval ≈ 20 s instead of ~60 s. A chunk that stalls twice (say, it
 * crashes its worker each time) is failed rather than crash-looping the fleet; its portfolios are
 * then recorded as failed by the `failed` handler.
 */
export const STALLED_SETTINGS = {
  lockDuration: 15_000,
  stalledInterval: 5_000,
  maxStalledCount: 2,
} as const satisfies Partial<WorkerOptions>;

/** Settings a test may shorten (e.g. to observe stalled-job recovery quickly). */
export type WorkerTuning = Partial<Pick<WorkerOptions, 'lockDuration' | 'stalledInterval' | 'maxStalledCount' | 'drainDelay'>>;

/**
 * Node flags the worker process is started with (k8s/base/worker-deployment.yaml,
 * docker-compose.yml and the local launchers use the same): a heap cap and a small young
 * generation, so V8 collects before growing the heap. Measured with `npm run bench:pipeline --
 * --portfolios 10000` (1 worker, 2 solver threads), peak RSS at the same throughput: 233 MB with
 * both flags, 295 MB with the heap cap alone, 374 MB with the young-generation flag alone,
 * 402–457 MB with neither. A chunk of the default 200 portfolios needs a few tens of MB; raise
 * the cap with `CHUNK_SIZE`.
 */
export const WORKER_NODE_FLAGS = ['--max-old-space-size=160', '--max-semi-space-size=4'] as const;

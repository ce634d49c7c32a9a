import { Queue, Worker, type Job } from 'bullmq';
import type { Db } from 'mongodb';
import type { Config } from '../config/config.js';
import type { Logger } from '../observability/logger.js';
import { createRebalanceQueue } from '../queue/index.js';
import { deleteExpiredRuns } from '../store/retention.js';
import type { ChunkProcessorDeps } from './process-chunk.js';
import { sweepRuns } from './run-sweeper.js';
import { STALLED_SETTINGS } from './worker-settings.js';

/** The queue of the worker fleet's scheduled housekeeping: the run sweep and retention. */
export const MAINTENANCE_QUEUE = 'maintenance';
/** How often retention runs when `RETENTION_DAYS` is set. */
const RETENTION_EVERY_MS = 3_600_000;

interface Schedule {
  id: 'run-sweep' | 'retention';
  every: number;
}

/**
 * Starts the housekeeping every worker process takes part in. Each schedule is a BullMQ job
 * scheduler: one job per interval for the whole fleet, taken by whichever worker is free, so
 * there is one sweeper at a time without electing a leader. Redis holds the schedulers, so a
 * Redis that lost its data (flush, restart without persistence) lost them too: every process
 * re-creates a missing one each sweep interval. Returns the closer.
 */
export async function startMaintenance(ctx: { config: Config; db: Db; chunks: ChunkProcessorDeps; logger: Logger }): Promise<() => Promise<void>> {
  const { config } = ctx;
  const logger = ctx.logger.child({ component: 'maintenance' });
  const connection = { url: config.REDIS_URL, maxRetriesPerRequest: null };
  const queue = new Queue(MAINTENANCE_QUEUE, { connection, prefix: config.QUEUE_PREFIX });
  const rebalance = createRebalanceQueue({ connection, prefix: config.QUEUE_PREFIX });
  const sweepEvery = config.RUN_SWEEP_SECONDS * 1000;
  const schedules: Schedule[] = [{ id: 'run-sweep', every: sweepEvery }];
  if (config.RETENTION_DAYS > 0) schedules.push({ id: 'retention', every: RETENTION_EVERY_MS });
  else await queue.removeJobScheduler('retention');
  const keepScheduled = async () => {
    for (const s of schedules) {
      if ((await queue.getJobScheduler(s.id))?.every === s.every) continue;
      await queue.upsertJobScheduler(s.id, { every: s.every }, { name: s.id, opts: { attempts: 1, removeOnComplete: true, removeOnFail: 100 } });
    }
  };
  await keepScheduled();
  const timer = setInterval(() => void keepScheduled().catch((error: unknown) => logger.warn({ err: error }, 'could not re-create the maintenance schedules')), sweepEvery);
  timer.unref();
  const worker = new Worker(
    MAINTENANCE_QUEUE,
    async (job: Job) => {
      if (job.name === 'run-sweep') {
        const report = await sweepRuns({ chunks: ctx.chunks, queue: rebalance, graceMs: sweepEvery });
        if (report.requeued + report.abandoned + report.finished + report.expired > 0) logger.warn(report, 'run sweep repaired runs');
        return report;
      }
      if (job.name === 'retention' && config.RETENTION_DAYS > 0) {
        const cutoff = new Date(Date.now() - config.RETENTION_DAYS * 86_400_000);
        const deleted = await deleteExpiredRuns(ctx.db, cutoff);
        if (deleted.runs > 0) logger.info({ ...deleted, cutoff }, 'retention: old runs deleted');
        return deleted;
      }
      return undefined;
    },
    { connection, prefix: config.QUEUE_PREFIX, concurrency: 1, ...STALLED_SETTINGS },
  );
  worker.on('error', (error) => logger.error({ err: error }, 'maintenance worker error'));
  worker.on('failed', (job, error) => logger.warn({ job: job?.name, err: error }, 'maintenance job failed; the next one tries again'));
  return async () => {
    clearInterval(timer);
    await worker.close();
    await queue.close();
    await rebalance.close();
  };
}

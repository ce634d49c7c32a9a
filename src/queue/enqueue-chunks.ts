import type { JobsOptions } from 'bullmq';
import { CHUNK_JOB, type RebalanceQueue } from './rebalance-queue.js';
import { chunkJobId, toJobItems, type RunItem } from './chunk-job.js';

/** Jobs per `addBulk` call: one Redis pipeline each, so a 100,000-portfolio run never blocks Redis for long. */
export const ENQUEUE_BATCH = 1_000;

/** A chunk of a run as planned at creation. */
export interface PlannedChunk {
  index: number;
  items: RunItem[];
}

/**
 * Adds a run's chunks with deterministic job ids. `addBulk` is a pipeline, not atomic, so a
 * crash can leave some chunks queued; calling this again adds only what is missing (BullMQ
 * ignores an add whose job id already exists).
 */
export async function enqueueChunks(
  queue: RebalanceQueue,
  runId: string,
  chunks: readonly PlannedChunk[],
  priority: number,
  jobOptions: Pick<JobsOptions, 'attempts' | 'backoff'> = {},
): Promise<void> {
  for (let start = 0; start < chunks.length; start += ENQUEUE_BATCH) {
    const batch = chunks.slice(start, start + ENQUEUE_BATCH).map((chunk) => ({
      name: CHUNK_JOB as typeof CHUNK_JOB,
      data: { run_id: runId, chunk_index: chunk.index, items: toJobItems(chunk.items) },
      opts: { ...jobOptions, jobId: chunkJobId(runId, chunk.index), priority },
    }));
    await queue.addBulk(batch);
  }
}

/** Removes a cancelled run's chunks that no worker has taken yet (active ones finish and skip nothing). */
export async function removeWaitingChunks(queue: RebalanceQueue, runId: string, chunkCount: number): Promise<number> {
  let removed = 0;
  for (let index = 0; index < chunkCount; index++) {
    removed += await queue.remove(chunkJobId(runId, index));
  }
  return removed;
}

export { chunkJobId, fromJobItems, toJobItems, type ChunkJobData, type ChunkJobResult, type RunItem } from './chunk-job.js';
export { CHUNK_JOB, CHUNK_JOB_OPTIONS, INTERACTIVE_JOB_OPTIONS, REBALANCE_QUEUE, createRebalanceQueue, type RebalanceQueue, type RebalanceQueueOptions } from './rebalance-queue.js';
export { ENQUEUE_BATCH, enqueueChunks, removeWaitingChunks, type PlannedChunk } from './enqueue-chunks.js';
export { priorityForRun } from './priority.js';
export { IDEMPOTENCY_KEY_TTL_SECONDS, PLANNING_LEASE_MS, RunKeys, type RunKeyClaim } from './run-keys.js';
export { RunMirror, endingOf, liveCounts, type MirroredRun, type RunEnding, type RunPlan, type StoredCounts } from './run-mirror.js';
export { REDIS_REFUSAL_RETRY_AFTER_SECONDS, redisRefusal } from './redis-refusal.js';

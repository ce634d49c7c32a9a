/** One unit of a run: a model and one of its portfolios. A portfolio in two models is two items. */
export interface RunItem {
  modelId: string;
  portfolioId: string;
}

/**
 * What a queue job carries: a chunk of a run's items. Items travel as `[model_id, portfolio_id]`
 * pairs because a 200-item chunk is the largest thing in Redis (~11 KB instead of ~17 KB).
 */
export interface ChunkJobData {
  run_id: string;
  chunk_index: number;
  items: [modelId: string, portfolioId: string][];
}

/** What a chunk job returns (kept in Redis with the completed job, so it stays small). */
export interface ChunkJobResult {
  /** `cancelled`: the run was final (cancelled, or given up) before this chunk started; nothing was written. */
  outcome: 'processed' | 'cancelled';
  portfolios: number;
}

/** Deterministic, so an enqueue retried after a crash cannot create a second job for the same chunk. */
export function chunkJobId(runId: string, chunkIndex: number): string {
  return `${runId}-${chunkIndex}`;
}

export function toJobItems(items: readonly RunItem[]): ChunkJobData['items'] {
  return items.map((i) => [i.modelId, i.portfolioId]);
}

export function fromJobItems(items: ChunkJobData['items']): RunItem[] {
  return items.map(([modelId, portfolioId]) => ({ modelId, portfolioId }));
}

import type { InvestmentModel } from '../core/model/types.js';
import type { PlannedChunk, RunItem } from '../queue/index.js';
import { rebalanceIdFor, type RebalanceDocument } from '../store/rebalances-repository.js';
import type { RunChunkDocument, RunModelDocument } from '../store/run-documents.js';
import { runModelId } from '../store/runs-repository.js';
import { chunkJobId } from '../queue/index.js';

/** Splits a run's items into chunks of `chunkSize`, in order. */
export function planChunks(items: readonly RunItem[], chunkSize: number): PlannedChunk[] {
  const chunks: PlannedChunk[] = [];
  for (let start = 0; start < items.length; start += chunkSize) {
    chunks.push({ index: chunks.length, items: items.slice(start, start + chunkSize) });
  }
  return chunks;
}

export function toChunkDocuments(runId: string, chunks: readonly PlannedChunk[]): RunChunkDocument[] {
  return chunks.map((c) => ({ _id: chunkJobId(runId, c.index), run_id: runId, index: c.index, items: c.items.map((i) => ({ model_id: i.modelId, portfolio_id: i.portfolioId })) }));
}

/** Snapshots the models, so every chunk of the run solves against the same targets. */
export function toModelDocuments(runId: string, models: readonly InvestmentModel[]): RunModelDocument[] {
  return models.map((m) => ({
    _id: runModelId(runId, m.modelId),
    run_id: runId,
    model_id: m.modelId,
    name: m.name,
    positions: m.positions.map((p) => ({ security_id: p.securityId, target: p.target, low_drift: p.lowDrift, high_drift: p.highDrift })),
  }));
}

/** One stored rebalance per (run, model) that has portfolios in the run. */
export function toRebalanceDocuments(runId: string, models: readonly InvestmentModel[], items: readonly RunItem[], at: Date): RebalanceDocument[] {
  const withItems = new Set(items.map((i) => i.modelId));
  return models
    .filter((m) => withItems.has(m.modelId))
    .map((m) => ({
      _id: rebalanceIdFor(runId, m.modelId),
      run_id: runId,
      model_id: m.modelId,
      model_name: m.name,
      rebalance_date: at,
      version: 1,
      created_at: at,
    }));
}

import type { RunEnding, RunMirror } from '../queue/index.js';
import type { RebalancesRepository } from '../store/rebalances-repository.js';
import type { RunDocument } from '../store/run-documents.js';
import type { RunsRepository } from '../store/runs-repository.js';

/** What storing a Redis-first run touches. */
export interface StoreRunDeps {
  mirror: RunMirror;
  runs: Pick<RunsRepository, 'get' | 'insertRun' | 'writePlan'>;
  rebalances: Pick<RebalancesRepository, 'insertMany'>;
}

/**
 * Writes a run that was created in Redis first (its plan still in the mirror) to MongoDB: the
 * plan, the rebalance headers, then the run header as the mirror has it now. Idempotent, so the
 * API (right after answering) and any worker taking one of its chunks can all call it; the first
 * to get there stores it. A finishing worker passes the run's `ending`, so the run arrives final.
 * Returns the run as MongoDB has it, or null when neither store knows it.
 */
export async function storeMirroredRun(deps: StoreRunDeps, runId: string, ending?: RunEnding): Promise<RunDocument | null> {
  const mirrored = await deps.mirror.get(runId);
  if (mirrored?.run && mirrored.plan) {
    await Promise.all([deps.runs.writePlan(mirrored.plan.chunks, mirrored.plan.models), deps.rebalances.insertMany(mirrored.plan.rebalances)]);
    await deps.runs.insertRun(ending ? { ...mirrored.run, ...ending } : mirrored.run);
  }
  // Also clears the "unstored" mark of a run whose mirror expired (nothing left to store).
  if (!mirrored?.run || mirrored.plan) await deps.mirror.stored(runId);
  return deps.runs.get(runId);
}

import type { RunModelDocument } from '../store/run-documents.js';
import type { RunsRepository } from '../store/runs-repository.js';

/**
 * Model snapshots by (run, model). They never change once a run exists, so a worker reads each
 * once instead of once per chunk. Bounded: the oldest entry goes first.
 */
export class RunModelCache {
  private readonly entries = new Map<string, RunModelDocument>();

  constructor(
    private readonly runs: Pick<RunsRepository, 'modelsOf'>,
    private readonly maxEntries = 512,
  ) {}

  async get(runId: string, modelIds: readonly string[]): Promise<Map<string, RunModelDocument>> {
    const found = new Map<string, RunModelDocument>();
    const missing: string[] = [];
    for (const id of new Set(modelIds)) {
      const hit = this.entries.get(`${runId}:${id}`);
      if (hit) found.set(id, hit);
      else missing.push(id);
    }
    for (const doc of await this.runs.modelsOf(runId, missing)) {
      found.set(doc.model_id, doc);
      this.put(doc);
    }
    return found;
  }

  /** Snapshots a run carries in its Redis mirror while MongoDB does not have them yet. */
  remember(docs: readonly RunModelDocument[]): void {
    for (const doc of docs) this.put(doc);
  }

  private put(doc: RunModelDocument): void {
    this.entries.set(doc._id, doc);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }
}

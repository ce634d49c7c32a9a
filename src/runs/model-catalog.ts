import { LRUCache } from 'lru-cache';
import type { InvestmentModel } from '../core/model/types.js';
import type { ModelsRepository } from '../store/models-repository.js';
import { indexModels, type IndexedModels, type ModelIndexSource } from './resolve-selection.js';

/** Options of {@link ModelCatalog}. */
export interface ModelCatalogOptions {
  /**
   * Portfolio subscriptions (plus one per model) the per-model cache holds at most; past it the
   * least recently used models are dropped and read again when a submit needs them.
   * @defaultValue 2000000
   */
  maxSubscriptions?: number;
}

/**
 * The models as run submissions resolve them. Every submit first reads each model's version
 * from the store (one projected query, no portfolio lists), so a model written by any API
 * process — or straight into the database through `ModelsRepository` — is seen by the next
 * submit on every process, with no change signal that could fail after the write. Only models
 * whose version differs from the cached copy are read again (one model after one edit, not
 * all); the index over all models is rebuilt in memory only when some version changed.
 *
 * Memory: the per-model cache is an `lru-cache` sized by subscriptions; the index of the last
 * resolve is held besides it.
 */
export class ModelCatalog implements ModelIndexSource {
  private readonly cache: LRUCache<string, InvestmentModel>;
  private current?: { signature: string; index: IndexedModels };

  constructor(
    private readonly models: Pick<ModelsRepository, 'versions' | 'findByIds'>,
    options: ModelCatalogOptions = {},
  ) {
    this.cache = new LRUCache({ maxSize: options.maxSubscriptions ?? 2_000_000, sizeCalculation: (m) => m.portfolios.length + 1 });
  }

  /** Every model, indexed by id and by portfolio, as stored now. */
  async indexed(): Promise<IndexedModels> {
    const versions = await this.models.versions();
    const signature = [...versions].map(([id, version]) => `${id}:${version}`).sort().join(',');
    const current = this.current;
    if (current && current.signature === signature) return current.index;
    const fresh = new Map<string, InvestmentModel>();
    const stale: string[] = [];
    for (const [id, version] of versions) {
      const cached = this.cache.get(id);
      if (cached && cached.version === version) fresh.set(id, cached);
      else stale.push(id);
    }
    for (const model of await this.models.findByIds(stale)) {
      this.cache.set(model.modelId, model);
      fresh.set(model.modelId, model);
    }
    // A model deleted between the two reads is simply absent; one written meanwhile is newer than its listed version, which is fine.
    const index = indexModels([...fresh.values()]);
    this.current = { signature, index };
    return index;
  }

  /** Models held in the per-model cache (for tests and diagnostics). */
  get cachedModels(): number {
    return this.cache.size;
  }
}

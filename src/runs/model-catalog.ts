import type { Redis } from 'ioredis';
import type { Logger } from '../observability/logger.js';
import type { ModelsRepository } from '../store/models-repository.js';
import { indexModels, type IndexedModels, type ModelIndexSource } from './resolve-selection.js';

/**
 * After this long a cached catalog is checked in the background against the models' versions
 * (covers model writes made by another process without the change signal).
 */
const REFRESH_AFTER_MS = 5_000;

function generationKey(prefix: string): string {
  return `${prefix}:ogs:models-generation`;
}

/** What a model writer calls after each write, so every API process re-reads the models. */
export function modelChangeSignal(redis: Redis, prefix: string): () => Promise<void> {
  return async () => void (await redis.incr(generationKey(prefix)));
}

/**
 * The models as run submissions resolve them, cached in this process. Resolving a selection
 * needs every model's portfolio list; reading them from MongoDB on each submit queued behind the
 * workers' writes on FerretDB (hundreds of milliseconds under load). The cache is exact for
 * writes made through the API: each one increments a generation counter in Redis after it is
 * stored, and a submit compares that counter (one GET) before using the cache, so a model change
 * is seen by the next submit on any API process. A write made through `ModelsRepository` without
 * the signal (another process) bumps the model's version, which is checked every
 * {@link REFRESH_AFTER_MS}; an edit straight into the database that leaves the version alone is
 * not seen until the next change through the API.
 */
export class ModelCatalog implements ModelIndexSource {
  private cached?: { generation: string; loadedAt: number; index: IndexedModels };
  private refreshing?: Promise<unknown>;

  constructor(
    private readonly models: Pick<ModelsRepository, 'list' | 'versions'>,
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {}

  /** Every model, indexed by id and by portfolio. */
  async indexed(): Promise<IndexedModels> {
    const generation = (await this.redis.get(generationKey(this.prefix))) ?? '0';
    const cached = this.cached;
    if (!cached || cached.generation !== generation) return this.load(generation);
    if (Date.now() - cached.loadedAt > REFRESH_AFTER_MS && !this.refreshing) {
      this.refreshing = this.refresh(generation, cached)
        .catch((error: unknown) => this.logger.warn({ err: error }, 'model catalog refresh failed; serving the cached models'))
        .finally(() => (this.refreshing = undefined));
    }
    return cached.index;
  }

  /**
   * Re-reads only the models' versions, and everything only when one differs: rebuilding the
   * index decodes every portfolio list on the API's event loop, which is wasted work when nothing
   * changed.
   */
  private async refresh(generation: string, cached: { index: IndexedModels; loadedAt: number }): Promise<void> {
    const versions = await this.models.versions();
    const same = versions.size === cached.index.models.length && cached.index.models.every((m) => versions.get(m.modelId) === m.version);
    if (same) cached.loadedAt = Date.now();
    else await this.load(generation);
  }

  private async load(generation: string): Promise<IndexedModels> {
    const index = indexModels(await this.models.list());
    // A newer generation may have been cached meanwhile; an older read must not replace it.
    if (!this.cached || Number(this.cached.generation) <= Number(generation)) {
      this.cached = { generation, loadedAt: Date.now(), index };
    }
    return index;
  }
}

import { ObjectId, type Collection, type Db } from 'mongodb';
import { BOUNDED_QUERY_MS, COUNT_CAP } from './bounded-query.js';
import { InvalidInput, NotFound, VersionConflict } from '../errors/index.js';
import {
  withPortfoliosAdded,
  withPortfoliosRemoved,
  withPositionAdded,
  withPositionRemoved,
  withPositionReplaced,
} from '../core/model/model-edits.js';
import { normalizeName, normalizePortfolios, normalizePositions, type PositionInput } from '../core/model/model-rules.js';
import type { InvestmentModel, ModelPosition } from '../core/model/types.js';
import { ModelWriteClaims } from './model-write-claims.js';

export const MODELS_COLLECTION = 'models';

/**
 * A model as stored. Weights are canonical decimal strings (see `core/model/weights.ts`):
 * exact, and FerretDB v1 has no Decimal128.
 */
interface ModelDocument {
  _id: ObjectId;
  name: string;
  positions: { security_id: string; target: string; high_drift: string; low_drift: string }[];
  portfolios: string[];
  last_rebalance_date: Date | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

/** What a caller supplies to create or replace a model. Rules are applied on the way in. */
export interface ModelInput {
  name: string;
  positions: PositionInput[];
  portfolios: string[];
  /** Only honoured by `replace`. */
  lastRebalanceDate?: Date | null;
}

export type ModelSortField = 'model_id' | 'name' | 'last_rebalance_date';

/** Paging and ordering for `list`. */
export interface ModelListOptions {
  /** @defaultValue 0 */
  offset?: number;
  /** No limit when absent. */
  limit?: number;
  /** Applied in order; `_id` always breaks ties so pages are stable. @defaultValue by model_id */
  sort?: { field: ModelSortField; direction: 1 | -1 }[];
}

/**
 * Sub-resource edits read, re-check the rules and write as the version's claimed writer,
 * retrying for up to this long under contention before answering VersionConflict.
 */
const EDIT_RETRY_BUDGET_MS = 5_000;

/** Most models one list read returns: a page's limit, and the cap of an unpaged v1 "all models". */
export const MAX_MODELS_PER_READ = 1_000;

const SORT_COLUMN: Record<ModelSortField, string> = {
  model_id: '_id',
  name: 'name',
  last_rebalance_date: 'last_rebalance_date',
};

export async function ensureModelIndexes(db: Db): Promise<void> {
  const models = db.collection(MODELS_COLLECTION);
  await models.createIndex({ portfolios: 1 }, { name: 'portfolios' });
  await models.createIndex({ name: 1, _id: 1 }, { name: 'name_id' });
  await models.createIndex({ last_rebalance_date: 1, _id: 1 }, { name: 'last_rebalance_date_id' });
}

/** Parses a model id (24 hex digits); anything else is malformed input. */
export function parseModelId(id: string, field = 'model_id'): ObjectId {
  if (!/^[0-9a-fA-F]{24}$/.test(id)) {
    throw new InvalidInput(`${field}: ${JSON.stringify(id.slice(0, 80))} is not a 24-character hex id`, field);
  }
  return new ObjectId(id);
}

function toModel(doc: ModelDocument): InvestmentModel {
  return {
    modelId: doc._id.toHexString(),
    name: doc.name,
    positions: doc.positions.map((p) => ({
      securityId: p.security_id,
      target: p.target,
      highDrift: p.high_drift,
      lowDrift: p.low_drift,
    })),
    portfolios: doc.portfolios,
    lastRebalanceDate: doc.last_rebalance_date ?? null,
    version: doc.version,
  };
}

function toStoredPositions(positions: readonly ModelPosition[]): ModelDocument['positions'] {
  return positions.map((p) => ({
    security_id: p.securityId,
    target: p.target,
    high_drift: p.highDrift,
    low_drift: p.lowDrift,
  }));
}

function normalizeInput(input: ModelInput) {
  return {
    name: normalizeName(input.name),
    positions: toStoredPositions(normalizePositions(input.positions)),
    portfolios: normalizePortfolios(input.portfolios),
  };
}

/**
 * The `models` collection. Every write moves the model from a version it read to the next,
 * as the sole claimed writer of that transition (optimistic concurrency without transactions).
 */
export class ModelsRepository {
  private readonly models: Collection<ModelDocument>;
  private readonly claims: ModelWriteClaims;

  constructor(db: Db) {
    this.models = db.collection<ModelDocument>(MODELS_COLLECTION);
    this.claims = new ModelWriteClaims(db);
  }

  async create(input: ModelInput): Promise<InvestmentModel> {
    const now = new Date();
    const doc: ModelDocument = {
      _id: new ObjectId(),
      ...normalizeInput(input),
      last_rebalance_date: null,
      version: 1,
      created_at: now,
      updated_at: now,
    };
    await this.models.insertOne(doc);
    return toModel(doc);
  }

  async get(modelId: string): Promise<InvestmentModel> {
    const doc = await this.models.findOne({ _id: parseModelId(modelId) });
    if (!doc) throw new NotFound(`model ${modelId} not found`);
    return toModel(doc);
  }

  async list(options: ModelListOptions = {}): Promise<InvestmentModel[]> {
    const sort: Record<string, 1 | -1> = {};
    for (const { field, direction } of options.sort ?? []) sort[SORT_COLUMN[field]] = direction;
    if (!('_id' in sort)) sort._id = 1;
    const cursor = this.models.find({}).sort(sort).skip(options.offset ?? 0).limit(options.limit ?? MAX_MODELS_PER_READ);
    return (await cursor.maxTimeMS(BOUNDED_QUERY_MS).toArray()).map(toModel);
  }

  /** Each model's version, by id: a cheap way to tell whether any model changed. */
  async versions(): Promise<Map<string, number>> {
    const docs = await this.models.find({}, { projection: { version: 1 } }).toArray();
    return new Map(docs.map((d) => [d._id.toHexString(), d.version]));
  }

  /** Models stored, counted up to {@link COUNT_CAP}. */
  async count(): Promise<number> {
    return this.models.countDocuments({}, { limit: COUNT_CAP, maxTimeMS: BOUNDED_QUERY_MS });
  }

  /** Replaces name, positions and portfolios if `expectedVersion` is current (else VersionConflict). */
  async replace(modelId: string, expectedVersion: number, input: ModelInput): Promise<InvestmentModel> {
    const _id = parseModelId(modelId);
    const set: Partial<ModelDocument> = normalizeInput(input);
    if (input.lastRebalanceDate !== undefined) set.last_rebalance_date = input.lastRebalanceDate;
    const written = await this.writeAt(_id, expectedVersion, set);
    if (!written) throw await this.missOrStale(_id, expectedVersion);
    return toModel(written);
  }

  async delete(modelId: string, expectedVersion: number): Promise<void> {
    const _id = parseModelId(modelId);
    const deleted = await this.claims.withClaim(modelId, expectedVersion, async () => {
      const { deletedCount } = await this.models.deleteOne({ _id, version: expectedVersion });
      return deletedCount === 1;
    });
    if (!deleted) throw await this.missOrStale(_id, expectedVersion);
  }

  addPosition(modelId: string, position: PositionInput): Promise<InvestmentModel> {
    return this.edit(modelId, (m) => ({ positions: toStoredPositions(withPositionAdded(m.positions, position)) }));
  }

  updatePosition(modelId: string, position: PositionInput): Promise<InvestmentModel> {
    return this.edit(modelId, (m) => ({ positions: toStoredPositions(withPositionReplaced(m.positions, position)) }));
  }

  removePosition(modelId: string, securityId: string): Promise<InvestmentModel> {
    return this.edit(modelId, (m) => ({ positions: toStoredPositions(withPositionRemoved(m.positions, securityId)) }));
  }

  addPortfolios(modelId: string, portfolioIds: readonly string[]): Promise<InvestmentModel> {
    return this.edit(modelId, (m) => ({ portfolios: withPortfoliosAdded(m.portfolios, portfolioIds) }));
  }

  removePortfolios(modelId: string, portfolioIds: readonly string[]): Promise<InvestmentModel> {
    return this.edit(modelId, (m) => ({ portfolios: withPortfoliosRemoved(m.portfolios, portfolioIds) }));
  }

  /** The models with these ids that exist, in id order. A malformed id is InvalidInput. */
  async findByIds(modelIds: readonly string[]): Promise<InvestmentModel[]> {
    const ids = modelIds.map((id, i) => parseModelId(id, `model_ids[${i}]`));
    if (ids.length === 0) return [];
    const docs = await this.models.find({ _id: { $in: ids } }).sort({ _id: 1 }).toArray();
    return docs.map(toModel);
  }

  /** The models a portfolio is subscribed to, in id order. */
  async findByPortfolio(portfolioId: string): Promise<InvestmentModel[]> {
    const docs = await this.models.find({ portfolios: portfolioId }).sort({ _id: 1 }).toArray();
    return docs.map(toModel);
  }

  /** Records a completed rebalance; counts as a mutation (bumps `version`). */
  /**
   * Sets the date unless the model already has it or a later one: every finisher of a run (and
   * the run sweeper) may call it, and a repeat must neither bump the version nor move it back.
   */
  async setLastRebalanceDate(modelId: string, date: Date): Promise<void> {
    const current = await this.models.findOne({ _id: parseModelId(modelId) }, { projection: { last_rebalance_date: 1 } });
    if (!current || (current.last_rebalance_date && current.last_rebalance_date.getTime() >= date.getTime())) return;
    await this.edit(modelId, (model) => ({ last_rebalance_date: model.lastRebalanceDate && model.lastRebalanceDate >= date ? model.lastRebalanceDate : date }));
  }

  /**
   * Read, apply a pure edit, then write only as the claimed writer of that version (see
   * `ModelWriteClaims`), retrying from a fresh read when another writer got there first.
   * Sub-resource calls carry no version, yet two concurrent edits never lose one another.
   */
  private async edit(
    modelId: string,
    change: (model: InvestmentModel) => Partial<Pick<ModelDocument, 'positions' | 'portfolios' | 'last_rebalance_date'>>,
  ): Promise<InvestmentModel> {
    const _id = parseModelId(modelId);
    const deadline = Date.now() + EDIT_RETRY_BUDGET_MS;
    for (let attempt = 0; Date.now() < deadline; attempt += 1) {
      const current = await this.models.findOne({ _id });
      if (!current) throw new NotFound(`model ${modelId} not found`);
      const edit = change(toModel(current));
      const written = await this.writeAt(_id, current.version, edit);
      if (written) {
        return toModel(written);
      }
      // Full-jitter exponential backoff, so writers that lost together do not collide again in lockstep.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(64, 2 ** attempt)));
    }
    throw new VersionConflict(`model ${modelId} kept changing during the edit; retry`);
  }

  /** Moves the model from `version` to `version + 1` with `set`; undefined when stale or claimed by another writer. */
  private async writeAt(_id: ObjectId, version: number, set: Partial<ModelDocument>): Promise<ModelDocument | undefined> {
    return this.claims.withClaim(_id.toHexString(), version, async () => {
      const update = { ...set, version: version + 1, updated_at: new Date() };
      const current = await this.models.findOne({ _id, version });
      if (!current) return undefined;
      const { matchedCount } = await this.models.updateOne({ _id, version }, { $set: update });
      return matchedCount === 1 ? { ...current, ...update } : undefined;
    });
  }

  private async missOrStale(_id: ObjectId, expectedVersion: number): Promise<Error> {
    const current = await this.models.findOne({ _id }, { projection: { version: 1 } });
    if (!current) return new NotFound(`model ${_id.toHexString()} not found`);
    return new VersionConflict(
      `version: ${expectedVersion} is stale; the model is at version ${current.version} or being changed`,
    );
  }
}

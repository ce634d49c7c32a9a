import type { Db } from 'mongodb';
import type { Redis } from 'ioredis';
import type { Config } from '../config/config.js';
import type { Logger } from '../observability/logger.js';
import { RunKeys, RunMirror, createRebalanceQueue, type RebalanceQueue } from '../queue/index.js';
import { OrdersRepository } from '../store/orders-repository.js';
import { RebalancesRepository } from '../store/rebalances-repository.js';
import { ResultsRepository } from '../store/results-repository.js';
import { RunsRepository } from '../store/runs-repository.js';
import { RunSummariesRepository } from '../store/run-summaries-repository.js';
import type { ModelCatalog } from './model-catalog.js';
import { RebalanceService } from './rebalance-service.js';
import { RunService } from './run-service.js';
import type { ApprovalDeps } from './approve-run.js';
import { ModelsRepository } from '../store/models-repository.js';
import { RunDecisionsRepository } from '../store/run-decisions-repository.js';
import { OutboxRepository } from '../store/outbox-repository.js';

/** The pipeline's API services. */
export interface RunServices {
  runs: RunService;
  rebalances: RebalanceService;
  /** The `rebalance` queue (also what bull-board and the queue-depth metric read). */
  queue: RebalanceQueue;
  /** The models as submissions resolve them (cached; see ModelCatalog). */
  catalog: ModelCatalog;
  /** `V1_REBALANCE_WAIT_SECONDS` in milliseconds. */
  v1WaitMs: number;
  /** What approving or rejecting a proposal needs (`src/runs/approve-run.ts`). */
  approvals: ApprovalDeps;
  /** The outbox of orders sent to the Order Service; `enabled` when `ORDER_SERVICE_URL` is set. */
  sending: { outbox: OutboxRepository; enabled: boolean };
}

/** Builds the runs and rebalances services on the API's shared Redis connection and database. */
export function buildRunServices(ctx: {
  config: Config;
  db: Db;
  redis: Redis;
  /** For the run mirror and Idempotency-Keys: a connection without BullMQ's scripts. */
  fastRedis: Redis;
  /** What submissions resolve their selection against. */
  catalog: ModelCatalog;
  logger: Logger;
  onClose(close: () => Promise<void>): void;
}): RunServices {
  const queue = createRebalanceQueue({ connection: ctx.redis, prefix: ctx.config.QUEUE_PREFIX });
  ctx.onClose(() => queue.close());
  const results = new ResultsRepository(ctx.db);
  const orders = new OrdersRepository(ctx.db);
  const runs = new RunService({
    runs: new RunsRepository(ctx.db),
    keys: new RunKeys(ctx.fastRedis, ctx.config.QUEUE_PREFIX),
    mirror: new RunMirror(ctx.fastRedis, ctx.config.QUEUE_PREFIX),
    rebalances: new RebalancesRepository(ctx.db),
    models: ctx.catalog,
    results,
    orders,
    summaries: new RunSummariesRepository(ctx.db),
    queue,
    chunkSize: ctx.config.CHUNK_SIZE,
    sendOrders: ctx.config.ORDER_SERVICE_URL !== undefined,
    logger: ctx.logger,
  });
  return {
    runs,
    rebalances: new RebalanceService(new RebalancesRepository(ctx.db), results, (r, m, page) => runs.optimalOfModel(r, m, page), () => runs.storeUnstored()),
    queue,
    catalog: ctx.catalog,
    v1WaitMs: ctx.config.V1_REBALANCE_WAIT_SECONDS * 1000,
    approvals: approvalDeps(ctx, runs, orders),
    sending: { outbox: new OutboxRepository(ctx.db), enabled: ctx.config.ORDER_SERVICE_URL !== undefined },
  };
}

function approvalDeps(ctx: { config: Config; db: Db; logger: Logger }, runs: RunService, orders: OrdersRepository): ApprovalDeps {
  const models = new ModelsRepository(ctx.db);
  const stored = new RunsRepository(ctx.db);
  return {
    db: ctx.db,
    decisions: new RunDecisionsRepository(ctx.db),
    orders,
    runOf: async (runId) => (await runs.get(runId)).run,
    inProgress: async () => (await Promise.all((['queued', 'running'] as const).map((status) => runs.list({ offset: 0, limit: 1000, status })))).flatMap((p) => p.items.map((i) => i.run)),
    snapshotsOf: (run) => stored.modelsOf(run._id, run.model_ids),
    currentModels: (ids) => models.findByIds(ids),
    maxPriceAgeMs: ctx.config.APPROVAL_MAX_PRICE_AGE_SECONDS * 1000,
    snapshotMarketData: ctx.config.MARKET_DATA_SOURCE === 'snapshot',
    sendOrders: ctx.config.ORDER_SERVICE_URL !== undefined,
    logger: ctx.logger,
  };
}

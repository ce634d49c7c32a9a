import type { Db } from 'mongodb';
import { Conflict, InvalidInput } from '../errors/index.js';
import type { Logger } from '../observability/logger.js';
import type { OrderDocument, OrdersRepository } from '../store/orders-repository.js';
import type { RunDecisionDocument, RunDecisionsRepository } from '../store/run-decisions-repository.js';
import type { RunDocument } from '../store/run-documents.js';
import { streamRunResults } from '../store/run-result-stream.js';
import { whatChanged, type ApprovalCheckDeps } from './approval-checks.js';
import { isApproved, ordersOfResult, type ApprovalScope } from './proposal-orders.js';
import { isFinal } from './run-view.js';

/** Orders per insert while an approval writes them. */
const WRITE_BATCH = 1000;

/** What deciding on a proposal needs. */
export interface ApprovalDeps extends ApprovalCheckDeps {
  db: Db;
  decisions: RunDecisionsRepository;
  orders: Pick<OrdersRepository, 'insertMany'>;
  /** The run as polls see it (404 when unknown). */
  runOf(runId: string): Promise<RunDocument>;
  /** Runs queued or running now: approving while one of them re-runs the same models is refused. */
  inProgress(): Promise<RunDocument[]>;
  /** An Order Service is configured: approved orders are to be sent (by the workers' send sweeper). */
  sendOrders: boolean;
  logger: Logger;
}

/** An approval or rejection as asked. */
export interface DecisionRequest {
  include?: string[];
  exclude?: string[];
  /** The API key's name, or `anonymous`. */
  by: string;
}

/**
 * Approves a proposal once: checks that nothing it was computed on has changed, claims the
 * decision (an insert keyed by the run id: of two approvals at once one wins, the other is a
 * 409), then writes the approved portfolios' orders with deterministic ids. A crash while
 * writing leaves the decision without `orders_written_at`; the next approve call finishes the
 * writing (idempotent inserts) before answering 409.
 */
export async function approveRun(deps: ApprovalDeps, runId: string, request: DecisionRequest, now = new Date()): Promise<RunDecisionDocument> {
  const run = await decidableRun(deps, runId);
  await assertNotRerunning(deps, run);
  const scope = scopeOf(request);
  const approved = await approvedPortfolios(deps.db, run, scope);
  const changes = await whatChanged(deps, run, approved, now);
  if (changes.length > 0) throw new Conflict(`run ${runId} cannot be approved: ${changes.join('; ')}`);
  const claim = await deps.decisions.claim({
    _id: runId,
    decision: 'approved',
    include: request.include ?? null,
    exclude: request.exclude ?? [],
    decided_by: request.by,
    decided_at: now,
    orders_written_at: null,
    order_count: null,
    send: deps.sendOrders,
  });
  if (!claim.won) throw await alreadyDecided(deps, run, claim.decision);
  return writeApprovedOrders(deps, run, claim.decision);
}

/** Rejects a proposal once: nothing is written but the decision. */
export async function rejectRun(deps: ApprovalDeps, runId: string, request: Pick<DecisionRequest, 'by'>, now = new Date()): Promise<RunDecisionDocument> {
  const run = await decidableRun(deps, runId);
  const claim = await deps.decisions.claim({ _id: runId, decision: 'rejected', include: null, exclude: [], decided_by: request.by, decided_at: now, orders_written_at: null, order_count: 0, send: false });
  if (!claim.won) throw await alreadyDecided(deps, run, claim.decision);
  deps.logger.info({ run_id: runId, by: request.by }, 'proposal rejected');
  return claim.decision;
}

async function decidableRun(deps: ApprovalDeps, runId: string): Promise<RunDocument> {
  const run = await deps.runOf(runId);
  if ((run.mode ?? 'execute') !== 'propose') throw new Conflict(`run ${runId} was submitted in execute mode: its orders need no approval`);
  if (!isFinal(run)) throw new Conflict(`run ${runId} is still ${run.status}: a proposal is decided once it has finished`);
  if (run.status === 'cancelled' || run.status === 'failed') throw new Conflict(`run ${runId} is ${run.status}: there is nothing to approve`);
  return run;
}

async function assertNotRerunning(deps: ApprovalDeps, run: RunDocument): Promise<void> {
  const models = new Set(run.model_ids);
  const rerun = (await deps.inProgress()).find((r) => r._id !== run._id && r.model_ids.some((m) => models.has(m)));
  if (rerun) throw new Conflict(`run ${run._id} cannot be approved: run ${rerun._id} is re-running its models (${rerun.status}); decide once it has finished`);
}

function scopeOf(request: DecisionRequest): ApprovalScope {
  return { include: request.include ? new Set(request.include) : null, exclude: new Set(request.exclude ?? []) };
}

/** The run's portfolios that the approval covers; portfolios named but not in the run are a 400. */
async function approvedPortfolios(db: Db, run: RunDocument, scope: ApprovalScope): Promise<Set<string>> {
  const inRun = new Set<string>();
  for await (const r of streamRunResults(db, run._id)) inRun.add(r.portfolio_id);
  for (const [field, ids] of [['include', scope.include], ['exclude', scope.exclude]] as const) {
    const unknown = [...(ids ?? [])].find((id) => !inRun.has(id));
    if (unknown !== undefined) throw new InvalidInput(`${field}: portfolio ${unknown} is not in run ${run._id}`, field);
  }
  return new Set([...inRun].filter((id) => isApproved(scope, id)));
}

async function alreadyDecided(deps: ApprovalDeps, run: RunDocument, stored: RunDecisionDocument): Promise<Conflict> {
  if (stored.decision === 'approved' && stored.orders_written_at === null) await writeApprovedOrders(deps, run, stored);
  return new Conflict(`run ${run._id} was already ${stored.decision} by ${stored.decided_by} at ${stored.decided_at.toISOString()}`);
}

async function writeApprovedOrders(deps: ApprovalDeps, run: RunDocument, decision: RunDecisionDocument): Promise<RunDecisionDocument> {
  const scope = scopeOf({ include: decision.include ?? undefined, exclude: decision.exclude, by: decision.decided_by });
  let batch: OrderDocument[] = [];
  let count = 0;
  for await (const result of streamRunResults(deps.db, run._id, { optimalOnly: true, withPositions: true })) {
    if (!isApproved(scope, result.portfolio_id)) continue;
    batch.push(...ordersOfResult(run._id, run.created_at, result));
    if (batch.length >= WRITE_BATCH) {
      count += batch.length;
      await deps.orders.insertMany(batch);
      batch = [];
    }
  }
  count += batch.length;
  await deps.orders.insertMany(batch);
  const at = new Date();
  await deps.decisions.markOrdersWritten(run._id, count, at);
  deps.logger.info({ run_id: run._id, by: decision.decided_by, orders: count }, 'proposal approved: orders written');
  return { ...decision, orders_written_at: at, order_count: count };
}

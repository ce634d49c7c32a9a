import type { Db } from 'mongodb';
import type { InvestmentModel } from '../core/model/types.js';
import { HOLDINGS_COLLECTION } from '../store/holdings-repository.js';
import { PRICES_COLLECTION } from '../store/prices-repository.js';
import type { RunDocument, RunModelDocument } from '../store/run-documents.js';

/** What the staleness checks read. */
export interface ApprovalCheckDeps {
  db: Db;
  /** The run's model snapshots. */
  snapshotsOf(run: RunDocument): Promise<RunModelDocument[]>;
  /** The models as they are now. */
  currentModels(modelIds: readonly string[]): Promise<InvestmentModel[]>;
  /** Oldest market data a proposal may be approved on (`APPROVAL_MAX_PRICE_AGE_SECONDS`). */
  maxPriceAgeMs: number;
  /** Holdings and prices are this service's snapshots (the `snapshot` source), so their changes can be seen. */
  snapshotMarketData: boolean;
}

/** Samples named in a change message. */
const SAMPLES = 3;

/**
 * What changed since the run read its inputs, as sentences for a 409; empty when the proposal
 * may be approved. A trader must not send trades computed on yesterday's prices or on a model
 * or holdings that no longer hold.
 */
export async function whatChanged(deps: ApprovalCheckDeps, run: RunDocument, approved: ReadonlySet<string>, now: Date): Promise<string[]> {
  const readAt = run.started_at ?? run.created_at;
  const changes: string[] = [];
  const ageS = Math.floor((now.getTime() - readAt.getTime()) / 1000);
  if (now.getTime() - readAt.getTime() > deps.maxPriceAgeMs) {
    changes.push(`the run read prices at ${readAt.toISOString()}, ${ageS} s ago, more than APPROVAL_MAX_PRICE_AGE_SECONDS (${deps.maxPriceAgeMs / 1000} s)`);
  }
  const snapshots = await deps.snapshotsOf(run);
  changes.push(...modelChanges(snapshots, await deps.currentModels(snapshots.map((s) => s.model_id))));
  if (deps.snapshotMarketData) {
    const holdings = (await changedSince(deps.db, HOLDINGS_COLLECTION, 'portfolio_id', readAt)).filter((id) => approved.has(id));
    if (holdings.length > 0) changes.push(`holdings of ${holdings.length} approved portfolio(s) changed since the run (${sample(holdings)})`);
    const securities = new Set(snapshots.flatMap((s) => s.positions.map((p) => p.security_id)));
    const prices = (await changedSince(deps.db, PRICES_COLLECTION, 'security_id', readAt)).filter((id) => securities.has(id));
    if (prices.length > 0) changes.push(`prices of ${prices.length} security(ies) changed since the run (${sample(prices)})`);
  }
  return changes;
}

function modelChanges(snapshots: readonly RunModelDocument[], current: readonly InvestmentModel[]): string[] {
  const byId = new Map(current.map((m) => [m.modelId, m]));
  const changes: string[] = [];
  for (const snap of snapshots) {
    const now = byId.get(snap.model_id);
    if (!now) changes.push(`model ${snap.name} (${snap.model_id}) was deleted since the run`);
    else if (positionsKey(snap.positions) !== positionsKey(now.positions.map((p) => ({ security_id: p.securityId, target: p.target, low_drift: p.lowDrift, high_drift: p.highDrift })))) {
      changes.push(`model ${snap.name} (${snap.model_id}) changed its positions since the run`);
    }
  }
  return changes;
}

function positionsKey(positions: readonly RunModelDocument['positions'][number][]): string {
  return positions
    .map((p) => `${p.security_id}:${p.target}:${p.low_drift}:${p.high_drift}`)
    .sort()
    .join('|');
}

/** Keys uploaded after `since` (an `updated_at` range: indexed on both collections). */
async function changedSince(db: Db, collection: string, key: string, since: Date): Promise<string[]> {
  const docs = db.collection(collection).find({ updated_at: { $gt: since } }, { projection: { [key]: 1 } });
  const keys = new Set<string>();
  for await (const doc of docs) keys.add(doc[key] as string);
  return [...keys].sort();
}

function sample(ids: readonly string[]): string {
  return ids.slice(0, SAMPLES).join(', ') + (ids.length > SAMPLES ? ', …' : '');
}

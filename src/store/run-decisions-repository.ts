import type { Collection, Db } from 'mongodb';
import { insertIgnoringDuplicates } from './insert-ignoring-duplicates.js';

export const RUN_DECISIONS_COLLECTION = 'run_decisions';

/**
 * The one decision on a proposal, keyed by the run's id: inserting it is the claim, because an
 * insert on a unique `_id` is atomic on MongoDB and FerretDB v1 alike (a filtered update is not
 * on FerretDB), so of two approvals at once exactly one is stored.
 */
export interface RunDecisionDocument {
  /** The run id. */
  _id: string;
  decision: 'approved' | 'rejected';
  /** Portfolios approved, when an `include` list was given; null means every portfolio of the run. */
  include: string[] | null;
  /** Portfolios left out. */
  exclude: string[];
  /** Who decided: the API key's name, or `anonymous` when keys carry no names. */
  decided_by: string;
  decided_at: Date;
  /** Set once every approved order is written; null while writing (a crash leaves it null, and the next approve call finishes it). */
  orders_written_at: Date | null;
  order_count: number | null;
  /** Sending was on (an Order Service configured) when approved: the send sweeper sends these. */
  send: boolean;
}

export class RunDecisionsRepository {
  private readonly decisions: Collection<RunDecisionDocument>;

  constructor(db: Db) {
    this.decisions = db.collection<RunDecisionDocument>(RUN_DECISIONS_COLLECTION);
  }

  /** Stores the decision unless the run has one; returns the stored decision and whether it is this one. */
  async claim(doc: RunDecisionDocument): Promise<{ decision: RunDecisionDocument; won: boolean }> {
    const { inserted } = await insertIgnoringDuplicates(this.decisions, [doc]);
    if (inserted === 1) return { decision: doc, won: true };
    const stored = await this.get(doc._id);
    if (!stored) throw new Error(`decision on run ${doc._id} reported as a duplicate but not found`);
    return { decision: stored, won: false };
  }

  async get(runId: string): Promise<RunDecisionDocument | null> {
    return this.decisions.findOne({ _id: runId });
  }

  async markOrdersWritten(runId: string, count: number, at: Date): Promise<void> {
    await this.decisions.updateOne({ _id: runId }, { $set: { orders_written_at: at, order_count: count } });
  }
}

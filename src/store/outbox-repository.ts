import type { Collection, Db } from 'mongodb';
import { insertIgnoringDuplicates } from './insert-ignoring-duplicates.js';

const DUPLICATE_KEY = 11000;

export const OUTBOX_RUNS_COLLECTION = 'outbox_runs';
export const OUTBOX_BATCHES_COLLECTION = 'outbox_batches';
export const OUTBOX_SENDING_COLLECTION = 'outbox_sending';
export const OUTBOX_OUTCOMES_COLLECTION = 'outbox_outcomes';

/**
 * A run's orders planned for sending: written last, after every batch, as the commit point of the
 * plan. Every outbox document is keyed (`_id` from run and batch index) and written by an insert,
 * the one write that is atomic and pushed down by `_id` on MongoDB and FerretDB v1 alike; the
 * only update is `completed_at`, once per run.
 */
export interface OutboxRunDocument {
  _id: string;
  batch_count: number;
  order_count: number;
  planned_at: Date;
  /** Set once every batch has an outcome. */
  completed_at: Date | null;
}

/** One order of a batch, packed: `[order_id, portfolio_id, security_id, side, quantity]`. */
export type PackedOrder = [string, string, string, 'BUY' | 'SELL', number];

/** Up to `SEND_BATCH_SIZE` orders sent in one POST, with the `orderTimestamp` that finds them again. */
export interface OutboxBatchDocument {
  /** `<run_id>:<index>` */
  _id: string;
  run_id: string;
  index: number;
  /** Unique across all batches (unique index): reconciliation asks the Order Service by it. */
  order_timestamp: string;
  order_count: number;
  /** JSON text of `PackedOrder[]` (FerretDB v1 decodes nested arrays slowly; nothing queries inside). */
  orders_json: string;
  created_at: Date;
}

/** One order's end: `[order_id, state, the Order Service's orderId or null, message or null]`. */
export type PackedResult = [string, 'sent' | 'rejected', number | null, string | null];

/** A batch's final outcome, written once. */
export interface OutboxOutcomeDocument {
  _id: string;
  run_id: string;
  sent: number;
  rejected: number;
  /** Orders found at the Order Service by reconciliation rather than answered. */
  reconciled: number;
  results_json: string;
  finished_at: Date;
}

/** Written before a batch's first POST: from then on its outcome may be unknown. */
interface SendingMarker {
  _id: string;
  run_id: string;
  at: Date;
}

export function batchId(runId: string, index: number): string {
  return `${runId}:${index}`;
}

export async function ensureOutboxIndexes(db: Db): Promise<void> {
  await db.collection(OUTBOX_BATCHES_COLLECTION).createIndex({ order_timestamp: 1 }, { unique: true, name: 'order_timestamp_unique' });
  await db.collection(OUTBOX_BATCHES_COLLECTION).createIndex({ run_id: 1, index: 1 });
  await db.collection(OUTBOX_RUNS_COLLECTION).createIndex({ completed_at: 1 });
}

/** The outbox: plans, batches, in-flight markers and outcomes. */
export class OutboxRepository {
  private readonly runs: Collection<OutboxRunDocument>;
  private readonly batches: Collection<OutboxBatchDocument>;
  private readonly sending: Collection<SendingMarker>;
  private readonly outcomes: Collection<OutboxOutcomeDocument>;

  constructor(db: Db) {
    this.runs = db.collection(OUTBOX_RUNS_COLLECTION);
    this.batches = db.collection(OUTBOX_BATCHES_COLLECTION);
    this.sending = db.collection(OUTBOX_SENDING_COLLECTION);
    this.outcomes = db.collection(OUTBOX_OUTCOMES_COLLECTION);
  }

  plan(runId: string): Promise<OutboxRunDocument | null> {
    return this.runs.findOne({ _id: runId });
  }

  async commitPlan(doc: OutboxRunDocument): Promise<OutboxRunDocument> {
    await insertIgnoringDuplicates(this.runs, [doc]);
    return (await this.plan(doc._id)) ?? doc;
  }

  async markCompleted(runId: string, at: Date): Promise<void> {
    await this.runs.updateOne({ _id: runId }, { $set: { completed_at: at } });
  }

  /**
   * Inserts a batch unless it exists. Returns false when its `order_timestamp` is taken by
   * another batch (pick another and retry); true when stored now or by an earlier plan attempt.
   */
  async insertBatch(doc: OutboxBatchDocument): Promise<boolean> {
    try {
      await this.batches.insertOne(doc);
      return true;
    } catch (error) {
      if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
      return (await this.batches.findOne({ _id: doc._id }, { projection: { _id: 1 } })) !== null;
    }
  }

  async orderCount(id: string): Promise<number> {
    return (await this.batches.findOne({ _id: id }, { projection: { order_count: 1 } }))?.order_count ?? 0;
  }

  batch(id: string): Promise<OutboxBatchDocument | null> {
    return this.batches.findOne({ _id: id });
  }

  /** Claims "this batch may have reached the Order Service"; false when an earlier attempt already had. */
  async markSending(id: string, runId: string, at: Date): Promise<boolean> {
    return (await insertIgnoringDuplicates(this.sending, [{ _id: id, run_id: runId, at }])).inserted === 1;
  }

  async isSending(id: string): Promise<boolean> {
    return (await this.sending.findOne({ _id: id }, { projection: { _id: 1 } })) !== null;
  }

  /** Stores a batch's outcome once; a second writer's is dropped (both came from the same facts). */
  async recordOutcome(doc: OutboxOutcomeDocument): Promise<boolean> {
    return (await insertIgnoringDuplicates(this.outcomes, [doc])).inserted === 1;
  }

  outcome(id: string, withResults = false): Promise<OutboxOutcomeDocument | null> {
    return this.outcomes.findOne({ _id: id }, withResults ? {} : { projection: { results_json: 0 } });
  }

  /** Every outcome of a run with its per-order results (tests, exports). */
  outcomesOf(runId: string): Promise<OutboxOutcomeDocument[]> {
    return this.outcomes.find({ run_id: runId }).toArray();
  }

  /** Plans not yet complete (the sweeper re-enqueues their batches). */
  incompletePlans(): Promise<OutboxRunDocument[]> {
    return this.runs.find({ completed_at: null }).toArray();
  }
}

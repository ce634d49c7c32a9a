import type { Db } from 'mongodb';
import { RUN_DECISIONS_COLLECTION } from './run-decisions-repository.js';
import { RUNS_COLLECTION } from './runs-repository.js';

/**
 * Runs whose orders are final and due to be sent, finished since `since`: executed runs created
 * while sending was on (`send_orders`) that completed, and proposals approved while it was on
 * whose orders are all written. Both collections are small (one document per run).
 */
export async function sendableRuns(db: Db, since: Date): Promise<string[]> {
  const [executed, approved] = await Promise.all([
    db
      .collection(RUNS_COLLECTION)
      .find({ send_orders: true, status: { $in: ['completed', 'completed_with_errors'] }, finished_at: { $gt: since } }, { projection: { _id: 1 } })
      .toArray(),
    db
      .collection(RUN_DECISIONS_COLLECTION)
      .find({ decision: 'approved', send: true, orders_written_at: { $gt: since } }, { projection: { _id: 1 } })
      .toArray(),
  ]);
  return [...executed, ...approved].map((d) => String(d._id));
}

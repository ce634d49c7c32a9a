import { MongoBulkWriteError, type Collection, type Document, type OptionalUnlessRequiredId } from 'mongodb';

const DUPLICATE_KEY = 11000;

/** What an idempotent insert did. */
export interface InsertOutcome {
  inserted: number;
  /** Indexes (into the given list) of documents that already existed. */
  duplicates: number[];
}

/**
 * Unordered insert that treats "already there" as success. Re-delivered work writes the same
 * deterministic ids, and an insert on a unique key is atomic on MongoDB and FerretDB v1 alike,
 * whereas an upsert on FerretDB's SQLite backend scans the collection per document (measured:
 * 200 upserts into 10,000 results took over a minute). Any other write error is rethrown.
 */
export async function insertIgnoringDuplicates<T extends Document>(
  collection: Collection<T>,
  docs: readonly OptionalUnlessRequiredId<T>[],
): Promise<InsertOutcome> {
  if (docs.length === 0) return { inserted: 0, duplicates: [] };
  try {
    const result = await collection.insertMany([...docs], { ordered: false });
    return { inserted: result.insertedCount, duplicates: [] };
  } catch (error) {
    if (!(error instanceof MongoBulkWriteError)) throw error;
    const errors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
    // A network or shutdown error also arrives as a MongoBulkWriteError, with no write errors:
    // that is a failed write, not "everything was already there".
    if (errors.length === 0 || errors.some((e) => e.code !== DUPLICATE_KEY)) throw error;
    return { inserted: error.insertedCount, duplicates: errors.map((e) => e.index) };
  }
}

import type { Collection, Document, Filter } from 'mongodb';

/** `_id` reads in flight at once for one page. */
const PARALLEL_READS = 32;

/**
 * Documents by `_id`, in the order of `ids`, missing ones left out. One `findOne` per id, a
 * bounded number at a time: an `_id` equality is the only filter FerretDB v1 (SQLite) pushes
 * down; `$in` and `_id` ranges scan the collection there (see docs/RELIABILITY.md, "Where the
 * test server bends the schema"). On MongoDB each is an index point read.
 */
export async function findByIds<T extends Document & { _id: string }>(collection: Collection<T>, ids: readonly string[]): Promise<T[]> {
  const found: T[] = [];
  for (let start = 0; start < ids.length; start += PARALLEL_READS) {
    const batch = ids.slice(start, start + PARALLEL_READS);
    const docs = await Promise.all(batch.map((id) => collection.findOne({ _id: id } as Filter<T>)));
    for (const doc of docs) if (doc) found.push(doc as unknown as T);
  }
  return found;
}

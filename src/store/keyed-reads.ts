import type { Collection, Db, Document, Filter } from 'mongodb';

/** `_id` reads in flight at once for one page on FerretDB. */
const PARALLEL_READS = 32;

const servers = new WeakMap<Db, Promise<'mongodb' | 'ferretdb'>>();

/** Which server answers: FerretDB says so in `buildInfo`. Asked once per database handle. */
function serverOf(db: Db): Promise<'mongodb' | 'ferretdb'> {
  let known = servers.get(db);
  if (!known) {
    known = db
      .admin()
      .command({ buildInfo: 1 })
      .then((info): 'mongodb' | 'ferretdb' => ('ferretdbVersion' in info ? 'ferretdb' : 'mongodb'))
      .catch((): 'ferretdb' => 'ferretdb');
    servers.set(db, known);
  }
  return known;
}

/**
 * Reads documents by `_id`, the one read this service's pages are built from. On MongoDB a
 * page is one `$in` on the `_id` index. On FerretDB v1 (SQLite) only an `_id` equality is
 * pushed down — `$in` and `_id` ranges scan the whole collection — so there it is one
 * `findOne` per id, a bounded number at a time: with the FerretDB that `scripts/ferretdb.sh`
 * builds, an index search inside SQLite; with an unpatched FerretDB v1.24 a table scan (see
 * docs/RELIABILITY.md, "Where the test server bends the schema").
 */
export class KeyedReads {
  constructor(private readonly db: Db) {}

  /** Documents with these ids, in the order of `ids`; missing ones left out. `projection` as in `find`. */
  async byIds<T extends Document & { _id: string }>(collection: Collection<T>, ids: readonly string[], projection?: Document): Promise<T[]> {
    if (ids.length === 0) return [];
    const docs = (await serverOf(this.db)) === 'mongodb' ? await this.all(collection, ids, projection) : await this.oneByOne(collection, ids, projection);
    const byId = new Map(docs.map((d) => [d._id, d]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  private async all<T extends Document & { _id: string }>(collection: Collection<T>, ids: readonly string[], projection?: Document): Promise<T[]> {
    return (await collection.find({ _id: { $in: [...ids] } } as Filter<T>, projection ? { projection } : {}).toArray()) as unknown as T[];
  }

  private async oneByOne<T extends Document & { _id: string }>(collection: Collection<T>, ids: readonly string[], projection?: Document): Promise<T[]> {
    const found: T[] = [];
    for (let start = 0; start < ids.length; start += PARALLEL_READS) {
      const batch = ids.slice(start, start + PARALLEL_READS);
      const docs = await Promise.all(batch.map((id) => collection.findOne({ _id: id } as Filter<T>, projection ? { projection } : {})));
      for (const doc of docs) if (doc) found.push(doc as unknown as T);
    }
    return found;
  }
}

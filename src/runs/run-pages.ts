import { InvalidInput } from '../errors/index.js';
import { orderId, type OrderDocument } from '../store/orders-repository.js';
import { positionsOf, resultId, type ResultDocument, type ResultStatus } from '../store/results-repository.js';
import type { RunChunkDocument } from '../store/run-documents.js';
import type { ChunkSummaryDocument } from '../store/run-summaries-repository.js';

/** `not_optimal`: every status but optimal. */
export type ResultStatusFilter = ResultStatus | 'not_optimal';

/** Chunks of the plan visited by one page at most; a page that reaches it ends early with a `next`. */
export const MAX_CHUNKS_PER_PAGE = 50;
/** Chunks a page may pass over while skipping an offset (plan and summary reads only). */
export const MAX_SKIP_CHUNKS = 2_000;
/** Chunk summaries asked for at once while walking (small, and kept in memory by the service). */
const SUMMARY_WINDOW = 32;

/** Everything a keyed page reads, each by `_id`. */
export interface PageSources {
  /** The run's planned chunks by index (MongoDB, or the mirror for a run not stored yet). */
  chunks(runId: string, indexes: readonly number[]): Promise<Map<number, RunChunkDocument>>;
  summaries(runId: string, indexes: readonly number[]): Promise<Map<number, ChunkSummaryDocument>>;
  /** With `rows`, results without their positions (table rows). */
  results(ids: readonly string[], rows?: boolean): Promise<ResultDocument[]>;
  orders(ids: readonly string[]): Promise<OrderDocument[]>;
  /**
   * Order ids of an optimal result read as a row (without positions). When given, an orders
   * page walks result rows and asks here (a source may keep the lists: a stored result never
   * changes); when absent, it reads full results and derives them itself.
   */
  orderIds?(row: ResultDocument): Promise<string[]>;
}

/** Where a page starts: an item of a chunk of the plan, and an order of that item's result. */
export interface Cursor {
  chunk: number;
  item: number;
  pos: number;
}

/** A page and the cursor of the next one (null on the last page). */
export interface KeyedPage<T> {
  items: T[];
  next: string | null;
}

const START: Cursor = { chunk: 0, item: 0, pos: 0 };

export function encodeCursor(c: Cursor): string {
  return Buffer.from(`${c.chunk}.${c.item}.${c.pos}`).toString('base64url');
}

/** Throws InvalidInput naming `after` for anything this service did not issue. */
export function decodeCursor(after: string | undefined): Cursor {
  if (after === undefined) return START;
  const m = /^(\d{1,9})\.(\d{1,9})\.(\d{1,9})$/.exec(Buffer.from(after, 'base64url').toString('utf8'));
  if (!m) throw new InvalidInput('after: not a cursor from a previous page (use its "next")', 'after');
  return { chunk: Number(m[1]), item: Number(m[2]), pos: Number(m[3]) };
}

/** A page asked for: `after` a cursor, or (old clients) `offset` matching items in. */
export interface PageRequest {
  after?: string;
  offset: number;
  limit: number;
}

/** What a walk yields: a result and where it stands in the plan. */
interface Step {
  doc: ResultDocument;
  at: Cursor;
}

interface Walk {
  runId: string;
  chunkCount: number;
  status?: ResultStatusFilter;
  modelId?: string;
  /**
   * For a live run: the chunks whose outcome is recorded (the ones its counts include). Only
   * these are walked; a chunk still in flight has nothing to list yet, and reading its results
   * by key would cost one miss per item. Absent: every chunk is walked (a final run).
   */
  done?: ReadonlySet<number>;
  /** Read the results as table rows, without their positions (never for orders: those come from the positions). */
  rows?: boolean;
}

function matches(status: ResultStatus, filter: ResultStatusFilter | undefined): boolean {
  if (!filter) return true;
  return filter === 'not_optimal' ? status !== 'optimal' : status === filter;
}

/** Ids of the chunk's items from `from`, narrowed by the chunk's summary when it knows the statuses. */
function candidates(chunk: RunChunkDocument, walk: Walk, from: number, summary: ChunkSummaryDocument | undefined) {
  const known = summary ? new Map(summary.non_optimal.map((n) => [n.id, n.status] as const)) : undefined;
  const list: { id: string; item: number }[] = [];
  for (let item = from; item < chunk.items.length; item++) {
    const { model_id: modelId, portfolio_id: portfolioId } = chunk.items[item]!;
    if (walk.modelId && modelId !== walk.modelId) continue;
    const id = resultId(walk.runId, modelId, portfolioId);
    if (known && walk.status && !matches(known.get(id) ?? 'optimal', walk.status)) continue;
    list.push({ id, item });
  }
  return list;
}

/** Where a walk starts and how many matching results it passes over first (an old client's offset). */
interface From {
  at: Cursor;
  skip: number;
}

/** Chunks a walk from `first` may visit, in plan order, at most `max` of them. */
function chunksToVisit(walk: Walk, first: number, max: number): number[] {
  if (walk.done) return [...walk.done].filter((i) => i >= first && i < walk.chunkCount).sort((a, b) => a - b).slice(0, max);
  return Array.from({ length: Math.max(0, Math.min(max, walk.chunkCount - first)) }, (_, k) => first + k);
}

/** Whether a chunk's summary shows that none of its results can match a filter on non-optimal statuses. */
function summaryRulesOut(summary: ChunkSummaryDocument, walk: Walk): boolean {
  if (!walk.status || walk.status === 'optimal') return false;
  const ofModel = walk.modelId ? `${walk.runId}:${walk.modelId}:` : '';
  return !summary.non_optimal.some((n) => matches(n.status, walk.status) && n.id.startsWith(ofModel));
}

/**
 * The run's stored results in plan order, read by `_id` only. Each chunk's summary is read
 * first: a chunk it rules out (no result with the asked status) costs no further read, and
 * results it already rules in or out are skipped without a read. Returns the cursor where it
 * stopped: past the end, or after {@link MAX_CHUNKS_PER_PAGE} chunks that needed reads (plus
 * {@link MAX_SKIP_CHUNKS} passed over).
 */
async function* walkResults(src: PageSources, walk: Walk, from: From, batch: number): AsyncGenerator<Step, Cursor> {
  let skip = from.skip;
  let read = 0;
  const todo = chunksToVisit(walk, from.at.chunk, MAX_CHUNKS_PER_PAGE + MAX_SKIP_CHUNKS);
  let pos = 0;
  while (pos < todo.length && read < MAX_CHUNKS_PER_PAGE) {
    const window = todo.slice(pos, pos + SUMMARY_WINDOW);
    const summaries = walk.status ? await src.summaries(walk.runId, window) : new Map<number, ChunkSummaryDocument>();
    for (const index of window) {
      if (read >= MAX_CHUNKS_PER_PAGE) break;
      pos++;
      const summary = summaries.get(index);
      if (summary && summaryRulesOut(summary, walk)) continue;
      const chunk = (await src.chunks(walk.runId, [index])).get(index);
      if (!chunk) continue;
      let list = candidates(chunk, walk, index === from.at.chunk ? from.at.item : 0, summary);
      // The candidates are exact when no status is asked or the summary knows every status.
      if (skip > 0 && (!walk.status || summary)) {
        const passed = Math.min(skip, list.length);
        skip -= passed;
        list = list.slice(passed);
      }
      if (list.length > 0) read++;
      for (let k = 0; k < list.length; k += batch) {
        const slice = list.slice(k, k + batch);
        const byId = new Map((await src.results(slice.map((c) => c.id), walk.rows)).map((d) => [d._id, d]));
        for (const c of slice) {
          const doc = byId.get(c.id);
          if (!doc || !matches(doc.status, walk.status)) continue;
          if (skip > 0) {
            skip--;
            continue;
          }
          yield { doc, at: { chunk: index, item: c.item, pos: index === from.at.chunk && c.item === from.at.item ? from.at.pos : 0 } };
        }
      }
    }
  }
  // Stopped early: resume at the first chunk not visited; else past the last one visited (or the end).
  const resume = pos < todo.length ? todo[pos]! : todo.length === MAX_CHUNKS_PER_PAGE + MAX_SKIP_CHUNKS ? todo.at(-1)! + 1 : walk.chunkCount;
  return { chunk: Math.min(resume, walk.chunkCount), item: 0, pos: 0 };
}

/** One page of a run's results, by key: no scan, no count. */
export async function resultPage(src: PageSources, walk: Walk, page: PageRequest): Promise<KeyedPage<ResultDocument>> {
  const { limit } = page;
  const steps = walkResults(src, walk, { at: decodeCursor(page.after), skip: page.offset }, limit);
  const items: ResultDocument[] = [];
  for (;;) {
    const step = await steps.next();
    if (step.done) return { items, next: step.value.chunk < walk.chunkCount ? encodeCursor(step.value) : null };
    items.push(step.value.doc);
    if (items.length === limit) {
      await steps.return(START);
      return { items, next: encodeCursor({ ...step.value.at, item: step.value.at.item + 1, pos: 0 }) };
    }
  }
}

/** Order ids of an optimal result, in the order its positions are stored. */
export function orderIdsOf(doc: ResultDocument): string[] {
  if (doc.status !== 'optimal' || doc.trade_count === 0) return [];
  return positionsOf(doc)
    .filter((p) => p.transaction_type !== null && p.trade_quantity !== 0)
    .map((p) => orderId(doc.run_id, doc.model_id, doc.portfolio_id, p.security_id));
}

/** One page of a run's orders: the optimal results walked by key, their orders read by `_id`. */
export async function orderPage(
  src: PageSources,
  walk: Walk,
  page: Omit<PageRequest, 'offset'> & { ordersPerResult?: number },
): Promise<KeyedPage<OrderDocument>> {
  const { limit } = page;
  // Read about as many results as the page's orders need (from the run's average), not a fixed batch.
  const batch = Math.min(100, Math.max(1, Math.ceil(limit / Math.max(page.ordersPerResult ?? 1, 1)) + 1));
  const steps = walkResults(src, { ...walk, status: 'optimal', rows: src.orderIds !== undefined }, { at: decodeCursor(page.after), skip: 0 }, batch);
  const ids: string[] = [];
  let next: string | null = null;
  for (;;) {
    const step = await steps.next();
    if (step.done) {
      next = step.value.chunk < walk.chunkCount ? encodeCursor(step.value) : null;
      break;
    }
    const own = src.orderIds ? await src.orderIds(step.value.doc) : orderIdsOf(step.value.doc);
    const from = step.value.at.pos;
    const take = own.slice(from, from + limit - ids.length);
    ids.push(...take);
    if (ids.length === limit) {
      await steps.return(START);
      const at = step.value.at;
      const rest = from + take.length < own.length;
      next = encodeCursor(rest ? { ...at, pos: from + take.length } : { ...at, item: at.item + 1, pos: 0 });
      break;
    }
  }
  const byId = new Map((await src.orders(ids)).map((o) => [o._id, o]));
  return { items: ids.flatMap((id) => byId.get(id) ?? []), next };
}

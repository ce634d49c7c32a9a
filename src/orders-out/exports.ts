import type { Db } from 'mongodb';
import { BlockBook, notionalOf, type Block } from '../core/blocks/aggregate-blocks.js';
import { streamRunOrders } from '../store/run-orders-stream.js';

/** The run's blocks per security and side, from its orders (read once, streamed). */
export async function blocksOf(db: Db, runId: string): Promise<Block[]> {
  const book = new BlockBook();
  for await (const order of streamRunOrders(db, runId)) book.add(order);
  return book.blocks();
}

const ORDER_COLUMNS = ['order_id', 'run_id', 'model_id', 'portfolio_id', 'security_id', 'side', 'quantity', 'price', 'notional', 'trade_date'];
const BLOCK_COLUMNS = ['security_id', 'side', 'quantity', 'accounts', 'allocations', 'price', 'notional'];

/** The run's orders as CSV lines (header first), produced as the cursor is read: memory stays constant. */
export async function* ordersCsv(db: Db, runId: string): AsyncGenerator<string> {
  yield csvLine(ORDER_COLUMNS);
  for await (const o of streamRunOrders(db, runId)) {
    const notional = notionalOf(o.quantity, o.price);
    yield csvLine([o._id, o.run_id, o.model_id, o.portfolio_id, o.security_id, o.transaction_type, String(o.quantity), o.price, notional, o.trade_date.toISOString()]);
  }
}

export async function* blocksCsv(blocks: readonly Block[]): AsyncGenerator<string> {
  yield csvLine(BLOCK_COLUMNS);
  for (const b of blocks) yield csvLine([b.security_id, b.side, String(b.quantity), String(b.accounts), String(b.allocations), b.price ?? '', b.notional]);
}

/** RFC 4180: quote a field holding a comma, quote or line break; CRLF line ends (what spreadsheets expect). */
export function csvLine(fields: readonly string[]): string {
  return fields.map((f) => (/[",\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(',') + '\r\n';
}

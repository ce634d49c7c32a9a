import { scaledText } from '../money/fixed-point.js';

/** Places money is summed at: prices carry up to this many significant fraction digits exactly. */
const PLACES = 18;

/** What a block needs of an order. */
export interface BlockOrder {
  portfolio_id: string;
  security_id: string;
  transaction_type: 'BUY' | 'SELL';
  quantity: number;
  /** Exact decimal text, the run's price for the security. */
  price: string;
}

/** All orders of one security and side in a run, as one order for the trading desk. */
export interface Block {
  security_id: string;
  side: 'BUY' | 'SELL';
  /** Shares, the sum of the allocations. */
  quantity: number;
  /** Distinct portfolios (accounts) allocated. */
  accounts: number;
  /** Orders allocated (a portfolio in two models has two). */
  allocations: number;
  /** Σ quantity × price, exact decimal text. */
  notional: string;
  /** The run's price when every allocation has the same one; null if prices differed between chunks. */
  price: string | null;
}

interface Open {
  security_id: string;
  side: 'BUY' | 'SELL';
  quantity: number;
  accounts: Set<string>;
  allocations: number;
  notional: bigint;
  price: string | null | undefined;
}

/**
 * Sums orders into blocks per security and side, in constant memory per block (plus one entry
 * per account for the distinct count). Feed orders with {@link BlockBook.add}; read with
 * {@link BlockBook.blocks}, sorted by security then side.
 */
export class BlockBook {
  private readonly open = new Map<string, Open>();

  add(order: BlockOrder): void {
    const key = `${order.security_id}:${order.transaction_type}`;
    let block = this.open.get(key);
    if (!block) {
      block = { security_id: order.security_id, side: order.transaction_type, quantity: 0, accounts: new Set(), allocations: 0, notional: 0n, price: undefined };
      this.open.set(key, block);
    }
    block.quantity += order.quantity;
    block.accounts.add(order.portfolio_id);
    block.allocations += 1;
    block.notional += BigInt(order.quantity) * scaledPrice(order.price);
    block.price = block.price === undefined || block.price === order.price ? order.price : null;
  }

  blocks(): Block[] {
    return [...this.open.values()]
      .sort((a, b) => (a.security_id < b.security_id ? -1 : a.security_id > b.security_id ? 1 : a.side < b.side ? -1 : a.side > b.side ? 1 : 0))
      .map((b) => ({
        security_id: b.security_id,
        side: b.side,
        quantity: b.quantity,
        accounts: b.accounts.size,
        allocations: b.allocations,
        notional: scaledText(b.notional, PLACES),
        price: b.price ?? null,
      }));
  }
}

/** quantity × price, exact decimal text. */
export function notionalOf(quantity: number, price: string): string {
  return scaledText(BigInt(quantity) * scaledPrice(price), PLACES);
}

function scaledPrice(price: string): bigint {
  const match = /^(\d+)(?:\.(\d+?))?0*$/.exec(price);
  const fraction = match?.[2] ?? '';
  if (match === null || fraction.length > PLACES) throw new RangeError(`price is not a plain decimal with at most ${PLACES} places: ${price}`);
  return BigInt((match[1] as string) + fraction.padEnd(PLACES, '0'));
}

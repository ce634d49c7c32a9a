import { describe, expect, it } from '@jest/globals';
import { BlockBook, type BlockOrder } from '../../../src/core/blocks/aggregate-blocks.js';

const order = (portfolio_id: string, security_id: string, transaction_type: 'BUY' | 'SELL', quantity: number, price: string): BlockOrder => ({ portfolio_id, security_id, transaction_type, quantity, price });

describe('block orders per security and side', () => {
  it('when orders are added, then blocks sum quantity, count accounts and allocations, and give the exact notional', () => {
    const book = new BlockBook();
    book.add(order('p1', 'sB', 'BUY', 3, '10.10'));
    book.add(order('p2', 'sB', 'BUY', 7, '10.10'));
    book.add(order('p2', 'sB', 'BUY', 1, '10.10'));
    book.add(order('p1', 'sB', 'SELL', 2, '10.10'));
    book.add(order('p3', 'sA', 'SELL', 1_000_000, '0.1'));
    expect(book.blocks()).toEqual([
      { security_id: 'sA', side: 'SELL', quantity: 1_000_000, accounts: 1, allocations: 1, notional: '100000', price: '0.1' },
      { security_id: 'sB', side: 'BUY', quantity: 11, accounts: 2, allocations: 3, notional: '111.1', price: '10.10' },
      { security_id: 'sB', side: 'SELL', quantity: 2, accounts: 1, allocations: 1, notional: '20.2', price: '10.10' },
    ]);
  });

  it('when many sub-cent prices are summed, then the notional has no float drift', () => {
    const book = new BlockBook();
    for (let i = 0; i < 10_000; i++) book.add(order(`p${i}`, 's', 'BUY', 1, '0.1'));
    expect(book.blocks()[0]).toMatchObject({ notional: '1000', accounts: 10_000 });
  });

  it('when chunks priced a security differently, then the block has no single price but an exact notional', () => {
    const book = new BlockBook();
    book.add(order('p1', 's', 'BUY', 2, '1.5'));
    book.add(order('p2', 's', 'BUY', 1, '1.25'));
    expect(book.blocks()[0]).toMatchObject({ price: null, notional: '4.25' });
  });
});

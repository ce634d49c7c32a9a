/**
 * `npm run example:tax`: a small portfolio with tax lots, rebalanced twice — without tax (lots
 * then taken first-in first-out, as a tax-unaware system would) and with tax — printing the
 * lots, the trades, the lot allocations, the drift left and the tax each way. Its output is
 * pasted in docs/TAX.md.
 */
import { Decimal } from 'decimal.js';
import { solveAndDerive, type HoldingInput, type ProblemInput, type RebalanceOutcome } from '../src/core/optimizer/index.js';

const AS_OF = '2026-11-30';
const TAX = { enabled: true, shortTermRate: '0.37', longTermRate: '0.2', asOf: AS_OF };

const book: ProblemInput = {
  cash: '2500.00',
  prices: { AAPL: '190.00', MSFT: '410.00', NVDA: '120.00', VTI: '280.00', XOM: '105.00' },
  holdings: [
    { securityId: 'AAPL', quantity: 120, lots: [
      { lotId: 'AAPL-2019', quantity: 50, unitCost: '45.00', acquired: '2019-03-04' },
      { lotId: 'AAPL-2024', quantity: 40, unitCost: '182.50', acquired: '2024-05-20' },
      { lotId: 'AAPL-2026', quantity: 30, unitCost: '215.00', acquired: '2026-07-01' },
    ] },
    { securityId: 'MSFT', quantity: 40, lots: [
      { lotId: 'MSFT-2020', quantity: 25, unitCost: '160.00', acquired: '2020-02-10' },
      { lotId: 'MSFT-2026', quantity: 15, unitCost: '250.00', acquired: '2026-03-15' },
    ] },
    { securityId: 'NVDA', quantity: 150, lots: [
      { lotId: 'NVDA-2022', quantity: 100, unitCost: '15.00', acquired: '2022-10-03' },
      { lotId: 'NVDA-2026', quantity: 50, unitCost: '135.00', acquired: '2026-09-02' },
    ] },
    { securityId: 'XOM', quantity: 60, lots: [
      { lotId: 'XOM-2023', quantity: 60, unitCost: '118.00', acquired: '2023-01-09' },
    ] },
  ],
  positions: ['AAPL', 'MSFT', 'NVDA', 'VTI', 'XOM'].map((securityId) => ({ securityId, target: '0.19', lowDrift: '0.5', highDrift: '0.5' })),
};

const money = (value: Decimal.Value) => new Decimal(value).toFixed(2).padStart(10);

/** Lots a sell takes oldest first, and the tax they cost. */
function fifo(holding: HoldingInput, sold: number, price: string): { text: string; tax: Decimal } {
  let left = sold;
  let tax = new Decimal(0);
  const parts: string[] = [];
  for (const lot of [...(holding.lots ?? [])].sort((a, b) => a.acquired.localeCompare(b.acquired))) {
    if (left === 0) break;
    const quantity = Math.min(left, lot.quantity);
    left -= quantity;
    const gain = new Decimal(price).minus(lot.unitCost).times(quantity);
    const long = (Date.parse(AS_OF) - Date.parse(lot.acquired)) / 86_400_000 > 365;
    tax = tax.plus(gain.times(long ? TAX.longTermRate : TAX.shortTermRate));
    parts.push(`${lot.lotId} ×${quantity} (${long ? 'long' : 'short'}, gain ${gain.toFixed(2)})`);
  }
  return { text: parts.join(', '), tax };
}

function printTrades(title: string, outcome: RebalanceOutcome, allocate: (securityId: string, quantity: number) => { text: string; tax: Decimal }): Decimal {
  console.log(`\n${title}`);
  let tax = new Decimal(0);
  for (const trade of outcome.trades) {
    const lots = trade.transactionType === 'SELL' ? allocate(trade.securityId, trade.quantity) : { text: '', tax: new Decimal(0) };
    tax = tax.plus(lots.tax);
    console.log(`  ${trade.transactionType.padEnd(4)} ${String(trade.quantity).padStart(4)} ${trade.securityId.padEnd(5)} ${lots.text}`);
  }
  const drift = outcome.positions.reduce((sum, p) => sum.plus(new Decimal(outcome.marketValue).times(p.target).minus(p.adjustedMarketValue).abs()), new Decimal(0));
  console.log(`  drift left Σ|MV·t − u·p| ${money(drift)}   estimated tax ${money(tax)}   cash after ${money(outcome.cashAfter)}`);
  return tax;
}

function main(): void {
  console.log(`Portfolio on ${AS_OF}: cash ${book.cash}, five positions at target 0.19, band ±50 %`);
  for (const holding of book.holdings) {
    console.log(`  ${holding.securityId.padEnd(5)} ${String(holding.quantity).padStart(4)} @ ${book.prices[holding.securityId]}`);
    for (const lot of holding.lots ?? []) console.log(`      lot ${lot.lotId.padEnd(10)} ${String(lot.quantity).padStart(4)} bought ${lot.acquired} at ${lot.unitCost}`);
  }
  const plain = solveAndDerive(book);
  const taxed = solveAndDerive({ ...book, options: { tax: TAX } });
  if (plain.rebalance === undefined || taxed.rebalance === undefined) throw new Error(`not solved: ${plain.reason ?? taxed.reason}`);
  const byId = new Map(book.holdings.map((h) => [h.securityId, h]));
  const fifoTax = printTrades('Without tax (lots first-in first-out):', plain.rebalance, (id, quantity) =>
    fifo(byId.get(id) as HoldingInput, quantity, book.prices[id] as string),
  );
  const rateOf = (term: 'short' | 'long') => (term === 'long' ? TAX.longTermRate : TAX.shortTermRate);
  const runs: [string, string][] = [['1', 'weight 1: a dollar of tax weighs as a dollar of drift'], ['10', 'weight 10: tax held back harder']];
  let first: RebalanceOutcome | undefined;
  for (const [weight, note] of runs) {
    const taxed = solveAndDerive({ ...book, options: { tax: { ...TAX, weight } } });
    if (taxed.rebalance === undefined) throw new Error(`not solved: ${taxed.reason}`);
    first ??= taxed.rebalance;
    const trades = new Map(taxed.rebalance.trades.map((t) => [t.securityId, t]));
    printTrades(`With tax (short 0.37, long 0.2, ${note}):`, taxed.rebalance, (id) => {
      const lots = trades.get(id)?.lots ?? [];
      const tax = lots.reduce((sum, l) => sum.plus(new Decimal(l.realizedGain).times(rateOf(l.term))), new Decimal(0));
      return { text: lots.map((l) => `${l.lotId} ×${l.quantity} (${l.term}, gain ${l.realizedGain})`).join(', '), tax };
    });
    const summary = taxed.rebalance.tax;
    console.log(`  realized: short-term +${summary?.shortTermGain} −${summary?.shortTermLoss}, long-term +${summary?.longTermGain} −${summary?.longTermLoss}; objective ${taxed.objective}`);
  }
  const summary = first?.tax;
  console.log(`\nTax saved at weight 1 versus the tax-unaware rebalance with FIFO lots (same trades): ${fifoTax.minus(summary?.estimatedTax ?? 0).toFixed(2)}`);
}

main();

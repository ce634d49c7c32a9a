/**
 * What the sells of a tax-aware answer realize: per sell, the lots it takes (in sale order, the
 * cheapest tax first: `tax-problem.ts`), and per portfolio the short- and long-term gains and
 * losses and the estimated tax, all exact decimal strings.
 *
 * Computed in doubles while every product and partial sum is a safe integer (each is then exact:
 * a result of safe integers that rounds to a safe integer was one), else again in BigInt.
 */
import { scaledText } from '../../money/fixed-point.js';
import type { LotSale, TaxSummary } from '../types.js';
import type { ScaledProblem, ScaledSecurity } from '../problem.js';
import { lotAt, type ScaledLot, type TaxProblem, type TaxSecurity } from './tax-problem.js';

/** The part of a trade order the allocation reads and fills. */
interface SellOrder {
  securityId: string;
  transactionType: 'BUY' | 'SELL';
  lots?: LotSale[];
}

/** Realized gains and losses at 10^gainPlaces, tax (Σ rate × gain) at 10^(ratePlaces + gainPlaces). */
interface Totals<T extends number | bigint> {
  shortGain: T;
  shortLoss: T;
  longGain: T;
  longLoss: T;
  tax: T;
}

/** One sell and the shares it takes from its security's lots. */
interface Sell {
  trade: SellOrder;
  lots: TaxSecurity;
  sold: number;
}

function lotSale(lot: ScaledLot, quantity: number, gain: number | bigint, places: number): LotSale {
  return { lotId: lot.lotId, quantity, realizedGain: scaledText(gain, places), term: lot.term };
}

/** The lots `sold` shares take, adding what they realize to `totals`; null when a double would not be exact. */
function lotSalesInDoubles(tax: TaxProblem, security: TaxSecurity, sold: number, places: number, totals: Totals<number>): LotSale[] | null {
  const sales: LotSale[] = [];
  let left = sold;
  for (let j = 0; j < security.count; j++) {
    if (left === 0) break;
    const lot = lotAt(tax, security, j);
    const quantity = Math.min(left, lot.quantity);
    left -= quantity;
    const gain = lot.gain * quantity;
    const owed = lot.rate * gain;
    if (lot.term === 'short') {
      if (gain >= 0) totals.shortGain += gain;
      else totals.shortLoss -= gain;
    } else if (gain >= 0) totals.longGain += gain;
    else totals.longLoss -= gain;
    totals.tax += owed;
    // The tax sum is signed: a partial sum out of range could come back into it inexact.
    if (!Number.isSafeInteger(gain) || !Number.isSafeInteger(owed) || !safeTotals(totals)) return null;
    sales.push(lotSale(lot, quantity, gain, places));
  }
  if (left > 0) unsellable(sold);
  return sales;
}

/** As {@link lotSalesInDoubles}, in BigInt. */
function lotSalesInBigInt(tax: TaxProblem, security: TaxSecurity, sold: number, places: number, totals: Totals<bigint>): LotSale[] {
  const sales: LotSale[] = [];
  let left = sold;
  for (let j = 0; j < security.count; j++) {
    if (left === 0) break;
    const lot = lotAt(tax, security, j);
    const quantity = Math.min(left, lot.quantity);
    left -= quantity;
    const gain = BigInt(lot.gain) * BigInt(quantity);
    if (lot.term === 'short') {
      if (gain >= 0n) totals.shortGain += gain;
      else totals.shortLoss -= gain;
    } else if (gain >= 0n) totals.longGain += gain;
    else totals.longLoss -= gain;
    totals.tax += BigInt(lot.rate) * gain;
    sales.push(lotSale(lot, quantity, gain, places));
  }
  if (left > 0) unsellable(sold);
  return sales;
}

// The search never sells below the unsellable lots (`security-cost.ts`), so this cannot happen.
function unsellable(sold: number): never {
  throw new Error(`sell of ${sold} shares exceeds the sellable lots`);
}

/** Whether every total is still a safe integer (so exact: see the file comment). */
function safeTotals(totals: Totals<number>): boolean {
  return (
    Number.isSafeInteger(totals.shortGain) &&
    Number.isSafeInteger(totals.shortLoss) &&
    Number.isSafeInteger(totals.longGain) &&
    Number.isSafeInteger(totals.longLoss) &&
    Number.isSafeInteger(totals.tax)
  );
}

/** Fills every sell's lots; the totals, in doubles when all of it was exact in doubles. */
function allocate(tax: TaxProblem, sells: readonly Sell[], places: number): Totals<number> | Totals<bigint> {
  const totals: Totals<number> = { shortGain: 0, shortLoss: 0, longGain: 0, longLoss: 0, tax: 0 };
  let exact = true;
  for (const sell of sells) {
    const sales = lotSalesInDoubles(tax, sell.lots, sell.sold, places, totals);
    if (sales === null) {
      exact = false;
      break;
    }
    sell.trade.lots = sales;
  }
  if (exact) return totals;
  const big: Totals<bigint> = { shortGain: 0n, shortLoss: 0n, longGain: 0n, longLoss: 0n, tax: 0n };
  for (const sell of sells) sell.trade.lots = lotSalesInBigInt(tax, sell.lots, sell.sold, places, big);
  return big;
}

/**
 * Adds the lot allocation to every sell of a security with lots and returns the portfolio's
 * tax summary. `trades` are those of `quantities`, in problem order.
 */
export function taxOutcome(problem: ScaledProblem, tax: TaxProblem, quantities: ArrayLike<number>, trades: SellOrder[]): TaxSummary {
  const sells: Sell[] = [];
  const securities = problem.securities;
  let next = 0;
  for (let i = 0; i < securities.length && next < trades.length; i++) {
    const security = securities[i] as ScaledSecurity;
    const trade = trades[next] as SellOrder;
    if (trade.securityId !== security.id) continue;
    next++;
    const lots = tax.securities[i];
    if (lots === null || lots === undefined || trade.transactionType !== 'SELL') continue;
    sells.push({ trade, lots, sold: security.current - (quantities[i] as number) });
  }
  const places = tax.gainPlaces;
  const totals = allocate(tax, sells, places);
  return {
    shortTermGain: scaledText(totals.shortGain, places),
    shortTermLoss: scaledText(totals.shortLoss, places),
    longTermGain: scaledText(totals.longGain, places),
    longTermLoss: scaledText(totals.longLoss, places),
    estimatedTax: scaledText(totals.tax, places + tax.ratePlaces),
  };
}

/**
 * What the sells of a tax-aware answer realize: per sell, the lots it takes (in sale order, the
 * cheapest tax first: `tax-problem.ts`), and per portfolio the short- and long-term gains and
 * losses and the estimated tax, all exact decimal strings.
 */
import { scaledText } from '../../money/fixed-point.js';
import type { LotSale, TaxSummary } from '../types.js';
import type { ScaledProblem, ScaledSecurity } from '../problem.js';
import type { TaxProblem, TaxSecurity } from './tax-problem.js';

/** The part of a trade order the allocation reads and fills. */
interface SellOrder {
  securityId: string;
  transactionType: 'BUY' | 'SELL';
  lots?: LotSale[];
}

interface Totals {
  shortGain: bigint;
  shortLoss: bigint;
  longGain: bigint;
  longLoss: bigint;
  /** Σ rate × gain at 10^(ratePlaces + gainPlaces). */
  tax: bigint;
}

/** The lots `sold` shares take, adding what they realize to `totals`. */
function lotSales(security: TaxSecurity, sold: number, places: number, totals: Totals): LotSale[] {
  const sales: LotSale[] = [];
  let left = sold;
  for (const lot of security.lots) {
    if (left === 0) break;
    const quantity = Math.min(left, lot.quantity);
    left -= quantity;
    const gain = BigInt(lot.gain) * BigInt(quantity);
    if (lot.term === 'short') {
      if (gain >= 0n) totals.shortGain += gain;
      else totals.shortLoss -= gain;
    } else if (gain >= 0n) totals.longGain += gain;
    else totals.longLoss -= gain;
    totals.tax += BigInt(lot.rate) * gain;
    sales.push({ lotId: lot.lotId, quantity, realizedGain: scaledText(gain, places), term: lot.term });
  }
  // The search never sells below the unsellable lots (`security-cost.ts`), so this cannot happen.
  if (left > 0) throw new Error(`sell of ${sold} shares exceeds the sellable lots`);
  return sales;
}

/**
 * Adds the lot allocation to every sell of a security with lots and returns the portfolio's
 * tax summary. `trades` are those of `quantities`, in problem order.
 */
export function taxOutcome(problem: ScaledProblem, tax: TaxProblem, quantities: ArrayLike<number>, trades: SellOrder[]): TaxSummary {
  const totals: Totals = { shortGain: 0n, shortLoss: 0n, longGain: 0n, longLoss: 0n, tax: 0n };
  const byId = new Map(trades.map((trade) => [trade.securityId, trade]));
  problem.securities.forEach((security: ScaledSecurity, i) => {
    const lots = tax.securities[i];
    const trade = byId.get(security.id);
    if (lots === null || lots === undefined || trade?.transactionType !== 'SELL') return;
    trade.lots = lotSales(lots, security.current - (quantities[i] as number), tax.gainPlaces, totals);
  });
  const places = tax.gainPlaces;
  return {
    shortTermGain: scaledText(totals.shortGain, places),
    shortTermLoss: scaledText(totals.shortLoss, places),
    longTermGain: scaledText(totals.longGain, places),
    longTermLoss: scaledText(totals.longLoss, places),
    estimatedTax: scaledText(totals.tax, places + tax.ratePlaces),
  };
}

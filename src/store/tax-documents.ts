/**
 * How tax results are stored: a sell's lot allocation (inside its stored position and on its
 * order) and a result's realized gains and estimated tax. snake_case like every stored field;
 * absent whenever a run has no tax data, so such documents are exactly what they were before.
 */
import type { LotSale, TaxSummary } from '../core/optimizer/index.js';

/** The part of a sell taken from one lot; `realized_gain` is an exact decimal string, negative for a loss. */
export interface StoredLotSale {
  lot_id: string;
  quantity: number;
  realized_gain: string;
  term: 'short' | 'long';
}

/** A portfolio's realized gains and losses (losses as sizes ≥ 0) and the tax they cost; exact decimal strings. */
export interface StoredTaxSummary {
  short_term_gain: string;
  short_term_loss: string;
  long_term_gain: string;
  long_term_loss: string;
  estimated_tax: string;
}

export function storedLotSales(lots: readonly LotSale[]): StoredLotSale[] {
  return lots.map((l) => ({ lot_id: l.lotId, quantity: l.quantity, realized_gain: l.realizedGain, term: l.term }));
}

export function storedTaxSummary(tax: TaxSummary): StoredTaxSummary {
  return {
    short_term_gain: tax.shortTermGain,
    short_term_loss: tax.shortTermLoss,
    long_term_gain: tax.longTermGain,
    long_term_loss: tax.longTermLoss,
    estimated_tax: tax.estimatedTax,
  };
}

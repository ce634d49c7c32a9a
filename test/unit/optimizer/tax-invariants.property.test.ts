import { describe, expect, it } from '@jest/globals';
import { Decimal } from 'decimal.js';
import { solveAndDerive, type ProblemInput, type TaxOptions } from '../../../src/core/optimizer/index.js';
import { generate, type Shape } from '../../support/oracle/generator.js';
import { generateHardBook } from '../../support/oracle/hard-books.js';
import { AS_OF, withTax } from '../../support/oracle/tax-lots.js';

const ALL: Shape['options'] = ['reserve', 'minTrade', 'lots', 'restricted', 'band'];
const DAY = 86_400_000;
const daysBefore = (date: string) => (Date.parse(`${AS_OF}T00:00:00Z`) - Date.parse(`${date}T00:00:00Z`)) / DAY;

function books(count: number): ProblemInput[] {
  const list: ProblemInput[] = [];
  for (let seed = 1; seed <= count; seed++) {
    const base = seed % 3 === 0
      ? generateHardBook(80_000 + seed, { n: 10 + (seed % 40) })
      : generate(seed, { n: 2 + (seed % 40), marketValue: [1e3, 1e6], options: seed % 2 === 0 ? ALL : [] });
    // Every tenth book has up to 60 lots a holding: past 32 the sale order is sorted, not built by insertion.
    list.push(withTax(base, 700_000 + seed, { maxLots: seed % 10 === 0 ? 60 : 1 + (seed % 20) }));
  }
  return list;
}

/** Objective cost per share of a lot, read independently of the optimizer. */
function perShare(price: string, unitCost: string, acquired: string, tax: TaxOptions): Decimal {
  const gain = new Decimal(price).minus(unitCost);
  const rate = daysBefore(acquired) > (tax.longTermDays ?? 365) ? tax.longTermRate : tax.shortTermRate;
  const taxed = gain.isNegative() && !(tax.harvestLosses ?? false) ? new Decimal(0) : gain;
  return taxed.times(rate).times(tax.weight ?? '1');
}

describe('tax-aware results: invariants on seeded books', () => {
  const inputs = books(250);
  const answers = new Map<ProblemInput, ReturnType<typeof solveAndDerive>>();
  const solvedOf = (input: ProblemInput) => {
    let answer = answers.get(input);
    if (answer === undefined) {
      answer = solveAndDerive(input, { deadlineAt: Date.now() + 10_000 });
      answers.set(input, answer);
    }
    return answer;
  };

  it('when sells take lots, then no lot is oversold, the lots sum to the sell and no lot is sold while a cheaper one is left', () => {
    let sells = 0;
    for (const input of inputs) {
      const solved = solvedOf(input);
      if (solved.rebalance === undefined) continue;
      const tax = input.options?.tax as TaxOptions;
      for (const trade of solved.rebalance.trades) {
        const holding = input.holdings.find((h) => h.securityId === trade.securityId);
        if (trade.transactionType === 'BUY' || holding?.lots === undefined) {
          expect(trade.lots).toBeUndefined();
          continue;
        }
        sells++;
        const lots = trade.lots ?? [];
        expect(lots.reduce((sum, sale) => sum + sale.quantity, 0)).toBe(trade.quantity);
        const price = input.prices[trade.securityId] as string;
        const left = new Map(holding.lots.map((lot) => [lot.lotId, lot.quantity]));
        for (const sale of lots) {
          const lot = holding.lots.find((l) => l.lotId === sale.lotId);
          expect(lot).toBeDefined();
          expect(sale.quantity).toBeGreaterThan(0);
          expect(sale.quantity).toBeLessThanOrEqual(lot?.quantity ?? 0);
          left.set(sale.lotId, (left.get(sale.lotId) ?? 0) - sale.quantity);
          expect(sale.realizedGain).toBe(new Decimal(price).minus(lot?.unitCost ?? 0).times(sale.quantity).toFixed());
        }
        const costOf = (lotId: string) => {
          const lot = holding.lots?.find((l) => l.lotId === lotId);
          return perShare(price, lot?.unitCost ?? '0', lot?.acquired ?? AS_OF, tax);
        };
        const dearestSold = Decimal.max(...lots.map((sale) => costOf(sale.lotId)));
        for (const lot of holding.lots) {
          const washed = new Decimal(price).lt(lot.unitCost) && daysBefore(lot.acquired) <= (tax.washSaleDays ?? 30);
          if ((left.get(lot.lotId) ?? 0) > 0 && !washed) expect(costOf(lot.lotId).gte(dearestSold)).toBe(true);
        }
      }
    }
    expect(sells).toBeGreaterThan(80);
  });

  it('when the wash-sale rules apply, then a security sold at a loss in the window is not bought and a lot bought in the window is not sold at a loss', () => {
    let checked = 0;
    for (const input of inputs) {
      const solved = solvedOf(input);
      if (solved.rebalance === undefined) continue;
      const tax = input.options?.tax as TaxOptions;
      const window = tax.washSaleDays ?? 30;
      for (const trade of solved.rebalance.trades) {
        const lossSale = (input.recentSales ?? []).some(
          (sale) => sale.securityId === trade.securityId && sale.realizedGain.startsWith('-') && daysBefore(sale.date) <= window,
        );
        if (lossSale) {
          checked++;
          expect(trade.transactionType).toBe('SELL');
        }
        const holding = input.holdings.find((h) => h.securityId === trade.securityId);
        for (const sale of trade.lots ?? []) {
          const lot = holding?.lots?.find((l) => l.lotId === sale.lotId);
          if (lot !== undefined && daysBefore(lot.acquired) <= window) expect(sale.realizedGain.startsWith('-')).toBe(false);
        }
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('when the tax summary is given, then it adds up the realized gains of the lots sold and the estimated tax is rate × gain', () => {
    for (const input of inputs.slice(0, 150)) {
      const solved = solvedOf(input);
      if (solved.rebalance === undefined) continue;
      const tax = input.options?.tax as TaxOptions;
      const sum = { short: [new Decimal(0), new Decimal(0)], long: [new Decimal(0), new Decimal(0)] };
      for (const sale of solved.rebalance.trades.flatMap((t) => t.lots ?? [])) {
        const gain = new Decimal(sale.realizedGain);
        const side = sum[sale.term];
        if (gain.isNegative()) side[1] = (side[1] as Decimal).minus(gain);
        else side[0] = (side[0] as Decimal).plus(gain);
      }
      const summary = solved.rebalance.tax;
      expect(summary).toEqual({
        shortTermGain: (sum.short[0] as Decimal).toFixed(),
        shortTermLoss: (sum.short[1] as Decimal).toFixed(),
        longTermGain: (sum.long[0] as Decimal).toFixed(),
        longTermLoss: (sum.long[1] as Decimal).toFixed(),
        estimatedTax: (sum.short[0] as Decimal).minus(sum.short[1] as Decimal).times(tax.shortTermRate)
          .plus((sum.long[0] as Decimal).minus(sum.long[1] as Decimal).times(tax.longTermRate)).toFixed(),
      });
    }
  });
});

describe('tax disabled or no lots: results as without tax', () => {
  const strip = (input: ProblemInput): ProblemInput => ({
    ...input,
    holdings: input.holdings.map(({ securityId, quantity }) => ({ securityId, quantity })),
    recentSales: undefined,
    options: { ...input.options, tax: undefined },
  });
  const same = (a: ReturnType<typeof solveAndDerive>, b: ReturnType<typeof solveAndDerive>) => {
    expect({ ...a, solveMs: 0 }).toEqual({ ...b, solveMs: 0 });
  };

  it('when tax is absent or disabled, then the result is identical with or without lots and recent sales', () => {
    for (const input of books(150)) {
      const plain = solveAndDerive(strip(input));
      const tax = input.options?.tax as TaxOptions;
      same(solveAndDerive({ ...input, options: { ...input.options, tax: { ...tax, enabled: false } } }), plain);
      same(solveAndDerive({ ...input, options: { ...input.options, tax: undefined } }), plain);
    }
  });

  it('when tax is enabled but no holding has lots and nothing was sold recently, then quantities, objective and trades are as without tax', () => {
    let compared = 0;
    for (const input of books(150)) {
      const plain = solveAndDerive(strip(input), { deadlineAt: Date.now() + 10_000 });
      const taxed = solveAndDerive({ ...strip(input), options: { ...input.options } }, { deadlineAt: Date.now() + 10_000 });
      if (plain.status === 'timeout' || taxed.status === 'timeout') continue;
      compared++;
      expect(taxed.status).toBe(plain.status);
      expect(taxed.quantities).toEqual(plain.quantities);
      expect(taxed.objective).toBe(plain.objective);
      expect(taxed.rebalance?.trades).toEqual(plain.rebalance?.trades);
      expect(taxed.rebalance?.positions).toEqual(plain.rebalance?.positions);
    }
    expect(compared).toBeGreaterThan(120);
  });
});

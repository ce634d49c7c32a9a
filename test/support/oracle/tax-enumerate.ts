/**
 * Exhaustive tax-aware oracle for small problems, independent of the optimizer's tax code: every
 * allowed whole quantity of every security (bands, options and wash-sale rules read here with
 * decimal.js), and for each the least tax over every choice of lots (a dynamic program over the
 * lots, not the optimizer's sale order). Finds the lexicographic best (objective, trades,
 * turnover), objective = Σ|MV·t − u·p| + weight × tax.
 */
import { Decimal } from 'decimal.js';
import type { ProblemInput, TaxOptions } from '../../../src/core/optimizer/index.js';
import { allowed, readOracle, term, type OracleProblem, type OracleSecurity } from './exact.js';

const D = Decimal.clone({ precision: 80 });
type D = InstanceType<typeof D>;

const PLACES = 14;
const FACTOR = new D(10).pow(PLACES);

export interface TaxEnumerated {
  status: 'optimal' | 'infeasible';
  quantities: number[];
  key: [bigint, number, bigint];
  /** The objective is key[0] / 10^places. */
  places: number;
}

interface Candidate {
  u: number;
  cost: bigint;
  spend: bigint;
  traded: number;
  turnover: bigint;
}

const dayOf = (date: string) => Date.parse(`${date}T00:00:00Z`) / 86_400_000;
const scaled = (value: D) => BigInt(value.times(FACTOR).toFixed(0));

/**
 * Least objective tax of selling k shares, for k = 0..sellable, over every split across lots:
 * best'[k] = min over x ≤ min(q, k) of best[k − x] + x·c = k·c + min over j in [k − q, k] of
 * (best[j] − j·c), a sliding-window minimum (monotone deque), so O(lots × shares).
 */
function leastTax(lots: { quantity: number; perShare: bigint }[]): bigint[] {
  let best: bigint[] = [0n];
  for (const lot of lots) {
    const c = lot.perShare;
    const next: bigint[] = [];
    const window: number[] = [];
    const keyOf = (j: number) => (best[j] as bigint) - BigInt(j) * c;
    for (let k = 0; k < best.length + lot.quantity; k++) {
      if (k < best.length) {
        while (window.length > 0 && keyOf(window[window.length - 1] as number) >= keyOf(k)) window.pop();
        window.push(k);
      }
      while ((window[0] as number) < k - lot.quantity) window.shift();
      next.push(BigInt(k) * c + keyOf(window[0] as number));
    }
    best = next;
  }
  return best;
}

interface TaxSide {
  /** Least tax of selling k shares; k beyond the list is not allowed (unsellable lots). */
  tax: bigint[] | null;
  noBuy: boolean;
  lots: { quantity: number; perShare: bigint }[] | null;
}

function taxSide(input: ProblemInput, s: OracleSecurity, options: TaxOptions): TaxSide {
  const asOf = dayOf(options.asOf);
  const window = options.washSaleDays ?? 30;
  const noBuy = (input.recentSales ?? []).some(
    (sale) => sale.securityId === s.id && new D(sale.realizedGain).isNegative() && !new D(sale.realizedGain).isZero() && dayOf(sale.date) <= asOf && asOf - dayOf(sale.date) <= window,
  );
  const lots = input.holdings.find((h) => h.securityId === s.id)?.lots;
  if (lots === undefined) return { tax: null, noBuy, lots: null };
  const weight = new D(options.weight ?? '1');
  const sellable = lots.flatMap((lot) => {
    const gain = s.price.minus(lot.unitCost);
    const held = asOf - dayOf(lot.acquired);
    if (gain.isNegative() && held <= window) return [];
    const rate = new D(held > (options.longTermDays ?? 365) ? options.longTermRate : options.shortTermRate);
    const taxed = gain.isNegative() && !(options.harvestLosses ?? false) ? new D(0) : gain;
    return [{ quantity: lot.quantity, perShare: scaled(weight.times(rate).times(taxed)) }];
  });
  return { tax: leastTax(sellable), noBuy, lots: sellable };
}

/** Exact objective (× 10^PLACES) of whole quantities, or null when they break a rule or the cash. */
export function judgeTax(input: ProblemInput, quantities: number[]): bigint | null {
  const options = input.options?.tax as TaxOptions;
  const problem = readOracle(input);
  let cost = 0n;
  let spend = new D(0);
  for (const [i, s] of problem.securities.entries()) {
    const u = quantities[i] as number;
    const side = taxSide(input, s, options);
    if (!allowed(problem, s, u) || (side.noBuy && u > s.held)) return null;
    const tax = side.tax === null ? 0n : side.tax[Math.max(0, s.held - u)];
    if (tax === undefined) return null;
    cost += scaled(term(problem, s, u)) + tax;
    spend = spend.plus(s.price.times(u));
  }
  return spend.lte(problem.budget) ? cost : null;
}

/** Per security: its objective cost per share of every sellable lot, and whether it may be bought. */
export function taxLotsOf(input: ProblemInput): { noBuy: boolean; lots: { quantity: number; perShare: string }[] | null }[] {
  const options = input.options?.tax as TaxOptions;
  const problem = readOracle(input);
  return problem.securities.map((s) => {
    const side = taxSide(input, s, options);
    return { noBuy: side.noBuy, lots: side.lots?.map((lot) => ({ quantity: lot.quantity, perShare: new D(lot.perShare.toString()).div(FACTOR).toString() })) ?? null };
  });
}

function candidates(input: ProblemInput, problem: OracleProblem, options: TaxOptions): Candidate[][] {
  return problem.securities.map((s) => {
    const side = taxSide(input, s, options);
    const list: Candidate[] = [];
    for (let u = Math.max(0, s.low); u <= s.high; u++) {
      if (!allowed(problem, s, u) || (side.noBuy && u > s.held)) continue;
      const sold = Math.max(0, s.held - u);
      const tax = side.tax === null ? 0n : side.tax[sold];
      if (tax === undefined) continue;
      list.push({
        u,
        cost: scaled(term(problem, s, u)) + tax,
        spend: scaled(s.price.times(u)),
        traded: u === s.held ? 0 : 1,
        turnover: scaled(s.price.times(Math.abs(u - s.held))),
      });
    }
    return list.sort((a, b) => (a.cost < b.cost ? -1 : a.cost > b.cost ? 1 : a.u - b.u));
  });
}

function better(a: [bigint, number, bigint], b: [bigint, number, bigint] | null): boolean {
  if (b === null) return true;
  if (a[0] !== b[0]) return a[0] < b[0];
  if (a[1] !== b[1]) return a[1] < b[1];
  return a[2] < b[2];
}

/** Solves a tax-enabled `input` by enumeration. Throws if the search is too large for an oracle. */
export function enumerateTax(input: ProblemInput, maxNodes = 5_000_000): TaxEnumerated {
  const options = input.options?.tax as TaxOptions;
  const problem = readOracle(input);
  const lists = candidates(input, problem, options);
  const budget = scaled(problem.budget);
  const n = lists.length;
  const minCost: bigint[] = new Array<bigint>(n + 1).fill(0n);
  const minSpend: bigint[] = new Array<bigint>(n + 1).fill(0n);
  for (let i = n - 1; i >= 0; i--) {
    const list = lists[i] as Candidate[];
    minCost[i] = (minCost[i + 1] as bigint) + (list[0]?.cost ?? 0n);
    minSpend[i] = (minSpend[i + 1] as bigint) + list.reduce((m, c) => (c.spend < m ? c.spend : m), list[0]?.spend ?? 0n);
  }
  let best: [bigint, number, bigint] | null = null;
  let bestPath: number[] = [];
  const path: number[] = [];
  let nodes = 0;
  const visit = (i: number, cost: bigint, spend: bigint, trades: number, turnover: bigint): void => {
    if (++nodes > maxNodes) throw new Error('enumeration too large for an oracle');
    if (spend + (minSpend[i] as bigint) > budget) return;
    if (best !== null && cost + (minCost[i] as bigint) > best[0]) return;
    if (i === n) {
      const key: [bigint, number, bigint] = [cost, trades, turnover];
      if (better(key, best)) {
        best = key;
        bestPath = [...path];
      }
      return;
    }
    for (const c of lists[i] as Candidate[]) {
      path.push(c.u);
      visit(i + 1, cost + c.cost, spend + c.spend, trades + c.traded, turnover + c.turnover);
      path.pop();
    }
  };
  if (lists.every((list) => list.length > 0)) visit(0, 0n, 0n, 0, 0n);
  if (best === null) return { status: 'infeasible', quantities: [], key: [0n, 0, 0n], places: PLACES };
  return { status: 'optimal', quantities: bestPath, key: best, places: PLACES };
}

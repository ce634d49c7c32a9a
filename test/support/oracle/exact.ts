/**
 * The oracle's own exact reading of a problem, straight from the decimal strings with decimal.js
 * (no shared code with the optimizer's scaling), so a scaling bug cannot hide in both.
 */
import { Decimal } from 'decimal.js';
import type { ProblemInput } from '../../../src/core/optimizer/index.js';

const D = Decimal.clone({ precision: 80 });
type D = InstanceType<typeof D>;

export interface OracleSecurity {
  id: string;
  price: D;
  held: number;
  target: D;
  /** Whole-share band (low may exceed high). */
  low: number;
  high: number;
  lot: number;
  noBuy: boolean;
  noSell: boolean;
  heldInBand: boolean;
}

export interface OracleProblem {
  securities: OracleSecurity[];
  marketValue: D;
  /** Money available for positions: market value − reserve. */
  budget: D;
  minTrade: D;
  bandMode: boolean;
}

export function readOracle(input: ProblemInput): OracleProblem {
  const options = input.options ?? {};
  const model = new Map(input.positions.map((p) => [p.securityId, p]));
  const held = new Map(input.holdings.map((h) => [h.securityId, h.quantity]));
  const ids = [...new Set([...model.keys(), ...held.keys()])].sort();
  let marketValue = new D(input.cash);
  for (const [id, quantity] of held) marketValue = marketValue.plus(new D(input.prices[id] as string).times(quantity));
  const securities = ids.map((id): OracleSecurity => {
    const position = model.get(id);
    const price = new D(input.prices[id] as string);
    const target = new D(position?.target ?? 0);
    const lowValue = marketValue.times(target.minus(position?.lowDrift ?? 0));
    const highValue = marketValue.times(target.plus(position?.highDrift ?? 0));
    const low = Decimal.max(0, lowValue.div(price).ceil()).toNumber();
    const high = highValue.div(price).floor().toNumber();
    const quantity = held.get(id) ?? 0;
    return {
      id,
      price,
      held: quantity,
      target,
      low,
      high,
      lot: options.lotSizes?.[id] ?? 1,
      noBuy: options.noBuy?.includes(id) ?? false,
      noSell: options.noSell?.includes(id) ?? false,
      heldInBand: quantity >= low && quantity <= high,
    };
  });
  return {
    securities,
    marketValue,
    budget: marketValue.minus(options.cashReserve ?? 0),
    minTrade: new D(options.minTradeValue ?? 0),
    bandMode: options.mode === 'band',
  };
}

/** Whether security `s` may end at `u` shares (everything but cash). */
export function allowed(problem: OracleProblem, s: OracleSecurity, u: number): boolean {
  if (u < s.low || u > s.high || u < 0) return false;
  if ((u - s.held) % s.lot !== 0) return false;
  if (s.noBuy && u > s.held) return false;
  if (s.noSell && u < s.held) return false;
  if (u === s.held) return true;
  if (problem.bandMode && s.heldInBand) return false;
  return !(s.heldInBand && s.price.times(Math.abs(u - s.held)).lt(problem.minTrade));
}

/** |MV·t − u·p|. */
export function term(problem: OracleProblem, s: OracleSecurity, u: number): D {
  return problem.marketValue.times(s.target).minus(s.price.times(u)).abs();
}

/** Exact objective and cash check of a full allocation (per security, sorted by id). */
export function judge(problem: OracleProblem, quantities: number[]): { feasible: boolean; objective: D } {
  let objective = new D(0);
  let spend = new D(0);
  let feasible = true;
  problem.securities.forEach((s, i) => {
    const u = quantities[i] as number;
    if (!Number.isSafeInteger(u) || !allowed(problem, s, u)) feasible = false;
    objective = objective.plus(term(problem, s, u));
    spend = spend.plus(s.price.times(u));
  });
  return { feasible: feasible && spend.lte(problem.budget), objective };
}

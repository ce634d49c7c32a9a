/**
 * HiGHS as the tax-aware oracle for N up to a few hundred: the plain formulation of `highs.ts`
 * (trade units z, |·| split in two) plus, per security with lots, one integer variable per lot
 * sold (shares taken from it, at weight × rate × gain each), z = buy − sell with a binary so
 * that only a real sell takes lots. Its answer is judged exactly (`judgeTax`: least tax over
 * every split across lots); anything that does not check out, or hit the time limit, is
 * "inconclusive". No minimum trade value here (the enumeration oracle covers it).
 */
import { Decimal } from 'decimal.js';
import type { ProblemInput } from '../../../src/core/optimizer/index.js';
import { readOracle } from './exact.js';
import { loadHighs, lpFile, zBounds } from './highs.js';
import { judgeTax, taxLotsOf } from './tax-enumerate.js';

export interface TaxHighsVerdict {
  status: 'optimal' | 'infeasible' | 'inconclusive';
  /** Exact objective of HiGHS's quantities × 10^14. */
  objective: bigint | null;
  detail: string;
}

const num = (value: { toString(): string }) => Number(value.toString());

function lpText(input: ProblemInput): { text: string; empty: boolean } {
  const problem = readOracle(input);
  const taxes = taxLotsOf(input);
  const rows: string[] = [];
  const bounds: string[] = [];
  const ints: string[] = [];
  const objective: string[] = [];
  const cash: string[] = [];
  let empty = false;
  problem.securities.forEach((s, i) => {
    const tax = taxes[i] as (typeof taxes)[number];
    const [low, zHigh] = zBounds(s, problem.bandMode);
    const high = tax.noBuy ? Math.min(zHigh, 0) : zHigh;
    if (low > high) empty = true;
    const unit = num(s.price.times(s.lot));
    const gap = num(problem.marketValue.times(s.target).minus(s.price.times(s.held)));
    rows.push(` o${i}: e${i} + ${unit} z${i} >= ${gap}`, ` n${i}: e${i} - ${unit} z${i} >= ${-gap}`);
    bounds.push(` ${low} <= z${i} <= ${high}`);
    ints.push(`z${i}`);
    objective.push(`e${i}`);
    cash.push(`${unit} z${i}`);
    if (tax.lots === null || low >= 0) return;
    const sells = Math.max(0, -low);
    rows.push(` t${i}: z${i} - b${i} + m${i} = 0`, ` bu${i}: b${i} + ${Math.max(high, 0)} y${i} <= ${Math.max(high, 0)}`, ` mu${i}: m${i} - ${sells} y${i} <= 0`);
    bounds.push(` 0 <= b${i} <= ${Math.max(high, 0)}`, ` 0 <= m${i} <= ${sells}`, ` 0 <= y${i} <= 1`);
    ints.push(`b${i}`, `m${i}`, `y${i}`);
    const taken = tax.lots.map((lot, j) => {
      bounds.push(` 0 <= s${i}_${j} <= ${lot.quantity}`);
      ints.push(`s${i}_${j}`);
      if (Number(lot.perShare) !== 0) objective.push(`${new Decimal(lot.perShare).toFixed(12)} s${i}_${j}`);
      return `s${i}_${j}`;
    });
    rows.push(` l${i}: ${taken.length > 0 ? taken.join(' + ') : '0 y' + i} - ${s.lot} m${i} = 0`);
  });
  const text = lpFile(problem, objective.join(' + ').replace(/\+ -/g, '- '), rows, cash, bounds, ints);
  return { text, empty };
}

/** Solves a tax-enabled `input` with HiGHS and judges the answer exactly. */
export async function solveTaxWithHighs(input: ProblemInput, timeLimitSeconds = 20): Promise<TaxHighsVerdict> {
  const highs = await loadHighs();
  const { text, empty } = lpText(input);
  if (empty) return { status: 'infeasible', objective: null, detail: 'empty integer bounds' };
  const answer = highs.solve(text, { presolve: 'on', mip_rel_gap: 0, time_limit: timeLimitSeconds }) as {
    Status: string;
    Columns: Record<string, { Primal: number }>;
  };
  if (answer.Status === 'Infeasible') return { status: 'infeasible', objective: null, detail: answer.Status };
  if (answer.Status !== 'Optimal') return { status: 'inconclusive', objective: null, detail: answer.Status };
  const problem = readOracle(input);
  const quantities = problem.securities.map((s, i) => s.held + s.lot * Math.round(answer.Columns[`z${i}`]?.Primal ?? 0));
  const objective = judgeTax(input, quantities);
  if (objective === null) return { status: 'inconclusive', objective: null, detail: 'HiGHS answer fails the exact check' };
  return { status: 'optimal', objective, detail: answer.Status };
}

/**
 * HiGHS (WASM) as the independent oracle for larger problems. Plain formulation in trade units
 * z (u = held + lot·z) with integer bounds, |·| split in two, binaries for the minimum trade
 * value. Its reported objective is not trusted (presolve has been measured to misreport it with
 * fractional bounds on integer variables): quantities are re-judged exactly, and anything that
 * does not check out, or hit the time limit, is "inconclusive".
 */
import type { ProblemInput } from '../../../src/core/optimizer/index.js';
import { judge, readOracle, type OracleProblem, type OracleSecurity } from './exact.js';

type Highs = { solve(problem: string, options?: Record<string, unknown>): HighsAnswer };
type HighsAnswer = { Status: string; Columns: Record<string, { Primal: number }> };

let loaded: Promise<Highs> | null = null;

/** Loads HiGHS once per process. */
export function loadHighs(): Promise<Highs> {
  loaded ??= (async () => {
    // HiGHS ships CommonJS + WASM; its types describe the ESM shape, so go through unknown.
    const loader = (await import('highs')).default as unknown as () => Promise<Highs>;
    return loader();
  })();
  return loaded;
}

export interface HighsVerdict {
  status: 'optimal' | 'infeasible' | 'inconclusive';
  quantities: number[];
  /** Exact objective recomputed from HiGHS's quantities (dollars). */
  objective: number;
  exactObjective: string;
  detail: string;
}

const num = (value: { toString(): string }) => Number(value.toString());

export function zBounds(s: OracleSecurity, bandMode: boolean): [number, number] {
  if (bandMode && s.heldInBand) return [0, 0];
  let low = Math.ceil((s.low - s.held) / s.lot);
  let high = Math.floor((s.high - s.held) / s.lot);
  if (s.noBuy) high = Math.min(high, 0);
  if (s.noSell) low = Math.max(low, 0);
  return [low, high];
}

function security(problem: OracleProblem, s: OracleSecurity, i: number, rows: string[], bounds: string[], ints: string[]): string {
  const [low, high] = zBounds(s, problem.bandMode);
  const unit = num(s.price.times(s.lot));
  const gap = num(problem.marketValue.times(s.target).minus(s.price.times(s.held)));
  rows.push(` o${i}: e${i} + ${unit} z${i} >= ${gap}`, ` n${i}: e${i} - ${unit} z${i} >= ${-gap}`);
  bounds.push(` ${low} <= z${i} <= ${high}`);
  ints.push(`z${i}`);
  const step = Math.ceil(num(problem.minTrade.div(s.price.times(s.lot))));
  if (step >= 2 && s.heldInBand && !(problem.bandMode && s.heldInBand)) {
    rows.push(` t${i}: z${i} - p${i} + m${i} = 0`);
    rows.push(` pu${i}: p${i} - ${Math.max(high, 0)} b${i} <= 0`, ` pl${i}: p${i} - ${step} b${i} >= 0`);
    rows.push(` mu${i}: m${i} - ${Math.max(-low, 0)} c${i} <= 0`, ` ml${i}: m${i} - ${step} c${i} >= 0`);
    rows.push(` x${i}: b${i} + c${i} <= 1`);
    bounds.push(` 0 <= b${i} <= 1`, ` 0 <= c${i} <= 1`, ` p${i} >= 0`, ` m${i} >= 0`);
    ints.push(`b${i}`, `c${i}`, `p${i}`, `m${i}`);
  }
  return `${unit} z${i}`;
}

function lpText(problem: OracleProblem): string {
  const rows: string[] = [];
  const bounds: string[] = [];
  const ints: string[] = [];
  const cash = problem.securities.map((s, i) => security(problem, s, i, rows, bounds, ints));
  const objective = problem.securities.map((_, i) => `e${i}`).join(' + ');
  return lpFile(problem, objective, rows, cash, bounds, ints);
}

/**
 * The CPLEX LP text of a minimisation whose purchases (`cash` terms, net of what is sold) must fit
 * in the problem's budget beyond the value already held.
 */
export function lpFile(problem: OracleProblem, objective: string, rows: readonly string[], cash: readonly string[], bounds: readonly string[], ints: readonly string[]): string {
  const held = problem.securities.reduce((sum, s) => sum.plus(s.price.times(s.held)), problem.marketValue.times(0));
  return [
    'Minimize',
    ` obj: ${objective}`,
    'Subject To',
    ...rows,
    ` cash: ${cash.join(' + ')} <= ${num(problem.budget.minus(held))}`,
    'Bounds',
    ...bounds,
    'General',
    ` ${ints.join(' ')}`,
    'End',
  ].join('\n');
}

/** Solves `input` with HiGHS and judges the answer exactly. */
export async function solveWithHighs(input: ProblemInput, timeLimitSeconds = 20): Promise<HighsVerdict> {
  const highs = await loadHighs();
  const problem = readOracle(input);
  const empty = { quantities: [], objective: Number.NaN, exactObjective: '' };
  if (problem.securities.some((s) => {
    const [low, high] = zBounds(s, problem.bandMode);
    return low > high || s.held + s.lot * low < 0 && s.held + s.lot * high < 0;
  })) {
    return { status: 'infeasible', ...empty, detail: 'empty integer bounds' };
  }
  const answer = highs.solve(lpText(problem), { presolve: 'on', mip_rel_gap: 0, time_limit: timeLimitSeconds });
  if (answer.Status === 'Infeasible') return { status: 'infeasible', ...empty, detail: answer.Status };
  if (answer.Status !== 'Optimal') return { status: 'inconclusive', ...empty, detail: answer.Status };
  const quantities = problem.securities.map((s, i) => s.held + s.lot * Math.round(answer.Columns[`z${i}`]?.Primal ?? 0));
  const verdict = judge(problem, quantities);
  if (!verdict.feasible) return { status: 'inconclusive', ...empty, detail: 'HiGHS answer fails the exact check' };
  return {
    status: 'optimal',
    quantities,
    objective: num(verdict.objective),
    exactObjective: verdict.objective.toFixed(),
    detail: answer.Status,
  };
}

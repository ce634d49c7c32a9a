/**
 * Where the minimum trade value bites: a holding inside its band may only trade by at least
 * `step` units (the smallest whole number of units worth the minimum), so the counts strictly
 * between held − step and held + step, other than held itself, are barred.
 */
import type { ScaledProblem, ScaledSecurity } from '../problem.js';
import type { Gap } from './min-trade.js';
import { shareBand, type UnitPosition } from './positions.js';

/** Smallest whole number of units whose value reaches the minimum trade value. */
export function minimumStep(problem: ScaledProblem, p: UnitPosition): number {
  return problem.minTrade === 0 ? 0 : Math.ceil(problem.minTrade / p.unit);
}

/** Whether the holding sits inside its drift band, so that small trades are barred. */
export function heldInBand(problem: ScaledProblem, security: ScaledSecurity): boolean {
  const band = shareBand(problem, security);
  return security.current >= band.low && security.current <= band.high;
}

/** The positions whose interval actually contains barred counts. */
export function gapsOf(problem: ScaledProblem, positions: UnitPosition[]): Gap[] {
  const gaps: Gap[] = [];
  for (const p of positions) {
    const step = minimumStep(problem, p);
    if (step < 2 || p.lo === p.hi || p.current < p.lo || p.current > p.hi) continue;
    if (heldInBand(problem, problem.securities[p.index] as ScaledSecurity)) gaps.push({ index: p.index, step });
  }
  return gaps;
}

/** Fewest units a position can hold once small trades are barred. */
export function allowedMinimum(p: UnitPosition, gap: Gap | undefined): number {
  return gap !== undefined && p.current - p.lo < gap.step ? p.current : p.lo;
}

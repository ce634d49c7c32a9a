/**
 * Turns every security into its unit interval, applying the options that are per-security
 * bounds: no-buy caps at the holding, no-sell floors at it, band mode pins in-band holdings,
 * lots change the unit. A security whose interval is empty makes the problem infeasible.
 */
import type { ScaledProblem, ScaledSecurity } from '../problem.js';
import { emptyBandReason, restrictedReason } from '../reasons.js';
import type { CostScale } from './cost.js';
import { shareBand, unitPosition, type ShareBand, type UnitPosition } from './positions.js';

export type BuiltPositions =
  | { feasible: true; positions: UnitPosition[] }
  | { feasible: false; reason: string };

type Restricted = { band: ShareBand } | { reason: string };

function restrict(problem: ScaledProblem, security: ScaledSecurity): Restricted {
  const band = shareBand(problem, security);
  if (band.low > band.high) return { reason: emptyBandReason(problem, security) };
  const held = security.current;
  if (problem.mode === 'band' && held >= band.low && held <= band.high) {
    return { band: { low: held, high: held } };
  }
  if (security.noBuy) {
    if (held < band.low) return { reason: restrictedReason(problem, security, 'buy') };
    band.high = Math.min(band.high, held);
  }
  if (security.noSell) {
    if (held > band.high) return { reason: restrictedReason(problem, security, 'sell') };
    band.low = Math.max(band.low, held);
  }
  return { band };
}

/** Unit intervals for all securities, or the first security that has none. */
export function buildPositions(problem: ScaledProblem, costs: CostScale): BuiltPositions {
  const positions: UnitPosition[] = [];
  const securities = problem.securities;
  for (let index = 0; index < securities.length; index++) {
    const security = securities[index] as ScaledSecurity;
    const restricted = restrict(problem, security);
    if ('reason' in restricted) return { feasible: false, reason: restricted.reason };
    const position = unitPosition(index, security, restricted.band, problem, costs);
    if (position.lo > position.hi) return { feasible: false, reason: emptyBandReason(problem, security) };
    positions.push(position);
  }
  return { feasible: true, positions };
}

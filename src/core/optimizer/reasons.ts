/**
 * Infeasibility reasons people can act on: which security's band holds no allowed quantity, or
 * by how much cash falls short. Amounts are shown in dollars (display only).
 */
import { dollars, fromScaled } from '../money/decimal.js';
import type { ScaledProblem, ScaledSecurity } from './problem.js';

function bandDollars(problem: ScaledProblem, security: ScaledSecurity): string {
  const mv = fromScaled(problem.marketValue, problem.moneyPlaces);
  const weight = (w: number) => fromScaled(w, problem.weightPlaces);
  const low = mv.times(weight(security.target - security.low));
  const high = mv.times(weight(security.target + security.high));
  return `[${dollars(low.isNegative() ? low.times(0) : low)}, ${dollars(high)}]`;
}

function priceDollars(problem: ScaledProblem, security: ScaledSecurity): string {
  return dollars(fromScaled(security.price, problem.moneyPlaces));
}

/** No whole quantity (or none reachable in lots) fits the band at this price. */
export function emptyBandReason(problem: ScaledProblem, security: ScaledSecurity): string {
  const band = bandDollars(problem, security);
  const price = priceDollars(problem, security);
  if (security.lot > 1) {
    return (
      `security ${security.id} band ${band} holds no quantity reachable in lots of ${security.lot} ` +
      `shares from the ${security.current} held at ${price}`
    );
  }
  return `security ${security.id} band ${band} holds no whole number of shares at ${price}`;
}

/** A no-buy or no-sell restriction keeps the holding outside its band. */
export function restrictedReason(
  problem: ScaledProblem,
  security: ScaledSecurity,
  restriction: 'buy' | 'sell',
): string {
  const band = bandDollars(problem, security);
  const side = restriction === 'buy' ? 'bought' : 'sold';
  return (
    `security ${security.id} may not be ${side}, but its ${security.current} shares at ` +
    `${priceDollars(problem, security)} lie outside its band ${band}`
  );
}

/** The band minimums cost more than the cash available for positions. */
export function cashShortReason(problem: ScaledProblem, minimumSpend: bigint): string {
  const available = BigInt(problem.marketValue) - BigInt(problem.reserve);
  const need = fromScaled(minimumSpend, problem.moneyPlaces);
  const have = fromScaled(available, problem.moneyPlaces);
  return (
    `cash short by ${dollars(need.minus(have))}: the band minimums need ${dollars(need)} ` +
    `but only ${dollars(have)} is available after the reserve`
  );
}

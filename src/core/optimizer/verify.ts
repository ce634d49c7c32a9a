/**
 * Exact check of a candidate allocation against every rule of the problem, in BigInt and
 * written independently of both solver paths: the general path uses it to refuse anything the
 * LP solver got wrong, and the tests use it to judge every answer.
 */
import type { ScaledProblem, ScaledSecurity } from './problem.js';

/** The verdict on one allocation. `objective` is Σ|MV·t − u'·p| × S × 10^moneyPlaces. */
export interface Verification {
  violation: string | null;
  objective: bigint;
  /** Σ u'·p × 10^moneyPlaces. */
  spend: bigint;
}

interface Context {
  mv: bigint;
  scale: bigint;
  minTrade: bigint;
  bandMode: boolean;
}

function inBand(ctx: Context, security: ScaledSecurity, quantity: bigint): boolean {
  const value = quantity * BigInt(security.price) * ctx.scale;
  const low = ctx.mv * BigInt(security.target - security.low);
  const high = ctx.mv * BigInt(security.target + security.high);
  return value >= low && value <= high;
}

function securityViolation(ctx: Context, security: ScaledSecurity, quantity: number): string | null {
  const id = security.id;
  if (!Number.isSafeInteger(quantity) || quantity < 0) return `${id}: ${quantity} is not a whole quantity ≥ 0`;
  const held = security.current;
  const u = BigInt(quantity);
  if ((quantity - held) % security.lot !== 0) return `${id}: trade is not a multiple of lot ${security.lot}`;
  if (security.noBuy && quantity > held) return `${id}: bought although no-buy`;
  if (security.noSell && quantity < held) return `${id}: sold although no-sell`;
  if (!inBand(ctx, security, u)) return `${id}: ${quantity} shares lie outside the band`;
  const heldInBand = inBand(ctx, security, BigInt(held));
  if (ctx.bandMode && heldInBand && quantity !== held) return `${id}: traded although inside its band`;
  const traded = BigInt(Math.abs(quantity - held)) * BigInt(security.price);
  if (quantity !== held && heldInBand && traded < ctx.minTrade) return `${id}: trade below the minimum value`;
  return null;
}

/** Checks whole quantities (per security, in problem order) exactly. */
export function verifyQuantities(problem: ScaledProblem, quantities: readonly number[]): Verification {
  const ctx: Context = {
    mv: BigInt(problem.marketValue),
    scale: BigInt(problem.weightScale),
    minTrade: BigInt(problem.minTrade),
    bandMode: problem.mode === 'band',
  };
  let objective = 0n;
  let spend = 0n;
  let violation: string | null = null;
  problem.securities.forEach((security, i) => {
    const quantity = quantities[i] ?? Number.NaN;
    violation ??= securityViolation(ctx, security, quantity);
    if (violation !== null) return;
    const value = BigInt(quantity) * BigInt(security.price);
    const gap = ctx.mv * BigInt(security.target) - value * ctx.scale;
    objective += gap < 0n ? -gap : gap;
    spend += value;
  });
  if (violation === null && spend > ctx.mv - BigInt(problem.reserve)) {
    violation = 'cash after trading falls below the reserve';
  }
  return { violation, objective, spend };
}

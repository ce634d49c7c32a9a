/**
 * Exact costs in doubles. A cost S·x + y (S = weight scale) can exceed 2^53 when S·x is large,
 * so it is carried as the pair (x, y) with |y| kept below a few S per security; both halves stay
 * exact integers and comparisons below never round. This is the "Number lane": BigInt would be
 * exact too but costs ~10× more per operation in the hot loop.
 */

/** Beyond this |x| the sign of S·x + y is the sign of x, since |y| ≪ 2^51. */
function limitFor(scale: number): number {
  return Math.floor(2 ** 51 / scale);
}

/** A comparator of pair costs for one weight scale. */
export interface CostScale {
  readonly scale: number;
  /** Sign of S·x + y: -1, 0 or 1. */
  sign(x: number, y: number): number;
}

export function costScale(scale: number): CostScale {
  const limit = limitFor(scale);
  return {
    scale,
    sign(x: number, y: number): number {
      if (x === 0) return Math.sign(y);
      if (x >= limit) return 1;
      if (x <= -limit) return -1;
      return Math.sign(x * scale + y);
    },
  };
}

/** S·x + y as an exact bigint (for reporting, off the hot path). */
export function pairToBigInt(x: number, y: number, scale: number): bigint {
  return BigInt(x) * BigInt(scale) + BigInt(y);
}

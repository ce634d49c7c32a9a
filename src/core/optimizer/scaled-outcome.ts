/**
 * What either solver path returns on the scaled problem. Quantities are whole shares per
 * security, in `problem.securities` order; the objective is Σ|MV·t − u'·p| × S × 10^moneyPlaces
 * (with tax: plus weight × tax, at 10^`problem.tax.objectivePlaces`).
 */
export type ScaledOutcome =
  | { status: 'optimal'; quantities: number[]; objective: bigint; reason: null; nodes: number }
  | { status: 'infeasible' | 'timeout'; reason: string; nodes: number };

/**
 * Exact minimum trade value on top of the fast path. For a holding inside its band a trade must
 * be worth at least the minimum, so its allowed counts are {held} ∪ [lo, held − step] ∪
 * [held + step, hi]: three intervals, each of which the fast path solves exactly. Branch and
 * bound over those "regimes": a node is the fast-path problem with some securities confined to
 * one regime; its optimum bounds every completion (fewer restrictions, never worse), and a node
 * whose optimum violates no gap is a solution. Ties on the objective are explored, so the
 * tie-break (fewest trades, then least turnover) holds here as on the plain fast path.
 */
import type { ScaledProblem } from '../problem.js';
import type { ScaledOutcome } from '../scaled-outcome.js';
import type { CostScale } from './cost.js';
import type { SearchLimits } from './cash-search.js';
import { withBounds, type UnitPosition } from './positions.js';
import { solvePositions } from './solve-fast.js';

/** A security whose small trades are barred: allowed counts skip (held − step, held + step). */
export interface Gap {
  index: number;
  step: number;
}

type Optimal = Extract<ScaledOutcome, { status: 'optimal' }>;

interface Best {
  outcome: Optimal;
  trades: number;
  turnover: number;
}

function tieBreak(problem: ScaledProblem, quantities: number[]): [number, number] {
  let trades = 0;
  let turnover = 0;
  problem.securities.forEach((security, i) => {
    const moved = Math.abs((quantities[i] as number) - security.current);
    if (moved > 0) trades++;
    turnover += moved * security.price;
  });
  return [trades, turnover];
}

class RegimeSearch {
  best: Best | null = null;
  stopped: string | null = null;
  nodes = 0;

  constructor(
    private readonly problem: ScaledProblem,
    private readonly gaps: Gap[],
    private readonly costs: CostScale,
    private readonly limits: SearchLimits,
  ) {}

  private violated(positions: UnitPosition[], quantities: number[]): Gap | null {
    for (const gap of this.gaps) {
      const p = positions[gap.index] as UnitPosition;
      const units = ((quantities[gap.index] as number) - p.offset) / p.lot;
      const moved = Math.abs(units - p.current);
      if (moved > 0 && moved < gap.step) return gap;
    }
    return null;
  }

  private consider(outcome: Optimal): void {
    const [trades, turnover] = tieBreak(this.problem, outcome.quantities);
    const best = this.best;
    const better =
      best === null ||
      outcome.objective < best.outcome.objective ||
      (outcome.objective === best.outcome.objective &&
        (trades < best.trades || (trades === best.trades && turnover < best.turnover)));
    if (better) this.best = { outcome, trades, turnover };
  }

  visit(positions: UnitPosition[]): void {
    this.nodes++;
    if (this.limits.now() > this.limits.deadlineAt) this.stopped = 'minimum-trade search reached the deadline';
    if (this.stopped !== null) return;
    const outcome = solvePositions(this.problem, positions, this.costs, this.limits);
    if (outcome.status === 'timeout') this.stopped = outcome.reason;
    if (outcome.status !== 'optimal') return;
    if (this.best !== null && outcome.objective > this.best.outcome.objective) return;
    const gap = this.violated(positions, outcome.quantities);
    if (gap === null) return this.consider(outcome);
    const p = positions[gap.index] as UnitPosition;
    const regimes: [number, number][] = [[p.current, p.current]];
    if (p.current - gap.step >= p.lo) regimes.push([p.lo, p.current - gap.step]);
    if (p.current + gap.step <= p.hi) regimes.push([p.current + gap.step, p.hi]);
    for (const [lo, hi] of regimes) {
      const narrowed = positions.slice();
      narrowed[gap.index] = withBounds(p, lo, hi, this.costs);
      this.visit(narrowed);
    }
  }
}

/** Solves with the minimum trade value exactly; `infeasible` carries no reason (caller adds it). */
export function solveWithGaps(
  problem: ScaledProblem,
  positions: UnitPosition[],
  gaps: Gap[],
  costs: CostScale,
  limits: SearchLimits,
): ScaledOutcome {
  const search = new RegimeSearch(problem, gaps, costs, limits);
  search.visit(positions);
  if (search.stopped !== null) return { status: 'timeout', reason: search.stopped, nodes: search.nodes };
  if (search.best === null) return { status: 'infeasible', reason: '', nodes: search.nodes };
  return { ...search.best.outcome, nodes: search.nodes };
}

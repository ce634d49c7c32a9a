/**
 * A better incumbent for a tax cut that the first stage of the search did not prove
 * (`tax-search.ts`). Such cuts are mostly those whose LP break falls on a hull piece that bridges
 * a concave stretch of a security's cost (a credited loss lot past the holding): the LP takes
 * part of that piece, and the greedy cover rounds it to a count far above the hull, so the
 * incumbent stays far from the optimum and reduced-cost fixing keeps almost every security free.
 * Here the break security is also tried at either end of its break piece (where the hull touches
 * its cost), each cover is completed greedily, and every cover is then improved one security at a
 * time (each moved to its cheapest count that still covers, given the others) and by pairs (one
 * security the LP would keep giving up fewer units, another covering the rest) until no move helps.
 * Only the objective is compared here; the search still breaks ties on trades and turnover.
 */
import { allowedAt } from './security-cost.js';
import { firstAllowedFrom, gainAt, greedyCover, keyOf, type Item, type Root } from './tax-cut-root.js';

/** Rounds of single-security moves; each that changes nothing ends them. */
const POLISH_ROUNDS = 8;
/** Pair moves tried after the single moves (each followed by single moves again); one that finds nothing ends them. */
const PAIR_ROUNDS = 16;
/**
 * Costs the pair moves of one improvement may evaluate in all: a round looks at securities ×
 * counts × securities × counts, which on a large book with many securities off the LP could
 * otherwise take longer than the search it is meant to shorten.
 */
const PAIR_EVALUATIONS = 200_000;

/**
 * Moves each security of `counts` (a cover of `need`) to its cheapest allowed count in its domain
 * that keeps the cover, given the others, until a round moves none. Between candidate points g is
 * linear, so for one security the cheapest such count is a point inside its domain (a stop) or
 * the least count that covers.
 */
function polish(items: Item[], counts: Int32Array, need: number): void {
  let freed = 0;
  for (let j = 0; j < items.length; j++) freed += (counts[j] as number) * (items[j] as Item).unit;
  for (let round = 0; round < POLISH_ROUNDS; round++) {
    let moved = false;
    for (let j = 0; j < items.length; j++) {
      const item = items[j] as Item;
      const d = counts[j] as number;
      const others = freed - d * item.unit;
      const least = firstAllowedFrom(item, Math.max(0, Math.ceil((need - others) / item.unit)));
      if (least < 0) continue;
      let best = d;
      let bestGain = gainAt(item, d);
      const consider = (x: number): void => {
        if (x === best || x < least || !allowedAt(item.p, item.p.best - x)) return;
        const gain = gainAt(item, x);
        if (gain < bestGain) {
          best = x;
          bestGain = gain;
        }
      };
      consider(least);
      for (const x of item.stops) consider(x);
      if (best === d) continue;
      counts[j] = best;
      freed = others + best * item.unit;
      moved = true;
    }
    if (!moved) return;
  }
}

/**
 * The best pair move on `counts` (a cover of `need`), made if it lowers the cost: one security
 * giving up fewer units (down to one of its stops or none), another giving up more so that the
 * cover still holds (its least covering count, or a stop past it). Single moves cannot trade one
 * security's units for another's when the cover has less slack than either frees; this can.
 * Returns whether it moved.
 */
function pairMove(items: Item[], counts: Int32Array, need: number, lambda: number, budget: { left: number }): boolean {
  let freed = 0;
  const base = new Float64Array(items.length);
  for (let j = 0; j < items.length; j++) {
    const item = items[j] as Item;
    freed += (counts[j] as number) * item.unit;
    base[j] = gainAt(item, counts[j] as number);
  }
  let bestDelta = 0;
  let move: [number, number, number, number] | null = null;
  for (let j = 0; j < items.length; j++) {
    const mover = items[j] as Item;
    const d = counts[j] as number;
    // Only a security the LP would not give up that much of is worth trading away.
    if (d === 0 || (base[j] as number) - lambda * d * mover.unit - mover.lagrangian <= 1e-9 * mover.magnitude) continue;
    for (const x of [0, ...mover.stops]) {
      if (x >= d || !allowedAt(mover.p, mover.p.best - x)) continue;
      const left = freed - (d - x) * mover.unit;
      const dropped = gainAt(mover, x) - (base[j] as number);
      for (let k = 0; k < items.length && budget.left > 0; k++) {
        if (k === j) continue;
        const item = items[k] as Item;
        const dk = counts[k] as number;
        const least = firstAllowedFrom(item, Math.max(0, Math.ceil((need - (left - dk * item.unit)) / item.unit)));
        if (least < 0) continue;
        // The least covering count, then the stops past it.
        for (let s = -1; s < item.stops.length; s++) {
          const y = s < 0 ? least : (item.stops[s] as number);
          if ((s >= 0 && y <= least) || y === dk || !allowedAt(item.p, item.p.best - y)) continue;
          budget.left--;
          const delta = dropped + gainAt(item, y) - (base[k] as number);
          if (delta < bestDelta) {
            bestDelta = delta;
            move = [j, x, k, y];
          }
        }
      }
    }
  }
  if (move === null) return false;
  const [j, x, k, y] = move;
  counts[j] = x;
  counts[k] = y;
  return true;
}

/** The cheapest of `start` and the improved covers described above, or null when there is none. */
export function improveCover(root: Root, start: Int32Array | null): Int32Array | null {
  const { items, pieces, breakAt, counts: lpCounts, excess } = root;
  const starts: Int32Array[] = start === null ? [] : [Int32Array.from(start)];
  const piece = pieces[breakAt];
  if (piece !== undefined) {
    const owner = piece.owner;
    const from = Math.round(lpCounts[owner] as number);
    const to = from + Math.round(piece.money / (items[owner] as Item).unit);
    for (const d of [from, to]) {
      const cover = greedyCover(items, pieces, breakAt, lpCounts, excess, { owner, d });
      if (cover !== null) starts.push(cover);
    }
  }
  let best: Int32Array | null = null;
  let bestCost = Number.POSITIVE_INFINITY;
  const budget = { left: PAIR_EVALUATIONS };
  for (const cover of starts) {
    polish(items, cover, excess);
    for (let round = 0; round < PAIR_ROUNDS && pairMove(items, cover, excess, root.lambda, budget); round++) polish(items, cover, excess);
    const cost = keyOf(items, cover).cost;
    if (cost < bestCost) {
      best = cover;
      bestCost = cost;
    }
  }
  return best;
}

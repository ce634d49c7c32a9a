/**
 * Reduced-cost fixing of the covering problem (see `cash-items.ts`) against an incumbent.
 *
 * Root LP: discounted first units in ascending cost per money, then full-price units at S per
 * money; it stops at the break item, whose ratio λ is the LP dual of the cover row. For any
 * integer cover x, cost(x) ≥ LB + Σ_{i taken, ratio > λ} (c_i − λ·w_i) + Σ_{i left, ratio < λ}
 * (λ·w_i − c_i). So an item whose reduced cost alone exceeds UB − LB (UB: the incumbent) takes
 * the value the LP gives it in every cover that costs at most UB, ties included: fixing it keeps
 * every optimum and every tied alternative, so the tie-break stays exact. Full-price items cap
 * the units they may give up the same way. What stays free is the core near the break.
 *
 * The LP value and reduced costs are doubles; an item is fixed only when its reduced cost beats
 * the gap by a margin far above their rounding error, so rounding can only keep an item free.
 */
import { indexItems, type CashItem, type CashItems } from './cash-items.js';

/** The core problem and how to map its answer back. */
export interface Reduction {
  core: CashItems;
  /** Money still to free once the fixed-taken items are given up. */
  need: number;
  /** Original item index of each core item. */
  origin: Int32Array;
  /** Units given up per original item for the fixed ones (core entries are overwritten). */
  fixed: Int32Array;
}

function rootLp(data: CashItems, excess: number, scale: number): { lb: number; ratio: number } {
  let need = excess;
  let lb = 0;
  for (let j = 0; j < data.discounted; j++) {
    const item = data.items[j] as CashItem;
    const cost = item.firstX * scale + item.firstY;
    if (item.unit >= need) return { lb: lb + (cost * need) / item.unit, ratio: cost / item.unit };
    lb += cost;
    need -= item.unit;
  }
  return { lb: lb + scale * need, ratio: scale };
}

/** Fixes what the incumbent's cost (S·x + y) allows and returns the core left to search. */
export function reduceItems(data: CashItems, excess: number, scale: number, upperX: number, upperY: number): Reduction {
  const { lb, ratio } = rootLp(data, excess, scale);
  const ub = upperX * scale + upperY;
  const slack = ub - lb + 1e-9 * (Math.abs(ub) + Math.abs(lb)) + 4;
  const items = data.items;
  const fixed = new Int32Array(items.length);
  const kept: CashItem[] = [];
  const origin: number[] = [];
  let need = excess;
  let discounted = 0;
  for (let j = 0; j < items.length; j++) {
    const item = items[j] as CashItem;
    if (j < data.discounted) {
      const reduced = item.firstX * scale + item.firstY - ratio * item.unit;
      if (reduced < -slack) {
        fixed[j] = 1;
        need -= item.unit;
        continue;
      }
      if (reduced > slack) continue;
      discounted++;
      kept.push(item);
    } else {
      const perUnit = (scale - ratio) * item.unit;
      const most = perUnit <= 0 ? item.most : Math.min(item.most, Math.floor(slack / perUnit));
      if (most === 0) continue;
      kept.push(most === item.most ? item : { ...item, most });
    }
    origin.push(j);
  }
  return { core: indexItems(kept, discounted), need, origin: Int32Array.from(origin), fixed };
}

/**
 * A quick cover to reduce against: give up units in search order (cheapest per money first)
 * until `excess` is freed, then take back units, dearest per money first, while the cover holds.
 * Null when the items cannot cover.
 */
export function greedyCover(data: CashItems, excess: number): Int32Array | null {
  const items = data.items;
  const giveUp = new Int32Array(items.length);
  let need = excess;
  for (let j = 0; j < items.length && need > 0; j++) {
    const item = items[j] as CashItem;
    const d = Math.min(item.most, Math.ceil(need / item.unit));
    giveUp[j] = d;
    need -= d * item.unit;
  }
  if (need > 0) return null;
  for (let j = items.length - 1; j >= 0; j--) {
    const item = items[j] as CashItem;
    const back = Math.min(giveUp[j] as number, Math.floor(-need / item.unit));
    // A discounted first unit is taken back only with all the units given up after it.
    if (back <= 0 || (j < data.discounted && back < (giveUp[j] as number))) continue;
    giveUp[j] = (giveUp[j] as number) - back;
    need += back * item.unit;
  }
  return giveUp;
}

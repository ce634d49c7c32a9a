/**
 * The cash cut end to end: a greedy cover seeds a short search over all items, which proves most
 * covers; otherwise its incumbent fixes every item whose reduced cost exceeds the gap
 * (`core-reduction.ts`) and the core is searched from that incumbent (`cash-search.ts`).
 */
import type { CashItems } from './cash-items.js';
import { CashSearch, TIE_BREAK_NODES, type SearchLimits, type SearchOutcome } from './cash-search.js';
import { greedyCover, reduceItems } from './core-reduction.js';
import type { CostScale } from './cost.js';

/** Nodes of the first, unreduced search; most covers are proven within it. */
const PROBE_NODES = 2_000;

function timeout(search: CashSearch, nodes: number, limits: SearchLimits): SearchOutcome {
  const reason =
    search.stopped === 'deadline'
      ? 'cash-constrained search reached the deadline without proving optimality'
      : `cash-constrained search stopped after ${limits.nodeCap} nodes without proving optimality`;
  return { status: 'timeout', nodes, reason };
}

/**
 * Cheapest way to free at least `excess` money; per item, the units it gives up. Covers are
 * compared on (objective, trades, turnover); ties on the objective are explored within
 * `TIE_BREAK_NODES` nodes of the two searches together. Node counts, not clocks, decide the
 * answer; a search that stops early reports `timeout`.
 */
export function searchCashCut(data: CashItems, excess: number, costs: CostScale, limits: SearchLimits): SearchOutcome {
  const probe = new CashSearch(data, costs, { ...limits, nodeCap: Math.min(limits.nodeCap, PROBE_NODES) }, null);
  const greedy = greedyCover(data, excess);
  if (greedy !== null) probe.seed(greedy);
  probe.search(0, excess, 0, 0, 0, 0);
  if (probe.stopped === null) return proven(probe.result(), probe.nodes);
  if (limits.now() > limits.deadlineAt) probe.stopped = 'deadline';
  if (limits.nodeCap <= PROBE_NODES || probe.stopped === 'deadline') return timeout(probe, probe.nodes, limits);
  const remaining = { ...limits, nodeCap: limits.nodeCap - probe.nodes };
  const found = probe.result();
  if (found === null) return timeout(probe, probe.nodes, limits);
  const [upperX, upperY] = probe.incumbent();
  const reduction = reduceItems(data, excess, costs.scale, upperX, upperY);
  const core = new CashSearch(reduction.core, costs, remaining, reduction.need);
  core.tieBudget = TIE_BREAK_NODES - probe.nodes;
  core.seed(Int32Array.from(reduction.origin, (j) => found[j] as number));
  core.search(0, reduction.need, 0, 0, 0, 0);
  const nodes = probe.nodes + core.nodes;
  if (core.stopped !== null) return timeout(core, nodes, limits);
  const giveUp = reduction.fixed;
  const best = core.result() as Int32Array;
  reduction.origin.forEach((j, c) => {
    giveUp[j] = best[c] as number;
  });
  return { status: 'optimal', giveUp, nodes };
}

function proven(best: Int32Array | null, nodes: number): SearchOutcome {
  // The caller checked that the band minimums fit, so a cover always exists.
  if (best === null) throw new Error('cash search found no cover although the minimums fit');
  return { status: 'optimal', giveUp: best, nodes };
}

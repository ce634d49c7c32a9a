/**
 * Exhaustive oracle for small problems (N ≤ 6): every allowed whole quantity of every security,
 * pruned only by bounds that are obviously valid (cash still needed by the rest, and the sum of
 * each remaining security's smallest term). Finds the lexicographic best (objective, trades,
 * turnover), so the tie-break is checked too.
 */
import type { ProblemInput } from '../../../src/core/optimizer/index.js';
import { allowed, readOracle, term, type OracleProblem } from './exact.js';

export interface Enumerated {
  status: 'optimal' | 'infeasible';
  quantities: number[];
  /** Objective, trades and turnover, all × the common scale. */
  key: [bigint, number, bigint];
  scale: bigint;
}

/** One allowed quantity of a security, amounts × the oracle's scale. */
export interface Candidate {
  u: number;
  term: bigint;
  spend: bigint;
  traded: number;
  turnover: bigint;
}

function candidates(problem: OracleProblem, places: number): Candidate[][] {
  const factor = 10 ** places;
  return problem.securities.map((s) => {
    const list: Candidate[] = [];
    for (let u = Math.max(0, s.low); u <= s.high; u++) {
      if (!allowed(problem, s, u)) continue;
      list.push({
        u,
        term: BigInt(term(problem, s, u).times(factor).toFixed(0)),
        spend: BigInt(s.price.times(u).times(factor).toFixed(0)),
        traded: u === s.held ? 0 : 1,
        turnover: BigInt(s.price.times(Math.abs(u - s.held)).times(factor).toFixed(0)),
      });
    }
    return list.sort((a, b) => (a.term < b.term ? -1 : a.term > b.term ? 1 : a.u - b.u));
  });
}

function better(a: [bigint, number, bigint], b: [bigint, number, bigint] | null): boolean {
  if (b === null) return true;
  if (a[0] !== b[0]) return a[0] < b[0];
  if (a[1] !== b[1]) return a[1] < b[1];
  return a[2] < b[2];
}

/**
 * The lexicographically best (Σ term, trades, turnover) choice of one candidate per list within
 * `budget`, with its candidates' `u`; null when none fits. Throws past `maxNodes`.
 */
export function bestCombination(lists: Candidate[][], budget: bigint, maxNodes: number): { key: [bigint, number, bigint]; path: number[] } | null {
  const n = lists.length;
  const minTerm: bigint[] = new Array(n + 1).fill(0n);
  const minSpend: bigint[] = new Array(n + 1).fill(0n);
  for (let i = n - 1; i >= 0; i--) {
    const list = lists[i] as Candidate[];
    minTerm[i] = (minTerm[i + 1] as bigint) + list.reduce((m, c) => (c.term < m ? c.term : m), list[0]?.term ?? 0n);
    minSpend[i] = (minSpend[i + 1] as bigint) + list.reduce((m, c) => (c.spend < m ? c.spend : m), list[0]?.spend ?? 0n);
  }
  let best: [bigint, number, bigint] | null = null;
  let bestPath: number[] = [];
  const path: number[] = [];
  let nodes = 0;
  const visit = (i: number, obj: bigint, spend: bigint, trades: number, turnover: bigint): void => {
    if (++nodes > maxNodes) throw new Error('enumeration too large for an oracle');
    if (spend + (minSpend[i] as bigint) > budget) return;
    if (best !== null && obj + (minTerm[i] as bigint) > best[0]) return;
    if (i === n) {
      const key: [bigint, number, bigint] = [obj, trades, turnover];
      if (better(key, best)) {
        best = key;
        bestPath = [...path];
      }
      return;
    }
    for (const c of lists[i] as Candidate[]) {
      path.push(c.u);
      visit(i + 1, obj + c.term, spend + c.spend, trades + c.traded, turnover + c.turnover);
      path.pop();
    }
  };
  if (lists.every((list) => list.length > 0)) visit(0, 0n, 0n, 0, 0n);
  return best === null ? null : { key: best, path: bestPath };
}

/** Solves `input` by enumeration. Throws if the search space is too large to be an oracle. */
export function enumerate(input: ProblemInput, maxNodes = 5_000_000): Enumerated {
  const problem = readOracle(input);
  const places = 12;
  const scale = 10n ** BigInt(places);
  const lists = candidates(problem, places);
  const budget = BigInt(problem.budget.times(10 ** places).toFixed(0));
  const found = bestCombination(lists, budget, maxNodes);
  if (found === null) return { status: 'infeasible', quantities: [], key: [0n, 0, 0n], scale };
  return { status: 'optimal', quantities: found.path, key: found.key, scale };
}

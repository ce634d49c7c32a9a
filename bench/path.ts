/**
 * `npm run bench:path`: one portfolio's path through a worker, per step, in µs per portfolio
 * (median over seeded books of the mean of repeated runs), at N = 50 and 100. Where the old way
 * is still callable it runs beside the new one in the same process, and the ratio is printed:
 * the 60-digit decimal.js derivation (kept as the tests' reference), documents built from
 * per-position objects on the event loop, and structured clone of the nested outcome.
 */
import { deserialize, serialize } from 'node:v8';
import { buildProblem, deriveScaled, solve, solveAndDerive, solveScaled, type ProblemInput, type SolveResult } from '../src/core/optimizer/index.js';
import { documentsForSolve, type ChunkContext } from '../src/worker/chunk-documents.js';
import { storedRebalance } from '../src/worker/stored-rebalance.js';
import { generate } from '../test/support/oracle/generator.js';
import { referenceDerive } from '../test/support/reference-derive.js';

const BOOKS = 60;

/**
 * Mean CPU µs of `run` (this process, all threads, so garbage collection counts) over enough
 * repeats to be well above the counter's resolution. CPU rather than wall time, so a busy
 * machine that makes the process wait does not count as the path's cost.
 */
function microseconds(run: () => unknown): number {
  let repeats = 1;
  for (;;) {
    const started = process.cpuUsage();
    for (let i = 0; i < repeats; i++) run();
    const used = process.cpuUsage(started);
    const elapsed = used.user + used.system;
    if (elapsed > 4000 || repeats >= 4096) return elapsed / repeats;
    repeats *= 4;
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Realistic books: the oracle generator's defaults (cash binds in about half), proven optimal. */
function books(n: number): { input: ProblemInput; result: SolveResult }[] {
  const out: { input: ProblemInput; result: SolveResult }[] = [];
  for (let seed = 1; out.length < BOOKS; seed++) {
    const input = generate(7_000_001 * n + seed, { n });
    const result = solve(input);
    if (result.status === 'optimal') out.push({ input, result });
  }
  return out;
}

const clone = (value: unknown) => deserialize(serialize(value));

/** A batch of 32 portfolios of one model as the worker posts it: positions and prices shared, or (old) copied per portfolio. */
function batchOf(input: ProblemInput, shared: boolean): ProblemInput[] {
  return Array.from({ length: 32 }, (_, k) => ({
    ...input,
    cash: String(Number(input.cash) + k),
    holdings: input.holdings.map((h) => ({ securityId: h.securityId, quantity: h.quantity + k })),
    positions: shared ? input.positions : input.positions.map((p) => ({ ...p })),
    prices: shared ? input.prices : { ...input.prices },
  }));
}

function measure(n: number): [string, number, number | null][] {
  const set = books(n);
  const ctx: ChunkContext = { runId: 'bench', tradeDate: new Date(0), now: new Date(0) };
  const item = { modelId: 'model', portfolioId: 'portfolio' };
  const each = (run: (b: (typeof set)[number], i: number) => unknown) => median(set.map((b, i) => microseconds(() => run(b, i))));
  const problems = set.map((b) => buildProblem(b.input));
  const quantities = problems.map((p, i) => p.securities.map((s) => set[i]!.result.quantities[s.id] as number));
  const outcomes = problems.map((p, i) => deriveScaled(p, quantities[i]!));
  const stored = outcomes.map((o, i) => ({ ...set[i]!.result, rebalance: storedRebalance(o) }));
  const nested = outcomes.map((o, i) => ({ ...set[i]!.result, rebalance: o }));
  return [
    ['read + validate + scale (buildProblem)', each((b) => buildProblem(b.input)), null],
    ['search on the scaled problem', each((_, i) => solveScaled(problems[i]!)), null],
    ['solve() from decimal input', each((b) => solve(b.input)), null],
    ['derive', each((_, i) => deriveScaled(problems[i]!, quantities[i]!)), each((b) => referenceDerive(b.input, b.result.quantities))],
    ['solve() + derive', each((b) => solveAndDerive(b.input)), each((b) => referenceDerive(b.input, solve(b.input).quantities))],
    ['stored form (solver thread)', each((_, i) => storedRebalance(outcomes[i]!)), null],
    ['documents (event loop)', each((b, i) => documentsForSolve(ctx, item, b.input, stored[i]!)), each((b, i) => documentsForSolve(ctx, item, b.input, { ...nested[i]!, rebalance: storedRebalance(outcomes[i]!) }))],
    ['transfer in (32 of one model, per portfolio)', each((b) => clone(batchOf(b.input, true))) / 32, each((b) => clone(batchOf(b.input, false))) / 32],
    ['transfer out (clone of the answer)', each((_, i) => clone(stored[i])), each((_, i) => clone(nested[i]))],
  ];
}

console.log(`node ${process.version}; CPU µs per portfolio, median over ${BOOKS} books; "old" runs in the same process`);
for (const n of [50, 100]) {
  console.log(`\nN = ${n}`);
  for (const [name, now, old] of measure(n)) {
    const ratio = old === null ? '' : `   old ${old.toFixed(1).padStart(8)} µs  → ${(old / now).toFixed(1)}× less`;
    console.log(`  ${name.padEnd(46)} ${now.toFixed(1).padStart(8)} µs${ratio}`);
  }
}

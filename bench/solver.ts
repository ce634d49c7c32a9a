/**
 * `npm run bench:solver`: the same seeded books through the fast path, the javascript-lp-solver
 * formulation and HiGHS; median / p95 / p99 per N, separately where cash binds.
 */
import { buildProblem, solve, solveScaled, type ProblemInput } from '../src/core/optimizer/index.js';
import { generate } from '../test/support/oracle/generator.js';
import { loadHighs, solveWithHighs } from '../test/support/oracle/highs.js';

const SIZES = [10, 50, 100, 500];
/** Instances per N for the fast path, the general path and HiGHS (fewer where they are slow). */
const SAMPLES: Record<number, [number, number, number]> = { 10: [300, 40, 30], 50: [300, 25, 20], 100: [300, 20, 15], 500: [100, 3, 3] };

type Stats = { median: number; p95: number; p99: number; n: number; unproven: number };

function stats(times: number[], unproven = 0): Stats {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { median: at(0.5), p95: at(0.95), p99: at(0.99), n: sorted.length, unproven };
}

/** Mean µs of `run` over enough repeats to be well above the timer's resolution. */
function microseconds(run: () => unknown): number {
  let repeats = 1;
  for (;;) {
    const started = performance.now();
    for (let i = 0; i < repeats; i++) run();
    const elapsed = performance.now() - started;
    if (elapsed > 2 || repeats >= 1024) return (elapsed * 1000) / repeats;
    repeats *= 4;
  }
}

function books(n: number, count: number, binding: boolean): ProblemInput[] {
  return Array.from({ length: count }, (_, i) =>
    generate(1_000_003 * n + i * 7 + (binding ? 1 : 0), { n, fullyInvested: binding ? 1 : 0, narrowBands: 0 }),
  ).filter((input) => solve(input).status !== 'infeasible');
}

async function measure(n: number, binding: boolean): Promise<Record<string, Stats>> {
  const [fastCount, generalCount, highsCount] = SAMPLES[n] as [number, number, number];
  const inputs = books(n, fastCount, binding);
  const problems = inputs.map((input) => buildProblem(input));
  const fast = problems.map((problem) => microseconds(() => solveScaled(problem, { path: 'fast' })));
  const endToEnd = inputs.map((input) => microseconds(() => solveScaled(buildProblem(input), { path: 'fast' })));
  const general: number[] = [];
  let generalUnproven = 0;
  for (const problem of problems.slice(0, generalCount)) {
    const started = performance.now();
    const result = solveScaled(problem, { path: 'general', deadlineAt: Date.now() + 5_000 });
    general.push((performance.now() - started) * 1000);
    if (result.outcome.status !== 'optimal') generalUnproven++;
  }
  const highs: number[] = [];
  let highsUnproven = 0;
  for (const input of inputs.slice(0, highsCount)) {
    const started = performance.now();
    const verdict = await solveWithHighs(input, 15);
    highs.push((performance.now() - started) * 1000);
    if (verdict.status !== 'optimal') highsUnproven++;
  }
  return {
    'fast path (scaled problem)': stats(fast),
    'fast path incl. validation': stats(endToEnd),
    'javascript-lp-solver': stats(general, generalUnproven),
    HiGHS: stats(highs, highsUnproven),
  };
}

function format(us: number): string {
  return us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(1)} µs`;
}

async function main(): Promise<void> {
  await loadHighs();
  console.log(`node ${process.version}; times per portfolio; fast path = mean of repeated solves per book`);
  for (const binding of [false, true]) {
    console.log(`\n== ${binding ? 'cash binds (targets sum to 1)' : 'cash does not bind (targets sum ≤ 0.95)'} ==`);
    for (const n of SIZES) {
      const rows = await measure(n, binding);
      console.log(`N = ${n}`);
      for (const [name, s] of Object.entries(rows)) {
        const extra = s.unproven > 0 ? `  (${s.unproven} not proven within the limit)` : '';
        console.log(`  ${name.padEnd(28)} n=${String(s.n).padStart(3)}  median ${format(s.median).padStart(10)}  p95 ${format(s.p95).padStart(10)}  p99 ${format(s.p99).padStart(10)}${extra}`);
      }
      const fast = rows['fast path (scaled problem)'] as Stats;
      const ratio = (name: string) => ((rows[name] as Stats).median / fast.median).toFixed(0);
      console.log(`  median ratios vs fast path: javascript-lp-solver ×${ratio('javascript-lp-solver')}, HiGHS ×${ratio('HiGHS')}`);
    }
  }
  console.log('\nHiGHS times include writing its LP text and judging its answer exactly; general/HiGHS use fewer books at large N.');
}

await main();

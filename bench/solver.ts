/**
 * `npm run bench:solver`: seeded books per class and N, three rows each: the search on the scaled
 * problem, the public `solve()` from the decimal input, and `solve()` + derivation (what a worker
 * pays). HiGHS solves a subset of the same books in the same run; its ratio is stated against the
 * `solve()` row. Times are this process's CPU time per book, so that other load on a shared machine
 * does not inflate them: after a first solve of the book, the median of five timed batches of
 * repeated runs (a worker solves thousands of books in one warm process); HiGHS solves each book
 * once. Percentiles are over books.
 */
import { buildProblem, deriveScaled, solve, solveAndDerive, solveScaled, type ProblemInput } from '../src/core/optimizer/index.js';
import { generate } from '../test/support/oracle/generator.js';
import { generateHardBook } from '../test/support/oracle/hard-books.js';
import { loadHighs, solveWithHighs } from '../test/support/oracle/highs.js';
import { InvalidInput } from '../src/errors/index.js';
import { solveTaxWithHighs } from '../test/support/oracle/tax-highs.js';
import { withTax } from '../test/support/oracle/tax-lots.js';

/** The service's default per-portfolio deadline (`optimization-timeout`, 30 s). */
const DEADLINE_MS = 30_000;

interface Row {
  className: string;
  n: number;
  books: number;
  /** Books HiGHS solves too (the first ones). */
  highs: number;
  input: (i: number) => ProblemInput;
  /** The HiGHS formulation: plain, or with one integer variable per lot sold. @defaultValue plain */
  taxHighs?: boolean;
}

const realistic = (n: number, binding: boolean) => (i: number) =>
  generate(1_000_003 * n + i * 7 + (binding ? 1 : 0), { n, fullyInvested: binding ? 1 : 0, narrowBands: 0 });
const hard = (n: number) => (i: number) => generateHardBook(5_000_000 + 1_009 * n + i, { n });
/** The same books with 1–20 tax lots per holding, tax enabled, no wash-sale restrictions (they mostly make large books infeasible). */
const taxed = (books: (i: number) => ProblemInput) => (i: number) => withTax(books(i), 7_000_000 + i, { maxLots: 20, wash: [0, 0] });
const realisticMillion = (n: number) => (i: number) =>
  generate(1_000_003 * n + i * 7 + 1, { n, fullyInvested: 1, narrowBands: 0, marketValue: [1e4, 1e6] });

const ROWS: Row[] = [
  ...[10, 100, 500].map((n) => ({ className: 'realistic, cash not binding', n, books: n === 500 ? 60 : 200, highs: n === 500 ? 5 : 20, input: realistic(n, false) })),
  ...[10, 100, 500].map((n) => ({ className: 'realistic, cash binding', n, books: n === 500 ? 60 : 200, highs: n === 500 ? 5 : 20, input: realistic(n, true) })),
  { className: 'hard books', n: 100, books: 200, highs: 10, input: hard(100) },
  { className: 'hard books', n: 500, books: 60, highs: 3, input: hard(500) },
  { className: 'hard books (stress)', n: 1000, books: 20, highs: 0, input: hard(1000) },
  ...[100, 500].map((n) => ({ className: 'tax: realistic ≤ $1M, cash binding', n, books: n === 500 ? 20 : 60, highs: n === 500 ? 1 : 4, input: taxed(realisticMillion(n)), taxHighs: true })),
  ...[100, 500].map((n) => ({ className: 'tax: hard books', n, books: n === 500 ? 20 : 60, highs: n === 500 ? 1 : 3, input: taxed(hard(n)), taxHighs: true })),
];

/** `--only <text>`: just the rows whose class contains it (e.g. `--only tax`). */
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] ?? '' : '';
/** `--n <N>`: just the rows of that size. `--no-highs`: skip HiGHS (no ratio is printed). */
const onlyN = process.argv.includes('--n') ? Number(process.argv[process.argv.indexOf('--n') + 1]) : null;
const noHighs = process.argv.includes('--no-highs');
/** `--parts`: also time what `solve()` pays around the search: reading and scaling (`buildProblem`) and deriving from the solved problem (`deriveScaled`). */
const parts = process.argv.includes('--parts');

type Stats = { median: number; p95: number; p99: number; max: number; n: number };

function stats(times: number[]): Stats {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { median: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted[sorted.length - 1] ?? Number.NaN, n: sorted.length };
}

/** CPU µs this process spent (user + system): unlike wall time, other load on the machine barely moves it. */
function cpu(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/** Timed batches per measurement; the median batch is reported, so one garbage collection or late compilation does not decide a book's figure. */
const BATCHES = 5;

/**
 * CPU µs of one `run`: repeats are first raised until a batch takes over 2 ms (or 1,024 runs),
 * then {@link BATCHES} batches are timed and the median batch's mean is returned.
 */
function microseconds(run: () => unknown): number {
  let repeats = 1;
  for (;;) {
    const started = cpu();
    for (let i = 0; i < repeats; i++) run();
    if (cpu() - started > 2000 || repeats >= 1024) break;
    repeats *= 4;
  }
  const batches: number[] = [];
  for (let b = 0; b < BATCHES; b++) {
    const started = cpu();
    for (let i = 0; i < repeats; i++) run();
    batches.push((cpu() - started) / repeats);
  }
  return stats(batches).median;
}

function format(us: number): string {
  return us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(1)} µs`;
}

function line(name: string, s: Stats, extra = ''): string {
  const cells = [`median ${format(s.median).padStart(9)}`, `p95 ${format(s.p95).padStart(9)}`, `p99 ${format(s.p99).padStart(9)}`, `max ${format(s.max).padStart(9)}`];
  return `  ${name.padEnd(26)} n=${String(s.n).padStart(3)}  ${cells.join('  ')}${extra}`;
}

interface BookTimes {
  search: number;
  solved: number;
  derived: number;
  timeout: boolean;
  /** With `--parts`: buildProblem, and deriveScaled of an optimal answer (else NaN). */
  read: number;
  derive: number;
}

/** Times one book three ways (five with `--parts`); null when it is infeasible (those are not timed). */
function timeBook(input: ProblemInput): BookTimes | null {
  const deadline = () => ({ deadlineAt: Date.now() + DEADLINE_MS });
  let first: ReturnType<typeof solve>;
  try {
    first = solve(input, deadline());
  } catch (error) {
    // A tax book outside the exact range is refused (400 options.tax); it is not timed.
    if (error instanceof InvalidInput) return null;
    throw error;
  }
  if (first.status === 'infeasible') return null;
  const problem = buildProblem(input);
  const search = microseconds(() => solveScaled(problem, deadline()));
  const solved = microseconds(() => solve(input, deadline()));
  // What a worker calls: one read, the solve, and the derivation from the solved problem.
  const derived = microseconds(() => solveAndDerive(input, deadline()));
  const times: BookTimes = { search, solved, derived, timeout: first.status === 'timeout', read: Number.NaN, derive: Number.NaN };
  if (parts) {
    times.read = microseconds(() => buildProblem(input));
    if (first.status === 'optimal') {
      const quantities = problem.securities.map((security) => first.quantities[security.id] as number);
      times.derive = microseconds(() => deriveScaled(problem, quantities));
    }
  }
  return times;
}

/** Books solved (and derived) per row before any is timed. */
const WARM_UP_SOLVES = 400;

/**
 * Solves the row's books in turn, {@link WARM_UP_SOLVES} solves in all, before timing: a worker
 * solves thousands of books in one process, so what it pays per book is the compiled code's time,
 * not the first calls' (the interpreter and the first tiers of compilation).
 */
function warmUp(books: ProblemInput[]): void {
  for (let k = 0; k < WARM_UP_SOLVES; k++) {
    try {
      solveAndDerive(books[k % books.length] as ProblemInput, { deadlineAt: Date.now() + 50 });
    } catch (error) {
      if (!(error instanceof InvalidInput)) throw error;
    }
  }
}

async function measure(row: Row): Promise<void> {
  const inputs: ProblemInput[] = [];
  const search: number[] = [];
  const solved: number[] = [];
  const derived: number[] = [];
  const read: number[] = [];
  const derive: number[] = [];
  let timeouts = 0;
  const books = Array.from({ length: row.books }, (_, i) => row.input(i));
  warmUp(books);
  for (const input of books) {
    const times = timeBook(input);
    if (times === null) continue;
    inputs.push(input);
    search.push(times.search);
    solved.push(times.solved);
    derived.push(times.derived);
    if (!Number.isNaN(times.read)) read.push(times.read);
    if (!Number.isNaN(times.derive)) derive.push(times.derive);
    if (times.timeout) timeouts++;
  }
  const highs: number[] = [];
  let highsUnproven = 0;
  for (const input of inputs.slice(0, noHighs ? 0 : row.highs)) {
      const started = cpu();
    const verdict = row.taxHighs === true ? await solveTaxWithHighs(input, 60) : await solveWithHighs(input, 60);
    highs.push(cpu() - started);
    if (verdict.status !== 'optimal') highsUnproven++;
  }
  console.log(`${row.className}, N = ${row.n} (${inputs.length} feasible books of ${row.books}; timeouts at the ${DEADLINE_MS / 1000} s deadline: ${timeouts})`);
  console.log(line('search (scaled problem)', stats(search)));
  console.log(line('solve() from decimal input', stats(solved)));
  console.log(line('solve() + derivation', stats(derived)));
  if (parts) {
    console.log(line('buildProblem (read, scale)', stats(read)));
    console.log(line('deriveScaled (optimal)', stats(derive)));
  }
  if (highs.length === 0) return console.log('  HiGHS                      not run at this size');
  // Like for like: the same books, HiGHS against what solve() costs on them.
  const sameBooks = stats(solved.slice(0, highs.length));
  const unproven = highsUnproven > 0 ? `  (${highsUnproven} not optimal within 60 s)` : '';
  console.log(line('HiGHS (same books)', stats(highs), unproven));
  console.log(`  HiGHS / solve() on the same ${highs.length} books: median ×${(stats(highs).median / sameBooks.median).toFixed(0)}`);
}

async function main(): Promise<void> {
  if (!noHighs) await loadHighs();
  console.log(`node ${process.version}; CPU time per book (user + system); median of 5 timed batches of repeated runs after a first solve`);
  for (const row of ROWS.filter((r) => r.className.includes(only) && (onlyN === null || r.n === onlyN))) await measure(row);
  console.log('\nHiGHS times include writing its LP text and judging its answer exactly (test/support/oracle/highs.ts).');
}

await main();

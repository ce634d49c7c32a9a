/**
 * Counts what an oracle tier really compared, per problem class and N: optimal answers compared
 * with ours, separately from instances settled without the oracle's search (a bounds check that
 * finds no whole share in some band), infeasible ones, inconclusive ones (the oracle did not
 * finish) and unproven ones (the oracle proved an optimum that ours did not reach within its node
 * cap: not a wrong answer, not a comparison either).
 */
export type Settled = 'optimal' | 'bounds' | 'infeasible' | 'inconclusive' | 'unproven';

export class OracleTally {
  private readonly rows = new Map<string, { className: string; n: number; counts: Record<Settled, number> }>();

  constructor(private readonly oracle: string) {}

  count(className: string, n: number, settled: Settled): void {
    const key = `${className}\u0000${n}`;
    let row = this.rows.get(key);
    if (row === undefined) {
      row = { className, n, counts: { optimal: 0, bounds: 0, infeasible: 0, inconclusive: 0, unproven: 0 } };
      this.rows.set(key, row);
    }
    row.counts[settled]++;
  }

  /** Optimal comparisons over the rows `where` selects. */
  optimal(where: (className: string, n: number) => boolean): number {
    let total = 0;
    for (const row of this.rows.values()) if (where(row.className, row.n)) total += row.counts.optimal;
    return total;
  }

  /** One line per class and N, then the totals at N ≥ 100. */
  report(): string {
    const rows = [...this.rows.values()].sort((a, b) => a.className.localeCompare(b.className) || a.n - b.n);
    const lines = rows.map(
      ({ className, n, counts }) =>
        `  ${className.padEnd(10)} N=${String(n).padStart(4)}  optimal compared ${String(counts.optimal).padStart(4)}` +
        `  infeasible (${this.oracle} searched) ${String(counts.infeasible).padStart(3)}` +
        `  settled by bounds check ${String(counts.bounds).padStart(3)}  inconclusive ${counts.inconclusive}  unproven by ours ${counts.unproven}`,
    );
    const large = this.optimal((_, n) => n >= 100);
    const hard = this.optimal((className, n) => n >= 100 && className === 'hard book');
    return [
      `${this.oracle} oracle: comparisons per class and N`,
      ...lines,
      `  optimal comparisons at N >= 100: ${large} (hard books: ${hard}); all: ${this.optimal(() => true)}`,
    ].join('\n');
  }
}

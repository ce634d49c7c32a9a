import type { CliCommand } from '../command.js';

/** A subcommand: its line in `ogs --help`, and its module, loaded only when it runs. */
export interface CommandEntry {
  summary: string;
  load: () => Promise<{ command: CliCommand }>;
}

/**
 * Every `ogs` subcommand. To add one, create `src/cli/commands/<name>.ts` exporting
 * `command: CliCommand` and add its line here.
 */
export const commands: Record<string, CommandEntry> = {
  solve: { summary: 'Solve rebalancing problems from a JSON file or JSON Lines on stdin', load: () => import('./solve.js') },
  run: { summary: 'Submit a rebalance run (--model ID…, --portfolios FILE or --all), follow it, print a summary', load: () => import('./run.js') },
  runs: { summary: 'List runs, newest first', load: () => import('./runs.js') },
  import: { summary: 'Upload holdings or prices from CSV/JSON through the API (ogs import holdings|prices FILE)', load: () => import('./import.js') },
  approve: { summary: 'Approve a proposal, whole or with --include/--exclude portfolio ids', load: () => import('./approve.js') },
  reject: { summary: 'Reject a proposal', load: () => import('./reject.js') },
  sending: { summary: "Show where a run's orders are on their way to the Order Service (--follow until done)", load: () => import('./sending.js') },
  'run-status': { summary: "Show a run's counts, orders and failure reasons (--follow for live progress)", load: () => import('./run-status.js') },
};

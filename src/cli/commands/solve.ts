import { open, readFile } from 'node:fs/promises';
import { loadConfig } from '../../config/config.js';
import { createSolverPool } from '../../solver-pool/index.js';
import { positiveIntFlag, UsageError, write, type CliCommand, type CliIo } from '../command.js';
import { parseProblem } from '../problem-schema.js';
import { resultJson } from '../result-json.js';
import { solveJsonl } from '../solve-jsonl.js';

const usage = `Usage:
  ogs solve FILE.json                      solve one problem, print its result as JSON
  ogs solve --jsonl [FILE.jsonl] < in      one problem per line (stdin when no FILE), one result per line, in order

Flags:
  --jsonl             read JSON Lines and stream results; a bad line gets {"status":"invalid"} and the rest go on
  --deadline-ms N     deadline per problem unless the problem sets options.deadline_ms
                      (default: OPTIMIZATION_TIMEOUT seconds, 30)
  --threads N         solver threads in --jsonl mode (default: THREAD_POOL_MAX_WORKERS, 2)
  -h, --help          this text

Problem: {"id", "cash", "holdings":[{"security_id","quantity","lots"?}], "prices":{"<security_id>": price},
          "model":{"positions":[{"security_id","target","low_drift","high_drift"}]},
          "recent_sales"?:[{"security_id","date","quantity","realized_gain"}],
          "options":{"cash_reserve","min_trade_value","lot_sizes":{},"no_buy":[],"no_sell":[],
                     "mode":"target"|"band","deadline_ms","tax"}}   (decimals as strings or numbers)
          lots: [{"lot_id","quantity","unit_cost","acquired":"YYYY-MM-DD"}]
          tax:  {"enabled","short_term_rate","long_term_rate","long_term_days","weight",
                 "wash_sale_days","harvest_losses","as_of"}   (as_of defaults to today, UTC)
Result:  {"id","status":"optimal"|"infeasible"|"timeout"|"invalid"|"failed","objective","quantities",
          "trades":[{"security_id","transaction_type","quantity","lots"?}],"cash_after","tax"?,"reason","solve_ms"}
          lots sold: [{"lot_id","quantity","realized_gain","term":"short"|"long"}]
          tax: {"short_term_gain","short_term_loss","long_term_gain","long_term_loss","estimated_tax"}

Exit codes: 0 answered (whatever each status), 2 usage error or, for FILE.json, an invalid problem.
`;

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
}

/** Opens FILE first, so a missing file is a usage error rather than a stream error mid-way. */
async function openStream(file: string): Promise<NodeJS.ReadableStream> {
  const handle = await open(file, 'r').catch((error: Error) => {
    throw new UsageError(`cannot read ${file}: ${error.message}`);
  });
  return handle.createReadStream();
}

async function solveFile(file: string, io: CliIo, deadlineMs: number): Promise<number> {
  let value: unknown;
  try {
    value = JSON.parse(await readText(file));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${file} is not valid JSON (${(error as Error).message})`);
  }
  const parsed = parseProblem(value);
  if (!parsed.ok) throw new UsageError(`invalid problem: ${parsed.field}: ${parsed.message}`);
  const pool = createSolverPool({ size: 1, defaultDeadlineMs: deadlineMs });
  try {
    const json = resultJson(parsed.id, parsed.input, await pool.solve(parsed.input, undefined, { derive: true }));
    if (json.status === 'invalid') throw new UsageError(`invalid problem: ${json.reason}`);
    await write(io.stdout, `${JSON.stringify(json, null, 2)}\n`);
    return 0;
  } finally {
    await pool.close();
  }
}

async function solveLines(file: string | undefined, io: CliIo, deadlineMs: number, threads: number): Promise<number> {
  const input = file === undefined ? io.stdin : await openStream(file);
  const pool = createSolverPool({ size: threads, defaultDeadlineMs: deadlineMs });
  const started = Date.now();
  try {
    const summary = await solveJsonl(input, io.stdout, pool);
    const counts = Object.entries(summary).map(([status, n]) => `${n} ${status}`).join(', ') || 'no problems';
    io.stderr.write(`ogs solve: ${counts} in ${((Date.now() - started) / 1000).toFixed(2)} s\n`);
    return 0;
  } finally {
    await pool.close();
  }
}

export const command: CliCommand = {
  usage,
  options: {
    jsonl: { type: 'boolean' },
    'deadline-ms': { type: 'string' },
    threads: { type: 'string' },
  },
  async run({ values, positionals }, io) {
    if (positionals.length > 1) throw new UsageError(`expected at most one FILE, got ${positionals.length}`);
    const config = loadConfig(io.env);
    const deadlineMs = positiveIntFlag(values, 'deadline-ms') ?? config.OPTIMIZATION_TIMEOUT * 1000;
    const file = positionals[0];
    if (values.jsonl) {
      return solveLines(file, io, deadlineMs, positiveIntFlag(values, 'threads') ?? config.THREAD_POOL_MAX_WORKERS);
    }
    if (values.threads !== undefined) throw new UsageError('--threads only applies with --jsonl');
    if (file === undefined) throw new UsageError('give a problem FILE.json, or --jsonl to read JSON Lines');
    return solveFile(file, io, deadlineMs);
  },
};

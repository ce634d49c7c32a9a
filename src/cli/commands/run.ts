import { readFile } from 'node:fs/promises';
import { UsageError, write, type CliCommand, type CliIo, type ParsedFlags } from '../command.js';
import { apiCall, apiTarget, followRun, progressReporter, runSummary, type RunJson } from '../runs-client.js';

const usage = `Usage:
  ogs run --model ID [--model ID …]     rebalance every portfolio of these models
  ogs run --portfolios FILE             rebalance the portfolio ids in FILE (JSON array, or one id per line)
  ogs run --all                         rebalance every portfolio of every model

Submits one run, shows its progress live, then prints a summary (portfolios, orders,
infeasible with reasons, throughput, elapsed).

Flags:
  --url URL              API base URL (default: OGS_API_URL, else http://127.0.0.1:8080)
  --mode target|band     band: only trade positions outside their band (default: target)
  --cash-reserve AMOUNT  cash that must remain after trading
  --min-trade-value AMT  skip trades worth less, unless a band forces them
  --propose              results only; orders are written when approved (ogs approve RUN_ID)
  --no-wait              print the submitted run as JSON and return at once
  -h, --help             this text

Environment: OGS_API_KEY is sent as X-API-Key when the API requires keys.
Exit codes: 0 the run completed (with or without infeasible portfolios), 1 it failed or was
cancelled, 2 usage error.
`;

async function portfolioIds(file: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
  const trimmed = text.trim();
  const ids = trimmed.startsWith('[') ? (JSON.parse(trimmed) as unknown[]).map(String) : trimmed.split(/[\s,]+/);
  const clean = ids.map((s) => s.trim()).filter((s) => s.length > 0);
  if (clean.length === 0) throw new UsageError(`${file} holds no portfolio ids`);
  return clean;
}

/** The `POST /api/v1/runs` body from the flags; exactly one selection flag. */
export async function runRequest(values: ParsedFlags): Promise<Record<string, unknown>> {
  const models = (values.model as string[] | undefined) ?? [];
  const chosen = [models.length > 0, values.portfolios !== undefined, values.all === true].filter(Boolean).length;
  if (chosen !== 1) throw new UsageError('give exactly one of --model ID…, --portfolios FILE or --all');
  const options: Record<string, unknown> = {};
  if (values.mode !== undefined) {
    if (values.mode !== 'target' && values.mode !== 'band') throw new UsageError(`--mode must be target or band, got ${String(values.mode)}`);
    options.mode = values.mode;
  }
  if (values['cash-reserve'] !== undefined) options.cash_reserve = String(values['cash-reserve']);
  if (values['min-trade-value'] !== undefined) options.min_trade_value = String(values['min-trade-value']);
  const selection = models.length > 0 ? { model_ids: models } : values.all ? { all: true } : { portfolio_ids: await portfolioIds(String(values.portfolios)) };
  const body: Record<string, unknown> = values.propose ? { ...selection, mode: 'propose' } : selection;
  return Object.keys(options).length > 0 ? { ...body, options } : body;
}

/** Follows a submitted run with a progress display, prints the summary, returns the exit code. */
export async function followAndSummarise(url: string | undefined, run: RunJson, io: CliIo): Promise<number> {
  const target = apiTarget(url, io.env);
  const progress = progressReporter(io.stderr);
  let final: RunJson;
  try {
    final = await followRun(target, run.run_id, (r) => progress.update(r));
  } finally {
    progress.stop();
  }
  await write(io.stdout, await runSummary(target, final));
  return final.status === 'completed' || final.status === 'completed_with_errors' ? 0 : 1;
}

export const command: CliCommand = {
  usage,
  options: {
    url: { type: 'string' },
    model: { type: 'string', multiple: true },
    portfolios: { type: 'string' },
    all: { type: 'boolean' },
    mode: { type: 'string' },
    'cash-reserve': { type: 'string' },
    'min-trade-value': { type: 'string' },
    'no-wait': { type: 'boolean' },
    propose: { type: 'boolean' },
  },
  async run({ values }, io) {
    const body = await runRequest(values);
    const url = values.url as string | undefined;
    const run = await apiCall<RunJson>(apiTarget(url, io.env), 'POST', '/api/v1/runs', body);
    if (values['no-wait']) {
      await write(io.stdout, `${JSON.stringify(run, null, 2)}\n`);
      return 0;
    }
    io.stderr.write(`Submitted run ${run.run_id} (${run.total} portfolios)\n`);
    return followAndSummarise(url, run, io);
  },
};

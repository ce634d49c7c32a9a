import { readFile } from 'node:fs/promises';
import { UsageError, write, type CliCommand, type CliIo, type ParsedFlags } from '../command.js';
import { taxOptionsSchema } from '../../runs/tax-options.js';
import { API_FLAGS, API_FLAGS_USAGE, apiCall, apiTarget, followRun, progressReporter, runSummary, type ApiTarget, type RunJson } from '../runs-client.js';

const usage = `Usage:
  ogs run --model ID [--model ID …]     rebalance every portfolio of these models
  ogs run --portfolios FILE             rebalance the portfolio ids in FILE (JSON array, or one id per line)
  ogs run --all                         rebalance every portfolio of every model

Submits one run, shows its progress live, then prints a summary (portfolios, orders,
infeasible with reasons, throughput, elapsed).

Flags:
${API_FLAGS_USAGE}
  --mode target|band     band: only trade positions outside their band (default: target)
  --cash-reserve AMOUNT  cash that must remain after trading
  --min-trade-value AMT  skip trades worth less, unless a band forces them
  --propose              results only; orders are written when approved (ogs approve RUN_ID)
  --tax                  tax-aware: choose the lots to sell and weigh their tax against drift
                         (portfolios need lots; docs/TAX.md). With --tax:
    --short-term-rate R  rate on short-term gains, in [0, 1] (required)
    --long-term-rate R   rate on long-term gains, in [0, 1] (required)
    --long-term-days N   a lot held longer is long-term (default 365)
    --tax-weight W       dollars of drift repaired that one dollar of tax is worth (default 1)
    --wash-sale-days N   the wash-sale window (default 30)
    --harvest-losses     loss lots may be sold further than drift alone asks, within the band
    --as-of YYYY-MM-DD   trade date the terms and window count from (default: the run's date)
  --no-wait              print the submitted run as JSON and return at once
  -h, --help             this text

Exit codes: 0 the run completed (with or without infeasible portfolios); 1 it failed or was
cancelled, or the API refused the request or could not be reached; 2 usage error (a wrong
flag value, or a --portfolios FILE that cannot be read or holds no ids).
`;

async function portfolioIds(file: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
  const trimmed = text.trim();
  const ids = trimmed.startsWith('[') ? jsonIds(file, trimmed) : trimmed.split(/[\s,]+/);
  const clean = ids.map((s) => s.trim()).filter((s) => s.length > 0);
  if (clean.length === 0) throw new UsageError(`${file} holds no portfolio ids`);
  return clean;
}

function jsonIds(file: string, text: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw new UsageError(`${file} must hold a JSON array of portfolio id strings`);
  return value as string[];
}

const DECIMAL = /^\d{1,20}(\.\d{1,12})?$/;
const HEX_ID = /^[0-9a-fA-F]{24}$/;

/** Every wrong flag value at once, each naming the flag and the value; the tax option when asked for. */
function checkValues(values: ParsedFlags, models: string[]): Record<string, unknown> | undefined {
  const problems: string[] = [];
  const tax = taxOption(values, problems);
  for (const id of models) if (!HEX_ID.test(id)) problems.push(`--model must be a 24-character hex id, got '${id}'`);
  if (values.mode !== undefined && values.mode !== 'target' && values.mode !== 'band') problems.push(`--mode must be target or band, got '${String(values.mode)}'`);
  for (const flag of ['cash-reserve', 'min-trade-value']) {
    const v = values[flag];
    if (v !== undefined && !DECIMAL.test(String(v))) problems.push(`--${flag} must be a decimal amount ≥ 0 such as 100.00, got '${String(v)}'`);
  }
  if (problems.length > 0) throw new UsageError(problems.join('\n  '));
  return tax;
}

/** Each tax flag and the field of the run's `options.tax` it sets. */
const TAX_FLAGS: Record<string, { field: string; kind: 'text' | 'integer' | 'boolean' }> = {
  'short-term-rate': { field: 'short_term_rate', kind: 'text' },
  'long-term-rate': { field: 'long_term_rate', kind: 'text' },
  'long-term-days': { field: 'long_term_days', kind: 'integer' },
  'tax-weight': { field: 'weight', kind: 'text' },
  'wash-sale-days': { field: 'wash_sale_days', kind: 'integer' },
  'harvest-losses': { field: 'harvest_losses', kind: 'boolean' },
  'as-of': { field: 'as_of', kind: 'text' },
};

/**
 * `options.tax` from the flags, checked by the API's own schema so that every wrong value is
 * reported here, named by its flag, into `problems`; undefined without --tax.
 */
function taxOption(values: ParsedFlags, problems: string[]): Record<string, unknown> | undefined {
  const given = Object.keys(TAX_FLAGS).filter((flag) => values[flag] !== undefined);
  if (values.tax !== true) {
    if (given.length > 0) problems.push(`${given.map((f) => `--${f}`).join(', ')} need${given.length === 1 ? 's' : ''} --tax`);
    return undefined;
  }
  const tax: Record<string, unknown> = { enabled: true };
  for (const flag of given) {
    const { field, kind } = TAX_FLAGS[flag] as (typeof TAX_FLAGS)[string];
    const text = String(values[flag]);
    if (kind === 'integer' && !/^\d{1,6}$/.test(text)) problems.push(`--${flag} must be a whole number of days, got '${text}'`);
    else tax[field] = kind === 'boolean' ? true : kind === 'integer' ? Number(text) : text;
  }
  const checked = taxOptionsSchema.safeParse(tax);
  if (checked.success) return tax;
  const byField = new Map(Object.entries(TAX_FLAGS).map(([flag, { field }]) => [field, flag]));
  for (const issue of checked.error.issues) {
    const flag = byField.get(String(issue.path[0] ?? '')) ?? String(issue.path[0] ?? 'tax');
    const value = values[flag];
    problems.push(`--${flag} ${issue.message}${value === undefined ? '' : `, got '${String(value)}'`}`);
  }
  return undefined;
}

/** The `POST /api/v1/runs` body from the flags; exactly one selection flag. */
export async function runRequest(values: ParsedFlags): Promise<Record<string, unknown>> {
  const models = (values.model as string[] | undefined) ?? [];
  const chosen = [models.length > 0, values.portfolios !== undefined, values.all === true].filter(Boolean).length;
  if (chosen !== 1) throw new UsageError('give exactly one of --model ID…, --portfolios FILE or --all');
  const tax = checkValues(values, models);
  const options: Record<string, unknown> = {};
  if (values.mode !== undefined) options.mode = values.mode;
  if (values['cash-reserve'] !== undefined) options.cash_reserve = String(values['cash-reserve']);
  if (values['min-trade-value'] !== undefined) options.min_trade_value = String(values['min-trade-value']);
  if (tax !== undefined) options.tax = tax;
  const selection = models.length > 0 ? { model_ids: models } : values.all ? { all: true } : { portfolio_ids: await portfolioIds(String(values.portfolios)) };
  const body: Record<string, unknown> = values.propose ? { ...selection, mode: 'propose' } : selection;
  return Object.keys(options).length > 0 ? { ...body, options } : body;
}

/** Follows a submitted run with a progress display, prints the summary, returns the exit code. */
export async function followAndSummarise(target: ApiTarget, run: RunJson, io: CliIo): Promise<number> {
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
    ...API_FLAGS,
    model: { type: 'string', multiple: true },
    portfolios: { type: 'string' },
    all: { type: 'boolean' },
    mode: { type: 'string' },
    'cash-reserve': { type: 'string' },
    'min-trade-value': { type: 'string' },
    'no-wait': { type: 'boolean' },
    propose: { type: 'boolean' },
    tax: { type: 'boolean' },
    'short-term-rate': { type: 'string' },
    'long-term-rate': { type: 'string' },
    'long-term-days': { type: 'string' },
    'tax-weight': { type: 'string' },
    'wash-sale-days': { type: 'string' },
    'harvest-losses': { type: 'boolean' },
    'as-of': { type: 'string' },
  },
  async run({ values }, io) {
    const body = await runRequest(values);
    const target = apiTarget(values.url as string | undefined, io.env, values['api-key'] as string | undefined);
    const run = await apiCall<RunJson>(target, 'POST', '/api/v1/runs', body);
    if (values['no-wait']) {
      await write(io.stdout, `${JSON.stringify(run, null, 2)}\n`);
      return 0;
    }
    io.stderr.write(`Submitted run ${run.run_id} (${run.total} portfolios)\n`);
    return followAndSummarise(target, run, io);
  },
};

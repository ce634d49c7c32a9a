import cliProgress from 'cli-progress';
import { addRecentSales, ImportFileError, readImportFile, toBatches, locate, type ImportBatch, type ImportFile, type ImportKind } from '../../market-data/import-file.js';
import { validateHoldingsRows, validatePriceRows, type RowError } from '../../market-data/row-validation.js';
import { positiveIntFlag, UsageError, write, type CliCommand, type CliIo } from '../command.js';
import { networkReason } from '../runs-client.js';

const usage = `Usage:
  ogs import holdings FILE.csv|FILE.json [--recent-sales SALES.csv] [--url URL] [--api-key KEY] [--batch N]
  ogs import prices   FILE.csv|FILE.json [--url URL] [--api-key KEY] [--batch N]

Uploads snapshot market data through the API (PUT /api/v1/portfolios/holdings, PUT /api/v1/prices).

Files:
  holdings CSV  header portfolio_id,cash,security_id,quantity; one line per holding with the
                portfolio's cash repeated; a line with empty security_id and quantity is a
                cash-only portfolio. Each listed portfolio's snapshot is replaced as a whole.
                Tax lots: add the columns lot_id,lot_quantity,unit_cost,acquired (YYYY-MM-DD)
                and write one line per lot, the holding's quantity repeated on each; the lots
                must add up to it. Recent sales (wash-sale window): --recent-sales, or a
                JSON file.
                An optional name column names the portfolio (shown next to its id).
  recent sales  --recent-sales SALES.csv: header portfolio_id,security_id,date,quantity,
                realized_gain (negative for a loss); one line per sale of the last weeks. Each
                sale's portfolio must be in the holdings file (it is replaced whole).
  prices CSV    header security_id,price; an optional ticker column (shown next to the id)
  JSON          the API body: [{portfolio_id, name?, cash, holdings:[{security_id, quantity, lots?}], recent_sales?}]
                or [{security_id, price, ticker?}]

The whole file is checked first; if any line is bad nothing is sent and every bad line is
listed. Then it goes in batches; each batch is all-or-nothing. If a batch fails, the batches
before it stay written and the report says which lines they covered.

Flags:
  --url URL      API base URL (default: OGS_API_URL, else http://127.0.0.1:8080)
  --api-key KEY  sent as X-API-Key (default: OGS_API_KEY)
  --batch N      CSV lines per request; a portfolio is never split (default 2000)
  --recent-sales SALES.csv
                 recent sales to add to the holdings file's portfolios (holdings only)
  -h, --help     this text

Exit codes: 0 all written; 1 the file cannot be imported (missing, unreadable, not CSV/JSON,
wrong header or delimiter, bad lines) or a batch was refused or the API unreachable (nothing
half-written silently); 2 usage error (wrong flags or arguments).
`;

const ENDPOINT: Record<ImportKind, string> = { holdings: '/api/v1/portfolios/holdings', prices: '/api/v1/prices' };
/** Bad lines listed; the count covers all of them. */
const SHOWN_ERRORS = 200;

interface Counts {
  upserted: number;
  modified: number;
  matched: number;
}

type BatchAnswer = { ok: true; counts: Counts } | { ok: false; message: string; errors: RowError[]; errorCount: number };

async function send(url: string, apiKey: string | undefined, kind: ImportKind, batch: ImportBatch): Promise<BatchAnswer> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json' };
  if (apiKey) headers['X-API-Key'] = apiKey;
  let res: Response;
  try {
    res = await fetch(`${url}${ENDPOINT[kind]}`, { method: 'PUT', headers, body: JSON.stringify(batch.rows) });
  } catch (error) {
    return { ok: false, message: `cannot reach PUT ${url}${ENDPOINT[kind]}: ${networkReason(error)}`, errors: [], errorCount: 0 };
  }
  const json = (await res.json().catch(() => ({}))) as Partial<Counts> & { detail?: string; errors?: RowError[]; error_count?: number };
  if (res.ok) return { ok: true, counts: { upserted: json.upserted ?? 0, modified: json.modified ?? 0, matched: json.matched ?? 0 } };
  const errors = Array.isArray(json.errors) ? json.errors : [];
  return { ok: false, message: `HTTP ${res.status}: ${json.detail ?? res.statusText}`, errors, errorCount: json.error_count ?? errors.length };
}

/** Bad lines in the whole file, checked with the API's own rules before anything is sent. */
function preflight(kind: ImportKind, file: ImportFile): string[] {
  const validated = kind === 'holdings' ? validateHoldingsRows(file.rows, SHOWN_ERRORS) : validatePriceRows(file.rows, SHOWN_ERRORS);
  const lines = [...file.problems];
  if (!validated.ok) {
    for (const e of validated.errors) lines.push(`${locate(e.field, file.origins)}: ${e.message}`);
    if (validated.errorCount > validated.errors.length) lines.push(`… and ${validated.errorCount - validated.errors.length} more`);
  }
  return lines;
}

function lineRange(batch: ImportBatch): string {
  const lines = batch.origins.flatMap((o) => [o.line, ...o.holdingLines]).filter((l): l is number => l !== null);
  return lines.length > 0 ? `lines ${Math.min(...lines)}–${Math.max(...lines)}` : `${batch.rows.length} rows`;
}

/** A bar on a terminal, a line per batch elsewhere (logs). */
function progress(stream: NodeJS.WritableStream, total: number, unit: string) {
  if ((stream as NodeJS.WriteStream).isTTY === true) {
    const bar = new cliProgress.SingleBar({ stream, format: `{bar} {percentage}% | {value}/{total} ${unit} | batch {batch}`, hideCursor: true }, cliProgress.Presets.shades_classic);
    bar.start(total, 0, { batch: '-' });
    return { update: (done: number, batch: string) => bar.update(done, { batch }), stop: () => bar.stop() };
  }
  return { update: (done: number, batch: string) => void stream.write(`batch ${batch} written: ${done}/${total} ${unit}\n`), stop: () => undefined };
}

async function upload(kind: ImportKind, file: ImportFile, opts: { url: string; apiKey?: string; batch: number }, io: CliIo): Promise<number> {
  const batches = toBatches(file, opts.batch);
  const total = batches.reduce((n, b) => n + b.size, 0);
  const unit = kind === 'holdings' ? 'holding lines' : 'prices';
  const sum: Counts = { upserted: 0, modified: 0, matched: 0 };
  const bar = progress(io.stderr, total, unit);
  let done = 0;
  let rowOffset = 0;
  for (const [i, batch] of batches.entries()) {
    const answer = await send(opts.url, opts.apiKey, kind, batch);
    if (!answer.ok) {
      bar.stop();
      const report = [`batch ${i + 1}/${batches.length} (${lineRange(batch)}) was refused, nothing of it written: ${answer.message}`];
      for (const e of answer.errors.slice(0, SHOWN_ERRORS)) report.push(`  ${locate(e.field, batch.origins, rowOffset)}: ${e.message}`);
      if (answer.errorCount > Math.min(answer.errors.length, SHOWN_ERRORS)) report.push(`  … ${answer.errorCount} errors in all`);
      report.push(
        i === 0
          ? 'Nothing was written.'
          : `Batches 1–${i} (${done}/${total} ${unit}) were written and stay written; batches ${i + 1}–${batches.length} were not sent.`,
      );
      await write(io.stderr, `${report.join('\n')}\n`);
      return 1;
    }
    for (const key of ['upserted', 'modified', 'matched'] as const) sum[key] += answer.counts[key];
    done += batch.size;
    rowOffset += batch.rows.length;
    bar.update(done, `${i + 1}/${batches.length}`);
  }
  bar.stop();
  const what = kind === 'holdings' ? `${file.rows.length} portfolios (${total} holding lines)` : `${file.rows.length} prices`;
  await write(io.stdout, `Imported ${what} in ${batches.length} batch(es): ${sum.upserted} new, ${sum.modified} modified, ${sum.matched} matched.\n`);
  return 0;
}

export const command: CliCommand = {
  usage,
  options: {
    url: { type: 'string' },
    'api-key': { type: 'string' },
    batch: { type: 'string' },
    'recent-sales': { type: 'string' },
  },
  async run({ values, positionals }, io) {
    const [kind, path, ...extra] = positionals;
    if (kind !== 'holdings' && kind !== 'prices') throw new UsageError(`say what to import: holdings or prices, got ${String(kind)}`);
    if (!path || extra.length > 0) throw new UsageError('give exactly one FILE.csv or FILE.json');
    const sales = values['recent-sales'] as string | undefined;
    if (sales !== undefined && kind !== 'holdings') throw new UsageError('--recent-sales goes with ogs import holdings');
    let file: ImportFile;
    try {
      file = await readImportFile(kind, path);
      if (sales !== undefined) await addRecentSales(file, sales);
    } catch (error) {
      if (!(error instanceof ImportFileError)) throw error;
      await write(io.stderr, `ogs import: cannot import ${error.message}; nothing was sent.\n`);
      return 1;
    }
    const bad = preflight(kind, file);
    if (bad.length > 0) {
      await write(io.stderr, `${path} has problems; nothing was sent:\n${bad.map((l) => `  ${l}`).join('\n')}\n`);
      return 1;
    }
    const url = ((values.url as string | undefined) ?? io.env.OGS_API_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
    const apiKey = (values['api-key'] as string | undefined) ?? (io.env.OGS_API_KEY || undefined);
    return upload(kind, file, { url, apiKey, batch: positiveIntFlag(values, 'batch') ?? 2000 }, io);
  },
};

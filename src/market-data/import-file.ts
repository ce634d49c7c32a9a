import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse';
import { canonicalDecimal } from './decimal-text.js';

/** Which upload a file feeds. */
export type ImportKind = 'holdings' | 'prices';

/** Where each request row (and, for holdings, each holding) came from in the file. */
export interface RowOrigin {
  /** 1-based file line of the row (its first line for holdings); null for JSON files. */
  line: number | null;
  /** 1-based file line of each holding, in order (holdings CSV only). */
  holdingLines: number[];
  /** Per holding, the 1-based file line of each of its lots (holdings CSV with lot columns only). */
  lotLines?: number[][];
  /** The file and 1-based line of each of the row's recent sales (from a recent-sales CSV only). */
  saleLines?: { file: string; lines: number[] };
}

/** A file read into API request rows, with their origins, and problems only the file shows. */
export interface ImportFile {
  rows: Record<string, unknown>[];
  origins: RowOrigin[];
  /** E.g. a portfolio whose rows disagree on its cash; the API cannot see those. */
  problems: string[];
}

interface CsvRecord {
  record: Record<string, string>;
  info: { lines: number };
}

const COLUMNS: Record<ImportKind, string[]> = {
  holdings: ['portfolio_id', 'cash', 'security_id', 'quantity'],
  prices: ['security_id', 'price'],
};

/** Optional holdings columns, all or none: one line per tax lot, the holding's quantity repeated on each. */
const LOT_COLUMNS = ['lot_id', 'lot_quantity', 'unit_cost', 'acquired'];

/** A file that cannot be imported: the message says which file and why, for a person to fix. */
export class ImportFileError extends Error {
  override readonly name = 'ImportFileError';
}

const FS_REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'is a directory, not a file',
  EMFILE: 'too many open files',
};

/** `missing.csv: no such file` rather than a raw `ENOENT: …, open 'missing.csv'`. */
function fileError(file: string, error: unknown): ImportFileError {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && FS_REASONS[code]) return new ImportFileError(`${file}: ${FS_REASONS[code]}`);
  if (typeof code === 'string' && code.startsWith('CSV_')) {
    const line = (error as { lines?: unknown }).lines;
    return new ImportFileError(`${file}${typeof line === 'number' ? ` line ${line}` : ''}: malformed CSV (${(error as Error).message})`);
  }
  return new ImportFileError(`${file}: ${error instanceof Error ? error.message : String(error)}`);
}

/** The read stream's errors (missing file, a directory) reach the parser, so the loop throws them instead of crashing the process. */
function csvRecords(file: string): AsyncIterable<CsvRecord> {
  const parser = parse({ columns: true, info: true, trim: true, skip_empty_lines: true, bom: true });
  createReadStream(file)
    .on('error', (error) => parser.destroy(error))
    .pipe(parser);
  return parser as AsyncIterable<CsvRecord>;
}

/** Throws, naming what is missing and what was found, unless the header names every one of `columns`. */
function requireColumns(what: string, columns: readonly string[], record: Record<string, string>): void {
  const missing = columns.filter((c) => !(c in record));
  if (missing.length === 0) return;
  const header = Object.keys(record).join(',');
  const hint = /[;\t|]/.test(header) ? ' (the file seems to use another delimiter: it must be a comma)' : '';
  throw new Error(`the ${what} CSV header must name ${columns.join(',')}; missing ${missing.join(',')}, found ${JSON.stringify(header)}${hint}`);
}

function checkHeader(kind: ImportKind, record: Record<string, string>): void {
  requireColumns(kind, COLUMNS[kind], record);
  const lotColumns = LOT_COLUMNS.filter((c) => c in record);
  if (kind === 'holdings' && lotColumns.length > 0 && lotColumns.length < LOT_COLUMNS.length) {
    const absent = LOT_COLUMNS.filter((c) => !(c in record));
    throw new Error(`a holdings CSV with tax lots must name all of ${LOT_COLUMNS.join(',')}; missing ${absent.join(',')}`);
  }
}

interface HoldingsEntry {
  row: { portfolio_id: string; name?: string; cash: string; holdings: Record<string, unknown>[] };
  origin: RowOrigin & { lotLines: number[][] };
  /** Index in `row.holdings` of each security's holding that has lots. */
  lotted: Map<string, number>;
}

/**
 * A lot line: the lot joins its security's holding (created on its first lot line), whose
 * quantity every lot line repeats; the API checks that the lots add up to it.
 */
function addLot(entry: HoldingsEntry, record: Record<string, string>, line: number, problems: string[]): void {
  const { security_id: sid = '', quantity = '', lot_id: lotId = '', lot_quantity: lotQuantity = '', unit_cost: unitCost = '', acquired = '' } = record;
  let index = entry.lotted.get(sid);
  if (index === undefined) {
    index = entry.row.holdings.length;
    entry.lotted.set(sid, index);
    entry.row.holdings.push({ security_id: sid, quantity, lots: [] });
    entry.origin.holdingLines.push(line);
  }
  const holding = entry.row.holdings[index]!;
  if (holding.quantity !== quantity) {
    const first = entry.origin.holdingLines[index];
    problems.push(`line ${line}: quantity ${JSON.stringify(quantity)} differs from ${JSON.stringify(holding.quantity)} on line ${first} for security ${sid} of portfolio ${entry.row.portfolio_id}`);
  }
  (holding.lots as unknown[]).push({ lot_id: lotId, quantity: lotQuantity, unit_cost: unitCost, acquired });
  (entry.origin.lotLines[index] ??= []).push(line);
}

/**
 * Holdings CSV: one line per holding, cash (and the optional `name` column) repeated on each;
 * a line with an empty security_id is a cash-only portfolio. With the lot columns, a line with a
 * lot_id is one tax lot (see {@link addLot}). Lines of one portfolio need not be adjacent: they
 * are gathered so each portfolio goes whole into one request (an upload replaces it).
 */
async function readHoldingsCsv(file: string): Promise<ImportFile> {
  const byPortfolio = new Map<string, HoldingsEntry>();
  const problems: string[] = [];
  let headerChecked = false;
  for await (const { record, info } of csvRecords(file)) {
    if (!headerChecked) checkHeader('holdings', record);
    headerChecked = true;
    const { portfolio_id: pid = '', cash = '', security_id: sid = '', quantity = '', lot_id: lotId = '', name = '' } = record;
    let entry = byPortfolio.get(pid);
    if (!entry) {
      entry = { row: { portfolio_id: pid, cash, holdings: [] }, origin: { line: info.lines, holdingLines: [], lotLines: [] }, lotted: new Map() };
      byPortfolio.set(pid, entry);
    }
    // The name may be on any of the portfolio's lines (the first non-empty one counts).
    if (name !== '' && entry.row.name === undefined) entry.row.name = name;
    if (cash !== entry.row.cash && (canonicalDecimal(cash) ?? cash) !== (canonicalDecimal(entry.row.cash) ?? entry.row.cash)) {
      problems.push(`line ${info.lines}: cash ${JSON.stringify(cash)} differs from ${JSON.stringify(entry.row.cash)} on line ${entry.origin.line} for portfolio ${pid}`);
    }
    if (lotId !== '') {
      addLot(entry, record, info.lines, problems);
      continue;
    }
    if (sid === '' && quantity === '') continue;
    entry.row.holdings.push({ security_id: sid, quantity });
    entry.origin.holdingLines.push(info.lines);
  }
  const entries = [...byPortfolio.values()];
  return { rows: entries.map((e) => e.row), origins: entries.map((e) => e.origin), problems };
}

async function readPricesCsv(file: string): Promise<ImportFile> {
  const rows: Record<string, unknown>[] = [];
  const origins: RowOrigin[] = [];
  let headerChecked = false;
  for await (const { record, info } of csvRecords(file)) {
    if (!headerChecked) checkHeader('prices', record);
    headerChecked = true;
    rows.push({ security_id: record.security_id, price: record.price, ticker: record.ticker });
    origins.push({ line: info.lines, holdingLines: [] });
  }
  return { rows, origins, problems: [] };
}

async function readJson(file: string): Promise<ImportFile> {
  const text = await readFile(file, 'utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`not valid JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(value)) throw new Error('a JSON import file must hold an array of rows, as the API body');
  return { rows: value as Record<string, unknown>[], origins: value.map(() => ({ line: null, holdingLines: [] })), problems: [] };
}

/** Reads a `.csv` (streamed) or `.json` import file. Throws {@link ImportFileError} on unreadable or malformed files. */
export async function readImportFile(kind: ImportKind, file: string): Promise<ImportFile> {
  if (!/\.(json|csv)$/i.test(file)) throw new ImportFileError(`${file}: cannot tell the format; name it .csv or .json`);
  try {
    if (/\.json$/i.test(file)) return await readJson(file);
    return kind === 'holdings' ? await readHoldingsCsv(file) : await readPricesCsv(file);
  } catch (error) {
    throw fileError(file, error);
  }
}

/** Columns of a recent-sales CSV: one line per sale. */
const SALES_COLUMNS = ['portfolio_id', 'security_id', 'date', 'quantity', 'realized_gain'];

/**
 * Adds the sales of a recent-sales CSV (`portfolio_id,security_id,date,quantity,realized_gain`,
 * one line per sale, negative gain for a loss) to the rows of a holdings import as their
 * `recent_sales`. A sale must belong to a portfolio of the holdings file, since an upload replaces
 * each listed portfolio whole; sales of a row that already has `recent_sales` are refused too.
 * Those go to `file.problems`; an unreadable or malformed file throws {@link ImportFileError}.
 */
export async function addRecentSales(file: ImportFile, salesFile: string): Promise<void> {
  if (!/\.csv$/i.test(salesFile)) throw new ImportFileError(`${salesFile}: a recent-sales file must be a .csv`);
  const rowOf = new Map<unknown, number>();
  file.rows.forEach((row, i) => rowOf.set(row.portfolio_id, i));
  const had = new Set(file.rows.flatMap((row, i) => (row.recent_sales === undefined ? [] : [i])));
  let headerChecked = false;
  try {
    for await (const { record, info } of csvRecords(salesFile)) {
      if (!headerChecked) requireColumns('recent-sales', SALES_COLUMNS, record);
      headerChecked = true;
      const { portfolio_id: pid = '', security_id: sid = '', date = '', quantity = '', realized_gain: gain = '' } = record;
      const i = rowOf.get(pid);
      if (i === undefined) {
        file.problems.push(`${salesFile} line ${info.lines}: portfolio ${JSON.stringify(pid)} is not in the holdings file (an upload replaces a portfolio whole, so its sales need its holdings)`);
        continue;
      }
      if (had.has(i)) {
        file.problems.push(`${salesFile} line ${info.lines}: portfolio ${pid} already has recent_sales in the holdings file; give them in one place`);
        continue;
      }
      const row = file.rows[i] as Record<string, unknown>;
      const origin = file.origins[i] as RowOrigin;
      ((row.recent_sales ??= []) as unknown[]).push({ security_id: sid, date, quantity, realized_gain: gain });
      (origin.saleLines ??= { file: salesFile, lines: [] }).lines.push(info.lines);
    }
  } catch (error) {
    throw fileError(salesFile, error);
  }
}

/** One request's worth of rows, with where they came from. */
export interface ImportBatch {
  rows: Record<string, unknown>[];
  origins: RowOrigin[];
  /** CSV lines (holdings) or rows (prices) the batch carries. */
  size: number;
}

/** CSV lines a holding took: one per lot, or one. */
function linesOf(holding: unknown): number {
  const lots = (holding as { lots?: unknown } | null)?.lots;
  return Array.isArray(lots) && lots.length > 0 ? lots.length : 1;
}

/**
 * Splits rows into requests of at most `maxSize` CSV lines; a portfolio is never split
 * (one bigger than `maxSize` travels alone), since each upload replaces a whole portfolio.
 */
export function toBatches(file: ImportFile, maxSize: number): ImportBatch[] {
  const batches: ImportBatch[] = [];
  let current: ImportBatch = { rows: [], origins: [], size: 0 };
  file.rows.forEach((row, i) => {
    const size = Math.max(1, Array.isArray(row.holdings) ? row.holdings.reduce((n: number, h) => n + linesOf(h), 0) : 1);
    if (current.rows.length > 0 && current.size + size > maxSize) {
      batches.push(current);
      current = { rows: [], origins: [], size: 0 };
    }
    current.rows.push(row);
    current.origins.push(file.origins[i] ?? { line: null, holdingLines: [] });
    current.size += size;
  });
  if (current.rows.length > 0) batches.push(current);
  return batches;
}

/**
 * Turns an API error field (`rows[3].holdings[1].quantity`, relative to one request) into
 * where it is in the file: `line 42 (quantity)`, or the row path for JSON files.
 */
export function locate(field: string, origins: readonly RowOrigin[], rowOffset = 0): string {
  const sale = /^rows\[(\d+)\]\.recent_sales\[(\d+)\](?:\.(\w+))?/.exec(field);
  const saleLines = sale ? origins[Number(sale[1])]?.saleLines : undefined;
  const saleLine = sale ? saleLines?.lines[Number(sale[2])] : undefined;
  if (sale && saleLines && saleLine !== undefined) return `${saleLines.file} line ${saleLine} (${sale[3] ?? 'sale'})`;
  const m = /^rows\[(\d+)\](?:\.holdings\[(\d+)\])?(?:\.lots\[(\d+)\])?(?:\.(\w+))?/.exec(field);
  if (!m) return field;
  const row = Number(m[1]);
  const origin = origins[row];
  const lot = m[3] !== undefined && m[2] !== undefined ? origin?.lotLines?.[Number(m[2])]?.[Number(m[3])] : undefined;
  // A lot's own quantity is the lot_quantity column; `quantity` is the holding's.
  const column = m[3] !== undefined && m[4] === 'quantity' ? 'lot_quantity' : (m[4] ?? (m[3] !== undefined ? 'lot' : m[2] !== undefined ? 'holding' : 'row'));
  const holdingLine = m[2] !== undefined ? origin?.holdingLines[Number(m[2])] : undefined;
  const line = lot ?? holdingLine ?? origin?.line ?? null;
  if (line === null) return field.replace(/^rows\[\d+\]/, `rows[${row + rowOffset}]`);
  return `line ${line} (${column})`;
}

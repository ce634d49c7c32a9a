/**
 * The problem JSON the CLI reads (snake_case, as the API spells it), parsed with zod into the
 * optimizer's `ProblemInput`. The schema checks shapes; the optimizer checks values (signs, bands,
 * duplicates), so every rule lives in one place and both report the offending field.
 */
import { Decimal } from 'decimal.js';
import { z } from 'zod';
import type { HoldingInput, ProblemInput, SolveOptions } from '../core/optimizer/types.js';
import { taxOptionsSchema, toTaxOptions } from '../runs/tax-options.js';

/**
 * JSON numbers become their shortest decimal string (`String(n)`), written out without an
 * exponent because the optimizer takes plain decimals only: `1e-7` → `"0.0000001"`.
 */
function numberToDecimal(value: number): string {
  const text = String(value);
  return /e/i.test(text) ? new Decimal(text).toFixed() : text;
}

const decimal = z.union(
  [z.string(), z.number().refine(Number.isFinite, 'must be a finite number').transform(numberToDecimal)],
  { error: 'must be a decimal, as a string ("12.50") or a number' },
);
const shares = z.union([z.number(), z.string().regex(/^\d+$/, 'must be a whole number').transform(Number)], {
  error: 'must be a whole number of shares',
});
const securityId = z.string();

const lotSchema = z.strictObject({ lot_id: z.string(), quantity: shares, unit_cost: decimal, acquired: z.string() });
const holdingSchema = z.strictObject({ security_id: securityId, quantity: shares, lots: z.array(lotSchema).optional() });
const saleSchema = z.strictObject({ security_id: securityId, date: z.string(), quantity: shares, realized_gain: decimal });
const positionSchema = z.strictObject({ security_id: securityId, target: decimal, low_drift: decimal, high_drift: decimal });

const optionsSchema = z.strictObject({
  cash_reserve: decimal.optional(),
  min_trade_value: decimal.optional(),
  lot_sizes: z.record(securityId, z.number().int().positive()).optional(),
  no_buy: z.array(securityId).optional(),
  no_sell: z.array(securityId).optional(),
  mode: z.enum(['target', 'band']).optional(),
  deadline_ms: z.number().positive().optional(),
  tax: taxOptionsSchema.optional(),
});

/** One problem as JSON. `options` and each of its keys are optional. */
export const problemSchema = z.strictObject({
  id: z.union([z.string(), z.number()]).optional(),
  cash: decimal,
  holdings: z.array(holdingSchema),
  prices: z.record(securityId, decimal),
  model: z.strictObject({ positions: z.array(positionSchema) }),
  recent_sales: z.array(saleSchema).optional(),
  options: optionsSchema.optional(),
});

export type ProblemJson = z.output<typeof problemSchema>;

/** A problem's `id` as given (string or number), or null. */
export type ProblemId = string | number | null;

/** A parsed problem, or why it could not be parsed. */
export type ParsedProblem =
  | { ok: true; id: ProblemId; input: ProblemInput }
  | { ok: false; id: ProblemId; field: string; message: string };

/** `['holdings', 0, 'quantity']` → `holdings[0].quantity`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`))
    .join('');
}

function toOptions(options: ProblemJson['options'], today: Date): SolveOptions | undefined {
  if (!options) return undefined;
  const mapped: SolveOptions = {
    cashReserve: options.cash_reserve,
    minTradeValue: options.min_trade_value,
    lotSizes: options.lot_sizes,
    noBuy: options.no_buy,
    noSell: options.no_sell,
    mode: options.mode,
    deadlineMs: options.deadline_ms,
    tax: options.tax && toTaxOptions(options.tax, today),
  };
  return Object.fromEntries(Object.entries(mapped).filter(([, v]) => v !== undefined)) as SolveOptions;
}

function toHolding(h: ProblemJson['holdings'][number]): HoldingInput {
  if (h.lots === undefined) return { securityId: h.security_id, quantity: h.quantity };
  return { securityId: h.security_id, quantity: h.quantity, lots: h.lots.map((l) => ({ lotId: l.lot_id, quantity: l.quantity, unitCost: l.unit_cost, acquired: l.acquired })) };
}

/** Maps the snake_case JSON onto the optimizer's input; a tax `as_of` left out is `today` (UTC). */
export function toProblemInput(json: ProblemJson, today = new Date()): ProblemInput {
  const input: ProblemInput = {
    cash: json.cash,
    holdings: json.holdings.map(toHolding),
    prices: json.prices,
    positions: json.model.positions.map((p) => ({
      securityId: p.security_id,
      target: p.target,
      lowDrift: p.low_drift,
      highDrift: p.high_drift,
    })),
  };
  if (json.recent_sales) {
    input.recentSales = json.recent_sales.map((s) => ({ securityId: s.security_id, date: s.date, quantity: s.quantity, realizedGain: s.realized_gain }));
  }
  const options = toOptions(json.options, today);
  return options ? { ...input, options } : input;
}

function idOf(value: unknown): ProblemId {
  const id = (value as { id?: unknown } | null)?.id;
  return typeof id === 'string' || typeof id === 'number' ? id : null;
}

/** The value at `path` in `root`, shown short in messages (`got "abc"`, `got true`). */
function shown(root: unknown, path: readonly PropertyKey[]): string {
  let at: unknown = root;
  for (const part of path) at = at !== null && typeof at === 'object' ? (at as Record<PropertyKey, unknown>)[part] : undefined;
  if (at === undefined) return 'nothing';
  const text = JSON.stringify(at) ?? String(at);
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
}

/** One zod issue as `field` and `message, got VALUE`; an unknown key is named as the field. */
function describeIssue(root: unknown, issue: z.core.$ZodIssue): { field: string; message: string } {
  const path = [...issue.path];
  if (issue.code === 'unrecognized_keys') {
    return { field: fieldPath([...path, issue.keys[0] ?? '']) || '(problem)', message: `unknown key${issue.keys.length > 1 ? `s ${issue.keys.join(', ')}` : ''}` };
  }
  return { field: fieldPath(path) || '(problem)', message: `${issue.message}, got ${shown(root, path)}` };
}

/**
 * Validates one parsed JSON value. Every problem is reported: the first names `field`, the
 * others follow in `message` (`…; also holdings[1].quantity: …`), each with the value found.
 */
export function parseProblem(value: unknown): ParsedProblem {
  const parsed = problemSchema.safeParse(value);
  if (parsed.success) return { ok: true, id: parsed.data.id ?? null, input: toProblemInput(parsed.data) };
  const [first, ...rest] = parsed.error.issues.map((issue) => describeIssue(value, issue));
  const others = rest.map((r) => `; also ${r.field}: ${r.message}`).join('');
  return { ok: false, id: idOf(value), field: first?.field ?? '(problem)', message: `${first?.message ?? 'invalid problem'}${others}` };
}

/** Parses one line of JSON Lines; unparsable JSON is reported against the field `json`. */
export function parseProblemLine(line: string): ParsedProblem {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return { ok: false, id: null, field: 'json', message: `not valid JSON (${(error as Error).message})` };
  }
  return parseProblem(value);
}

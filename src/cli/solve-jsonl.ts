import { createInterface } from 'node:readline';
import type { SolverPool } from '../solver-pool/index.js';
import { write } from './command.js';
import { parseProblemLine } from './problem-schema.js';
import { invalidJson, resultJson } from './result-json.js';

/**
 * Lines solved together. Two windows are in flight at once (one solving while the next is read
 * and parsed), so memory stays bounded by the window, not the input, and `solveMany` still gets
 * batches large enough to spread over the threads.
 */
export const WINDOW_LINES = 256;

/** How many answers of each status were written. */
export type JsonlSummary = Record<string, number>;

async function solveWindow(lines: string[], pool: SolverPool, summary: JsonlSummary): Promise<string> {
  const parsed = lines.map(parseProblemLine);
  const problems = parsed.flatMap((p) => (p.ok ? [p.input] : []));
  const results = await pool.solveMany(problems, undefined, { derive: true });
  let next = 0;
  const out = parsed.map((p) => {
    const json = p.ok ? resultJson(p.id, p.input, results[next++]!) : invalidJson(p.id, p.field, p.message);
    summary[json.status] = (summary[json.status] ?? 0) + 1;
    return JSON.stringify(json);
  });
  return `${out.join('\n')}\n`;
}

/**
 * Reads one problem per line and writes one result per line, in input order. Blank lines are
 * skipped; a line that is not a valid problem (even unparsable JSON) gets an `invalid` result
 * and the rest carry on.
 */
export async function solveJsonl(
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
  pool: SolverPool,
): Promise<JsonlSummary> {
  const summary: JsonlSummary = {};
  let window: string[] = [];
  let solving: Promise<string> | null = null;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    if (line.trim() === '') continue;
    window.push(line);
    if (window.length < WINDOW_LINES) continue;
    const next = solveWindow(window, pool, summary);
    window = [];
    if (solving) await write(output, await solving);
    solving = next;
  }
  const last = window.length > 0 ? solveWindow(window, pool, summary) : null;
  if (solving) await write(output, await solving);
  if (last) await write(output, await last);
  return summary;
}

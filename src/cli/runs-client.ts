import cliProgress from 'cli-progress';

/** Where the CLI finds the API. */
export interface ApiTarget {
  /** Base URL. @defaultValue `OGS_API_URL`, else `http://127.0.0.1:8080` */
  url: string;
  /** Sent as `X-API-Key` on every call (reads need a `read` key when keys are configured). @defaultValue `--api-key`, else `OGS_API_KEY` */
  apiKey?: string;
}

/** A run as `GET /api/v1/runs/{id}` returns it (the fields the CLI reads). */
export interface RunJson {
  run_id: string;
  status: string;
  total: number;
  processed: number;
  succeeded: number;
  infeasible: number;
  timed_out: number;
  failed: number;
  /** Orders stored so far; absent from servers older than this field. */
  orders?: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  elapsed_ms: number | null;
}

export interface Page<T> {
  items: T[];
  total: number;
}

export interface ResultJson {
  portfolio_id: string;
  model_id: string;
  status: string;
  reason: string | null;
}

export const FINAL_STATUSES = new Set(['completed', 'completed_with_errors', 'failed', 'cancelled']);

/** An HTTP answer that is not 2xx, carrying the `detail` the API sent. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    detail: string,
  ) {
    super(`HTTP ${status}: ${detail}`);
  }
}

/** The API could not be reached or did not answer: names the URL and the reason. */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';
}

/** How long one request may take (a long poll asks for at most a few seconds). */
const REQUEST_TIMEOUT_MS = 60_000;

/** The flags every API-calling command takes. */
export const API_FLAGS = { url: { type: 'string' }, 'api-key': { type: 'string' } } as const;

export const API_FLAGS_USAGE = `  --url URL              API base URL (default: OGS_API_URL, else http://127.0.0.1:8080)
  --api-key KEY          sent as X-API-Key (default: OGS_API_KEY)`;

/** The API from `--url` / `--api-key`, else `OGS_API_URL` / `OGS_API_KEY`. */
export function apiTarget(url: string | undefined, env: NodeJS.ProcessEnv, apiKey?: string): ApiTarget {
  const base = (url ?? env.OGS_API_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
  return { url: base, apiKey: apiKey || env.OGS_API_KEY || undefined };
}

/** `fetch failed` says nothing; its cause says what happened (`connect ECONNREFUSED 127.0.0.1:8080`). */
export function networkReason(error: unknown): string {
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
  // Duck-typed: errors from another realm (a test VM) are not `instanceof Error` here.
  const cause = (error as { cause?: { message?: unknown; code?: unknown } } | null)?.cause;
  if (cause && typeof cause === 'object') {
    const text = typeof cause.message === 'string' && cause.message !== '' ? cause.message : String(cause.code ?? 'unknown network error');
    return text;
  }
  return (error as { message?: unknown } | null)?.message ? String((error as { message: unknown }).message) : String(error);
}

export async function apiCall<T>(target: ApiTarget, method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (target.apiKey) headers['X-API-Key'] = target.apiKey;
  const url = `${target.url}${path}`;
  let res: Response;
  let text: string;
  try {
    res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    text = await res.text();
  } catch (error) {
    throw new NetworkError(`cannot reach ${method} ${url}: ${networkReason(error)}`, { cause: error });
  }
  let json: unknown;
  try {
    json = text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    throw new ApiError(res.status, `${method} ${url} answered with something that is not JSON (is --url the API?)`);
  }
  if (!res.ok) throw new ApiError(res.status, (json as { detail?: string } | undefined)?.detail ?? res.statusText);
  return json as T;
}

/**
 * Follows a run to a final status with the API's long-poll (`?wait=1`): about one request
 * per second while it runs, and an answer as soon as it finishes. `onProgress` sees every answer.
 */
export async function followRun(target: ApiTarget, runId: string, onProgress: (run: RunJson) => void): Promise<RunJson> {
  for (;;) {
    const run = await apiCall<RunJson>(target, 'GET', `/api/v1/runs/${encodeURIComponent(runId)}?wait=1`);
    onProgress(run);
    if (FINAL_STATUSES.has(run.status)) return run;
    // `wait` returns early only on completion, so poll again at once; a tiny pause guards
    // against a server that ignores `wait`.
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A live bar on a terminal; one line per 10% elsewhere (CI logs). */
export function progressReporter(stream: NodeJS.WritableStream): { update(run: RunJson): void; stop(): void } {
  const tty = (stream as NodeJS.WriteStream).isTTY === true;
  if (tty) {
    const bar = new cliProgress.SingleBar(
      { stream, format: '{bar} {percentage}% | {value}/{total} portfolios | {status} | {rate}/s | elapsed {elapsed} | ETA {eta}', hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(run) {
        const payload = { status: run.status, rate: rate(run), ...timing(run) };
        if (!started) bar.start(Math.max(run.total, 1), run.processed, payload);
        else {
          bar.setTotal(Math.max(run.total, 1));
          bar.update(run.processed, payload);
        }
        started = true;
      },
      stop: () => bar.stop(),
    };
  }
  let lastDecile = -1;
  return {
    update(run) {
      const decile = run.total > 0 ? Math.floor((run.processed / run.total) * 10) : 0;
      if (decile === lastDecile) return;
      lastDecile = decile;
      const { elapsed, eta } = timing(run);
      stream.write(`${run.run_id}: ${run.processed}/${run.total} portfolios (${decile * 10}%), ${run.status}, elapsed ${elapsed}, ETA ${eta}\n`);
    },
    stop: () => undefined,
  };
}

/** `m:ss` (or `h:mm:ss`) for a duration in seconds. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return s >= 3600 ? `${Math.floor(s / 3600)}:${mm}:${ss}` : `${Math.floor(s / 60)}:${ss}`;
}

/**
 * Elapsed since the run was created (queueing included, so the clock moves before the first
 * chunk finishes) and the time left at the rate so far; `—` until a rate exists.
 */
export function timing(run: RunJson, now = Date.now()): { elapsed: string; eta: string } {
  const end = run.finished_at ? Date.parse(run.finished_at) : now;
  const elapsed = clock((end - Date.parse(run.created_at)) / 1000);
  if (FINAL_STATUSES.has(run.status)) return { elapsed, eta: '0:00' };
  const perSecond = run.started_at && run.processed > 0 ? run.processed / Math.max(0.001, (now - Date.parse(run.started_at)) / 1000) : 0;
  return { elapsed, eta: perSecond > 0 ? clock((run.total - run.processed) / perSecond) : '—' };
}

/** Portfolios per second over the run's wall time so far. */
export function rate(run: RunJson): number {
  if (!run.started_at) return 0;
  const end = run.finished_at ? Date.parse(run.finished_at) : Date.now();
  const seconds = (end - Date.parse(run.started_at)) / 1000;
  return seconds > 0 ? Math.round(run.processed / seconds) : 0;
}

async function notOptimal(target: ApiTarget, runId: string, status: string, limit: number): Promise<Page<ResultJson>> {
  return apiCall<Page<ResultJson>>(target, 'GET', `/api/v1/runs/${encodeURIComponent(runId)}/results?status=${status}&limit=${limit}`);
}

/** The end-of-run summary: counts, orders, throughput, and the reasons for what was not optimal. */
export async function runSummary(target: ApiTarget, run: RunJson, reasonsPerStatus = 5): Promise<string> {
  const id = encodeURIComponent(run.run_id);
  // The run carries its order count; paging the orders just to count them scans the whole
  // orders collection on FerretDB (minutes at 20,000 portfolios).
  const orders =
    run.orders !== undefined
      ? { total: run.orders }
      : await apiCall<Page<unknown>>(target, 'GET', `/api/v1/orders?run_id=${id}&limit=1`).catch(() => undefined);
  const elapsedMs = run.elapsed_ms ?? (run.started_at && run.finished_at ? Date.parse(run.finished_at) - Date.parse(run.started_at) : null);
  const lines = [
    `Run ${run.run_id}: ${run.status}`,
    `  portfolios   ${run.total} (processed ${run.processed})`,
    `  optimal      ${run.succeeded}`,
    `  infeasible   ${run.infeasible}`,
    `  timed out    ${run.timed_out}`,
    `  failed       ${run.failed}`,
    `  orders       ${orders ? orders.total : 'unavailable'}`,
    `  elapsed      ${elapsedMs === null ? '—' : `${(elapsedMs / 1000).toFixed(2)} s`}`,
    `  throughput   ${rate(run)} portfolios/s`,
  ];
  const expected: Record<string, number> = { infeasible: run.infeasible, timeout: run.timed_out, invalid: run.failed, failed: run.failed };
  for (const status of ['infeasible', 'timeout', 'invalid', 'failed']) {
    if (expected[status] === 0) continue; // each lookup filters every result of the run
    const page = await notOptimal(target, run.run_id, status, reasonsPerStatus).catch(() => undefined);
    if (!page || page.total === 0) continue;
    lines.push(`  ${status} (${page.total}), e.g.:`);
    for (const r of page.items) lines.push(`    ${r.portfolio_id} [model ${r.model_id}]: ${r.reason ?? 'no reason given'}`);
  }
  return `${lines.join('\n')}\n`;
}

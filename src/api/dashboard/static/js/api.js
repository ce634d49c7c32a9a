/** Relative to /dashboard/, so the page works behind any Ingress sub-path. */
const BASE = '../api/v1';

/** An HTTP answer that is not 2xx; `status` lets callers fall back on older servers (404/400). */
export class HttpError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

async function getJson(path) {
  const res = await fetch(`${BASE}${path}`, { headers: { Accept: 'application/json' } });
  if (!res.ok) {
    let detail = `HTTP ${res.status}`;
    try {
      detail = (await res.json()).detail ?? detail;
    } catch {
      // not JSON: keep the status line
    }
    throw new HttpError(res.status, detail);
  }
  return res.json();
}

function query(params) {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '');
  return entries.length ? `?${new URLSearchParams(entries).toString()}` : '';
}

/** `after` (the contract's cursor) when the previous page gave one, else `offset`. */
function paging({ after, offset, limit }) {
  return after ? { after, limit } : { offset, limit };
}

export function listRuns({ offset = 0, limit = 20, status } = {}) {
  return getJson(`/runs${query({ offset, limit, status })}`);
}

export function getRun(id) {
  return getJson(`/runs/${encodeURIComponent(id)}`);
}

/** `positions: 'omit'`: table rows, each with an empty `positions` (servers before it send them all). */
export function listResults(id, { offset = 0, after, limit = 25, status, portfolioId, positions } = {}) {
  return getJson(`/runs/${encodeURIComponent(id)}/results${query({ ...paging({ after, offset, limit }), status, portfolio_id: portfolioId, positions })}`);
}

/** The run's orders: `/runs/{id}/orders` (keyed pages); servers without it answer 404, then `/orders?run_id=`. */
export async function listOrders(id, { offset = 0, after, limit = 25 } = {}) {
  try {
    return await getJson(`/runs/${encodeURIComponent(id)}/orders${query(paging({ after, offset, limit }))}`);
  } catch (e) {
    if (!(e instanceof HttpError) || e.status !== 404 || after) throw e;
    return getJson(`/orders${query({ run_id: id, offset, limit })}`);
  }
}

/** GET `path`, or null when the server answers 404 (a route this server does not have). */
async function getOrNull(path) {
  try {
    return await getJson(path);
  } catch (e) {
    if (e instanceof HttpError && e.status === 404) return null;
    throw e;
  }
}

/** Per-run aggregates for the charts, or null when the server has no summary endpoint (404). */
export function getSummary(id) {
  return getOrNull(`/runs/${encodeURIComponent(id)}/summary`);
}

/** The run's send status, or null when the server has no sending route. */
export function getSending(id) {
  return getOrNull(`/runs/${encodeURIComponent(id)}/sending`);
}

let modelNames;

/** Model id → name, read once per page load from the v1 models list (a bare array). */
export function modelNameMap() {
  modelNames ??= getJson('/models')
    .then((models) => new Map((Array.isArray(models) ? models : []).map((m) => [m.model_id, m.name])))
    .catch(() => new Map());
  return modelNames;
}

/** Results seen while paging, so opening a portfolio from a list needs no further request. */
const seen = new Map();

export function remember(runId, results) {
  for (const r of results) seen.set(`${runId}|${r.portfolio_id}|${r.model_id}`, r);
}

/** One portfolio's result: from what was seen while paging, else one filtered request (a direct link). */
export async function findResult(runId, portfolioId, modelId) {
  const key = `${runId}|${portfolioId}|${modelId}`;
  if (seen.has(key)) return seen.get(key);
  const page = await listResults(runId, { portfolioId, limit: 100 });
  remember(runId, page.items);
  return seen.get(key);
}

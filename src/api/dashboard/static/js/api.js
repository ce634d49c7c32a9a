/** Relative to /dashboard/, so the page works behind any Ingress sub-path. */
const BASE = '../api/v1';

async function getJson(path) {
  const res = await fetch(`${BASE}${path}`, { headers: { Accept: 'application/json' } });
  if (!res.ok) {
    let detail = `HTTP ${res.status}`;
    try {
      detail = (await res.json()).detail ?? detail;
    } catch {
      // not JSON: keep the status line
    }
    throw new Error(detail);
  }
  return res.json();
}

function query(params) {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '');
  return entries.length ? `?${new URLSearchParams(entries).toString()}` : '';
}

export function listRuns({ offset = 0, limit = 20, status } = {}) {
  return getJson(`/runs${query({ offset, limit, status })}`);
}

export function getRun(id) {
  return getJson(`/runs/${encodeURIComponent(id)}`);
}

export function listResults(id, { offset = 0, limit = 25, status, portfolioId } = {}) {
  return getJson(`/runs/${encodeURIComponent(id)}/results${query({ offset, limit, status, portfolio_id: portfolioId })}`);
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

import { positiveIntFlag, UsageError, write, type CliCommand } from '../command.js';
import { API_FLAGS, API_FLAGS_USAGE, apiCall, apiTarget, rate, type Page, type RunJson } from '../runs-client.js';

const usage = `Usage:
  ogs runs [--status STATUS] [--limit N] [--offset N] [--json]

Lists runs, newest first.

Flags:
${API_FLAGS_USAGE}
  --status STATUS        queued|running|completed|completed_with_errors|failed|cancelled
  --limit N              rows (default 20)
  --offset N             rows to skip (default 0)
  --json                 print the API's JSON page instead of a table
  -h, --help             this text

Exit codes: 0 listed, 1 API error or API unreachable, 2 usage error.
`;

function table(page: Page<RunJson>): string {
  const header = ['RUN', 'STATUS', 'PROCESSED', 'OPTIMAL', 'NOT OPTIMAL', 'RATE/S', 'CREATED'];
  const rows = page.items.map((r) => [
    r.run_id,
    r.status,
    `${r.processed}/${r.total}`,
    String(r.succeeded),
    String(r.infeasible + r.timed_out + r.failed),
    String(rate(r)),
    r.created_at,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), ...rows.map(line), `${page.items.length} of ${page.total} runs`].join('\n') + '\n';
}

export const command: CliCommand = {
  usage,
  options: {
    ...API_FLAGS,
    status: { type: 'string' },
    limit: { type: 'string' },
    offset: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run({ values }, io) {
    const params = new URLSearchParams({ limit: String(positiveIntFlag(values, 'limit') ?? 20) });
    if (values.offset !== undefined) {
      const offset = Number(values.offset);
      if (!Number.isSafeInteger(offset) || offset < 0) throw new UsageError(`--offset must be a whole number ≥ 0, got ${String(values.offset)}`);
      params.set('offset', String(offset));
    }
    if (typeof values.status === 'string') params.set('status', values.status);
    const page = await apiCall<Page<RunJson>>(apiTarget(values.url as string | undefined, io.env, values['api-key'] as string | undefined), 'GET', `/api/v1/runs?${params}`);
    await write(io.stdout, values.json ? `${JSON.stringify(page, null, 2)}\n` : table(page));
    return 0;
  },
};

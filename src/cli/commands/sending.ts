import { UsageError, write, type CliCommand } from '../command.js';
import { apiCall, apiTarget } from '../runs-client.js';

interface SendStatusJson {
  run_id: string;
  enabled: boolean;
  state: string;
  batches: number;
  orders: { total: number; pending: number; in_flight: number; sent: number; rejected: number };
}

const usage = `Usage:
  ogs sending RUN_ID [--follow] [--json]

Shows where a run's orders are on their way to the Order Service: pending, in flight (posted,
or of unknown outcome until reconciled), sent, rejected.

Flags:
  --url URL    API base URL (default: OGS_API_URL, else http://127.0.0.1:8080)
  --follow     print a line every 2 s until every order is sent or rejected
  --json       print the status as the API returns it
  -h, --help   this text

Exit codes: 0 shown (with --follow: all sent), 1 API error or (with --follow) some rejected, 2 usage error.
`;

const line = (s: SendStatusJson) =>
  s.enabled
    ? `${s.run_id} ${s.state}: ${s.orders.total} orders in ${s.batches} batches — ${s.orders.sent} sent, ${s.orders.rejected} rejected, ${s.orders.in_flight} in flight, ${s.orders.pending} pending\n`
    : `${s.run_id}: sending is off (ORDER_SERVICE_URL is not set on the service)\n`;

export const command: CliCommand = {
  usage,
  options: { url: { type: 'string' }, follow: { type: 'boolean' }, json: { type: 'boolean' } },
  async run({ values, positionals }, io) {
    if (positionals.length !== 1) throw new UsageError('give exactly one RUN_ID');
    const target = apiTarget(values.url as string | undefined, io.env);
    const path = `/api/v1/runs/${encodeURIComponent(positionals[0]!)}/sending`;
    for (;;) {
      const status = await apiCall<SendStatusJson>(target, 'GET', path);
      await write(io.stdout, values.json ? `${JSON.stringify(status, null, 2)}\n` : line(status));
      if (!values.follow || !status.enabled) return 0;
      if (status.state === 'done') return status.orders.rejected > 0 ? 1 : 0;
      await new Promise((r) => setTimeout(r, 2000));
    }
  },
};

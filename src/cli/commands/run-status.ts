import { UsageError, write, type CliCommand } from '../command.js';
import { apiCall, apiTarget, runSummary, type RunJson } from '../runs-client.js';
import { followAndSummarise } from './run.js';

const usage = `Usage:
  ogs run-status RUN_ID [--follow] [--json]

Prints a run's summary (counts, orders, throughput, reasons for what was not optimal).

Flags:
  --url URL    API base URL (default: OGS_API_URL, else http://127.0.0.1:8080)
  --follow     show live progress until the run finishes, then the summary
  --json       print the run as the API returns it
  -h, --help   this text

Exit codes: 0 found, 1 not found or API error, 2 usage error.
`;

export const command: CliCommand = {
  usage,
  options: { url: { type: 'string' }, follow: { type: 'boolean' }, json: { type: 'boolean' } },
  async run({ values, positionals }, io) {
    if (positionals.length !== 1) throw new UsageError('give exactly one RUN_ID');
    const url = values.url as string | undefined;
    const target = apiTarget(url, io.env);
    const run = await apiCall<RunJson>(target, 'GET', `/api/v1/runs/${encodeURIComponent(positionals[0]!)}`);
    if (values.json) {
      await write(io.stdout, `${JSON.stringify(run, null, 2)}\n`);
      return 0;
    }
    if (values.follow) return followAndSummarise(url, run, io);
    await write(io.stdout, await runSummary(target, run));
    return 0;
  },
};

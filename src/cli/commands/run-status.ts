import { UsageError, write, type CliCommand } from '../command.js';
import { API_FLAGS, API_FLAGS_USAGE, apiCall, apiTarget, runSummary, type RunJson } from '../runs-client.js';
import { followAndSummarise } from './run.js';

const usage = `Usage:
  ogs run-status RUN_ID [--follow] [--json]

Prints a run's summary (counts, orders, throughput, reasons for what was not optimal).

Flags:
${API_FLAGS_USAGE}
  --follow               show live progress until the run finishes, then the summary
  --json                 print the run as the API returns it
  -h, --help             this text

Exit codes: 0 found, 1 not found, API error or API unreachable, 2 usage error.
`;

export const command: CliCommand = {
  usage,
  options: { ...API_FLAGS, follow: { type: 'boolean' }, json: { type: 'boolean' } },
  async run({ values, positionals }, io) {
    if (positionals.length !== 1) throw new UsageError('give exactly one RUN_ID');
    const target = apiTarget(values.url as string | undefined, io.env, values['api-key'] as string | undefined);
    const run = await apiCall<RunJson>(target, 'GET', `/api/v1/runs/${encodeURIComponent(positionals[0]!)}`);
    if (values.json) {
      await write(io.stdout, `${JSON.stringify(run, null, 2)}\n`);
      return 0;
    }
    if (values.follow) return followAndSummarise(target, run, io);
    await write(io.stdout, await runSummary(target, run));
    return 0;
  },
};

import { UsageError, write, type CliCommand } from '../command.js';
import { ApiError, apiCall, apiTarget } from '../runs-client.js';

interface DecisionJson {
  run_id: string;
  decision: string;
  decided_by: string;
  decided_at: string;
  order_count: number | null;
}

/** `ogs approve` and `ogs reject`: one POST, the decision printed. */
export function decideCommand(action: 'approve' | 'reject'): CliCommand {
  const lists = action === 'approve' ? '[--include ID …] [--exclude ID …] ' : '';
  return {
    usage: `Usage:
  ogs ${action} RUN_ID ${lists}[--json]

${action === 'approve' ? 'Approves a proposal once: writes the orders of the approved portfolios (all, or --include, minus --exclude),\nwhich are then sent when the service has an Order Service configured. Refused (exit 1, with the reason) when\nthe proposal was already decided, its prices are too old, or its models or holdings changed.' : 'Rejects a proposal once: no order is written or sent.'}

Flags:
  --url URL    API base URL (default: OGS_API_URL, else http://127.0.0.1:8080)
${action === 'approve' ? '  --include ID approve only this portfolio (repeatable)\n  --exclude ID leave this portfolio out (repeatable)\n' : ''}  --json       print the decision as the API returns it
  -h, --help   this text

Environment: OGS_API_KEY is sent as X-API-Key.
Exit codes: 0 decided, 1 refused or API error, 2 usage error.
`,
    options: { url: { type: 'string' }, json: { type: 'boolean' }, ...(action === 'approve' ? { include: { type: 'string', multiple: true }, exclude: { type: 'string', multiple: true } } : {}) },
    async run({ values, positionals }, io) {
      if (positionals.length !== 1) throw new UsageError('give exactly one RUN_ID');
      const body: Record<string, unknown> = {};
      if (values.include) body.include = values.include;
      if (values.exclude) body.exclude = values.exclude;
      const target = apiTarget(values.url as string | undefined, io.env);
      let decision: DecisionJson;
      try {
        decision = await apiCall<DecisionJson>(target, 'POST', `/api/v1/runs/${encodeURIComponent(positionals[0]!)}/${action}`, action === 'approve' ? body : undefined);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        await write(io.stderr, `ogs ${action}: ${error.message}\n`);
        return 1;
      }
      const orders = decision.order_count === null ? '' : `, ${decision.order_count} orders written`;
      await write(io.stdout, values.json ? `${JSON.stringify(decision, null, 2)}\n` : `Run ${decision.run_id} ${decision.decision} by ${decision.decided_by} at ${decision.decided_at}${orders}\n`);
      return 0;
    },
  };
}

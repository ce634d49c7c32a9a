import { parseArgs } from 'node:util';

/** What `npm run demo -- …` asked for, validated. */
export interface DemoOptions {
  exit: boolean;
  keep: boolean;
  /** Drive the run view in Chromium: screenshots into artifacts/ and the page's request times. */
  screenshots: boolean;
  /** Start the Order Service stand-in and send the run's orders to it (sending on). */
  send: boolean;
  portfolios: number;
  workers: number;
  /** The API port; undefined = 8080, or a free port when 8080 is taken. */
  port: number | undefined;
  /** Redis to use; undefined = 127.0.0.1:6379, started when nothing answers there. */
  redisUrl: string | undefined;
}

/** Portfolios seeded when `--portfolios` is not given: a run of about a minute on 2 cores (docs/OPERATIONS.md "Demo"). */
export const DEFAULT_PORTFOLIOS = 3000;

export const USAGE = `Usage: npm run demo -- [flags]

Starts what is missing (Redis, FerretDB), builds, starts the API and the workers, seeds a demo
book, submits one run for all portfolios, follows it and prints a summary and the page URLs.
Then serves until Ctrl-C. On exit it drops its own database and deletes its own Redis keys
(its queue prefix only), unless --keep.

Flags:
  --portfolios N   portfolios to seed, 1–200000 (default ${DEFAULT_PORTFOLIOS})
  --workers N      worker processes, 1–16 (default 2)
  --port N         API port, 1–65535 (default 8080, or a free port when 8080 is taken)
  --redis-url URL  Redis to use (default REDIS_URL, else redis://127.0.0.1:6379, started if absent)
  --exit           stop after the summary (CI smoke test)
  --keep           keep the demo's database and Redis keys on exit
  --send           start the Order Service stand-in (scripts/order-service-stand-in.ts), turn
                   sending on, and follow the run's orders until the stand-in acknowledged them all
  --screenshots    watch the run view in headless Chromium: artifacts/demo-run-view-mid-run.png and
                   demo-run-view-finished.png, and how long the page's requests took (p50/p95/max)
  -h, --help       this text

Exit codes: 0 run completed (infeasible portfolios included); 1 the run or a start-up step
failed; 2 a flag is wrong.
`;

/** A wrong flag: the demo prints it with a pointer to --help and exits 2. */
export class DemoUsageError extends Error {
  override readonly name = 'DemoUsageError';
}

function intFlag(raw: string | undefined, name: string, min: number, max: number, fallback: number | undefined): number | undefined {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new DemoUsageError(`--${name} must be a whole number from ${min} to ${max}, got '${raw}'`);
  }
  return value;
}

function redisUrlFlag(raw: string | undefined, source: string): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new DemoUsageError(`${source} must be a redis:// or rediss:// URL, got '${raw}'`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new DemoUsageError(`${source} must be a redis:// or rediss:// URL, got '${raw}'`);
  return raw;
}

/** Parses and checks every flag; `help` is true when only the usage should be printed. */
export function parseDemoArgs(argv: string[], env: NodeJS.ProcessEnv): { help: boolean; options: DemoOptions } {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: 'boolean', short: 'h' },
        exit: { type: 'boolean' },
        keep: { type: 'boolean' },
        screenshots: { type: 'boolean' },
        send: { type: 'boolean' },
        portfolios: { type: 'string' },
        workers: { type: 'string' },
        port: { type: 'string' },
        'redis-url': { type: 'string' },
      },
    }));
  } catch (error) {
    throw new DemoUsageError(error instanceof Error ? error.message : String(error));
  }
  const str = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const options: DemoOptions = {
    exit: values.exit === true,
    keep: values.keep === true,
    screenshots: values.screenshots === true,
    send: values.send === true,
    portfolios: intFlag(str('portfolios'), 'portfolios', 1, 200_000, DEFAULT_PORTFOLIOS)!,
    workers: intFlag(str('workers'), 'workers', 1, 16, 2)!,
    port: intFlag(str('port'), 'port', 1, 65_535, undefined),
    redisUrl: str('redis-url') !== undefined ? redisUrlFlag(str('redis-url'), '--redis-url') : redisUrlFlag(env.REDIS_URL, 'REDIS_URL'),
  };
  return { help: values.help === true, options };
}

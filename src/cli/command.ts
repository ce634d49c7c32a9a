import type { ParseArgsConfig } from 'node:util';

/** Where a command reads and writes; the real process streams, or test doubles. */
export interface CliIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

/** Flags as `node:util` `parseArgs` returns them. */
export type ParsedFlags = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** One `ogs` subcommand, in its own file under `src/cli/commands/`. */
export interface CliCommand {
  /** Full text for `ogs <name> --help`: synopsis first, then the flags. */
  usage: string;
  /** Flags in `parseArgs` form; `--help`/`-h` is added for every command. Unknown flags exit 2. */
  options: NonNullable<ParseArgsConfig['options']>;
  /** Runs the command; resolves with the process exit code. Throw {@link UsageError} for exit 2. */
  run(args: { values: ParsedFlags; positionals: string[] }, io: CliIo): Promise<number>;
}

/** Wrong use of the CLI (bad flag value, missing argument, bad input file): message and exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A flag that must be a whole number ≥ 1, or undefined when not given. */
export function positiveIntFlag(values: ParsedFlags, name: string): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (typeof raw !== 'string' || !Number.isSafeInteger(value) || value < 1) {
    throw new UsageError(`--${name} must be a whole number ≥ 1, got ${String(raw)}`);
  }
  return value;
}

/** Writes, waiting for the stream to drain when its buffer is full, so output memory stays bounded. */
export async function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  if (!stream.write(text)) await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
}

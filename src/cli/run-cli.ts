import { parseArgs } from 'node:util';
import { InvalidInput } from '../errors/index.js';
import { UsageError, type CliIo } from './command.js';
import { commands } from './commands/index.js';
import { ApiError, NetworkError } from './runs-client.js';

function overview(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  const lines = Object.entries(commands).map(([name, entry]) => `  ${name.padEnd(width)}  ${entry.summary}`);
  return ['Usage: ogs <command> [flags]', '', 'Commands:', ...lines, '', "Run 'ogs <command> --help' for a command's flags.", ''].join('\n');
}

/** Duck-typed: `node:util` errors come from another realm under a test VM. */
function isParseArgsError(error: unknown): error is Error {
  return typeof error === 'object' && error !== null && String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
}

/** Runs `ogs` with `argv` (without node and the script); resolves with the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stderr.write(overview());
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(overview());
    return 0;
  }
  const entry = commands[name];
  if (!entry) {
    io.stderr.write(`ogs: unknown command '${name}'\n\n${overview()}`);
    return 2;
  }
  const { command } = await entry.load();
  try {
    const { values, positionals } = parseArgs({
      args: rest,
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      io.stdout.write(command.usage);
      return 0;
    }
    return await command.run({ values, positionals }, io);
  } catch (error) {
    if (isParseArgsError(error) || error instanceof UsageError || error instanceof InvalidInput) {
      io.stderr.write(`ogs ${name}: ${error.message}\nRun 'ogs ${name} --help' for usage.\n`);
      return 2;
    }
    if (error instanceof ApiError || error instanceof NetworkError) {
      io.stderr.write(`ogs ${name}: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

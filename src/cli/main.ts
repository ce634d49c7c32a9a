#!/usr/bin/env node
import { runCli } from './run-cli.js';

const { stdin, stdout, stderr, env } = process;
try {
  // exitCode, not exit(): buffered output to a pipe must be flushed before the process ends.
  process.exitCode = await runCli(process.argv.slice(2), { stdin, stdout, stderr, env });
} catch (error) {
  stderr.write(`ogs: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}

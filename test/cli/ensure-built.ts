import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../', import.meta.url));
export const cliPath = join(root, 'dist/cli/main.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

function mtime(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * `npm test` builds before running jest; this covers running the CLI tests alone. It rebuilds
 * only when `dist/cli/main.js` is older than the sources the CLI is made of. tsc's exit status
 * is not trusted on its own because files elsewhere in `src` may be mid-edit; what matters is
 * that the CLI was emitted, which the caller's tests then exercise.
 */
export function ensureBuilt(): void {
  const sources = ['src/cli', 'src/solver-pool', 'src/core', 'src/errors', 'src/config'].map((d) => newestMtime(join(root, d)));
  if (mtime(cliPath) >= Math.max(...sources)) return;
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (mtime(cliPath) < Math.max(...sources)) throw new Error(`build did not emit ${cliPath}:\n${tsc.stdout}${tsc.stderr}`);
}

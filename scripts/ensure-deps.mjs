// `npm test`'s pretest step: on a fresh clone there is no node_modules yet, so install it
// from the lock file. Plain JavaScript because nothing else is installed at that point.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
if (!existsSync(join(root, 'node_modules', '.bin', 'jest'))) {
  console.error('Installing dependencies (npm ci)…');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
}

// `npm run demo` entry: plain JavaScript, because on a fresh clone there is no tsx yet.
// Installs dependencies when node_modules is missing, then runs scripts/demo.ts with tsx.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
if (!existsSync(join(root, 'node_modules', '.bin', 'tsx'))) {
  console.error('Installing dependencies (npm ci)…');
  execFileSync('npm', [existsSync(join(root, 'package-lock.json')) ? 'ci' : 'install'], { cwd: root, stdio: 'inherit' });
}
const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'demo.ts'), ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
// Ctrl-C reaches the demo directly (same process group); this wrapper waits for it to clean up.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

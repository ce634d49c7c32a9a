import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * The service version from package.json. The file sits three levels up from both
 * `src/api/health/` and `dist/api/health/`, so the same path works compiled and in tests.
 */
export function serviceVersion(): string {
  if (cached === undefined) {
    const path = fileURLToPath(new URL('../../../package.json', import.meta.url));
    const pkg = JSON.parse(readFileSync(path, 'utf8')) as { version?: unknown };
    cached = typeof pkg.version === 'string' ? pkg.version : 'unknown';
  }
  return cached;
}

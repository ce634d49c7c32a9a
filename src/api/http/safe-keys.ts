import { InvalidInput } from '../../errors/index.js';

/** Deeper than any legitimate request; stops pathological nesting before it reaches a parser. */
const MAX_DEPTH = 32;

/**
 * Rejects keys that MongoDB would read as operators (`$where`) or paths (`a.b`), anywhere
 * in a parsed body or query, so no caller-supplied object can change a query's meaning.
 */
export function assertSafeKeys(value: unknown, where: string): void {
  visit(value, where, 0);
}

function visit(value: unknown, path: string, depth: number): void {
  if (value === null || typeof value !== 'object') return;
  if (depth > MAX_DEPTH) throw new InvalidInput(`${path}: nested deeper than ${MAX_DEPTH} levels`, path);
  if (Array.isArray(value)) {
    value.forEach((item, i) => visit(item, `${path}[${i}]`, depth + 1));
    return;
  }
  for (const [key, child] of Object.entries(value)) {
    const shown = JSON.stringify(key.slice(0, 64));
    if (key.startsWith('$')) throw new InvalidInput(`${path}: key ${shown} starts with "$"`, `${path}.${key}`);
    if (key.includes('.')) throw new InvalidInput(`${path}: key ${shown} contains "."`, `${path}.${key}`);
    visit(child, `${path}.${key}`, depth + 1);
  }
}

import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { configKeys, envSchema } from '../../src/config/config.js';
import { METRIC_NAMES, PORTFOLIO_OUTCOMES, QUEUE_STATES } from '../../src/observability/metrics.js';

const doc = readFileSync(new URL('../../docs/OPERATIONS.md', import.meta.url), 'utf8');

describe('docs/OPERATIONS.md', () => {
  it('when a configuration key exists in envSchema, then the reference table documents it', () => {
    const missing = configKeys.filter((key) => !doc.includes(`| \`${key}\` |`));
    expect(missing).toEqual([]);
  });

  it('when the reference table names a key and a default, then the key exists and the code has that default', () => {
    const table = doc.slice(doc.indexOf('## Configuration reference'), doc.indexOf('\n## ', doc.indexOf('## Configuration reference') + 1));
    const rows = [...table.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \| ([^|]+) \|/gm)].map((m) => ({ key: m[1]!, doc: m[2]!.trim() }));
    expect(rows.length).toBeGreaterThanOrEqual(configKeys.length);
    const defaults = envSchema.partial().parse({}) as Record<string, unknown>;
    const shown = (value: unknown) => (value === undefined ? 'unset' : Array.isArray(value) ? (value.length === 0 ? 'empty' : `\`${value.join(',')}\``) : `\`${String(value)}\``);
    const wrong = rows
      .filter((r) => (configKeys as string[]).includes(r.key))
      .filter((r) => !r.doc.startsWith(shown(defaults[r.key])))
      .map((r) => `${r.key}: documented ${r.doc}, code ${shown(defaults[r.key])}`);
    expect(wrong).toEqual([]);
    expect(rows.map((r) => r.key).filter((key) => !(configKeys as string[]).includes(key))).toEqual([]);
  });

  it('when the metrics table lists a metric, then the code defines it', () => {
    const documented = [...doc.matchAll(/^\| `(ogs_\w+)` \|/gm)].map((m) => m[1]!);
    expect(documented.length).toBeGreaterThanOrEqual(Object.keys(METRIC_NAMES).length);
    expect(documented.filter((name) => !(Object.values(METRIC_NAMES) as string[]).includes(name))).toEqual([]);
  });

  it('when a metric is defined, then it is documented with its labels', () => {
    const missing = Object.values(METRIC_NAMES).filter((name) => !doc.includes(`| \`${name}\` |`));
    expect(missing).toEqual([]);
    for (const value of [...PORTFOLIO_OUTCOMES, ...QUEUE_STATES]) expect(doc).toContain(`\`${value}\``);
  });

  it('when /health/health reports a field, then the field is documented', () => {
    for (const field of ['status', 'version', 'uptime_seconds', 'timestamp', 'dependencies.mongodb', 'queue', 'solver_pool', 'kubernetes', 'kubernetes.worker_deployment', 'kubernetes.worker_hpa']) {
      expect(doc).toContain(`\`${field}\``);
    }
  });

  it('when the run view polls, then the refresh table gives every period the code uses', () => {
    const dir = new URL('../../src/api/dashboard/static/js/', import.meta.url);
    const code = new Map<string, number>();
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.js'))) {
      for (const m of readFileSync(new URL(file, dir), 'utf8').matchAll(/export const (\w+_MS) = (\d+);/g)) code.set(m[1]!, Number(m[2]));
    }
    const documented = new Map([...doc.matchAll(/^\| [^|]+ \| (\d+(?:\.\d+)?) s \| `(\w+_MS)` \|$/gm)].map((m) => [m[2]!, Number(m[1]) * 1000]));
    expect(code.size).toBeGreaterThanOrEqual(4);
    expect(Object.fromEntries(documented)).toEqual(Object.fromEntries(code));
  });

  it('when the run view is described, then no other refresh period or cap is claimed in prose', () => {
    const section = doc.slice(doc.indexOf('## Run view'), doc.indexOf('## CLI'));
    expect(section).not.toMatch(/refreshe?s? every \d|caps? at \d|first \d+ /i);
  });
});


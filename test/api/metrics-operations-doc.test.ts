import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { configKeys } from '../../src/config/config.js';
import { METRIC_NAMES, PORTFOLIO_OUTCOMES, QUEUE_STATES } from '../../src/observability/metrics.js';

const doc = readFileSync(new URL('../../docs/OPERATIONS.md', import.meta.url), 'utf8');

describe('docs/OPERATIONS.md', () => {
  it('when a configuration key exists in envSchema, then the reference table documents it', () => {
    const missing = configKeys.filter((key) => !doc.includes(`| \`${key}\` |`));
    expect(missing).toEqual([]);
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
});

import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { Decimal } from 'decimal.js';
import { InvalidInput } from '../../../src/errors/index.js';
import {
  normalizeName,
  normalizePortfolios,
  normalizePosition,
  normalizePositions,
  type PositionInput,
} from '../../../src/core/model/model-rules.js';
import { RuleViolation } from '../../../src/core/model/rule-violation.js';
import { canonicalWeight } from '../../../src/core/model/weights.js';

const sid = (n: number) => n.toString(16).padStart(24, '0');
const pos = (n: number, target: string | number, drift: string | number = '0.02'): PositionInput => ({
  securityId: sid(n),
  target,
  highDrift: drift,
  lowDrift: drift,
});

function ruleError(fn: () => unknown): RuleViolation {
  try {
    fn();
  } catch (error) {
    if (error instanceof RuleViolation) return error;
    throw error;
  }
  throw new Error('expected a RuleViolation');
}

describe('model rules (GlobeCo v1)', () => {
  it('when weights come as numbers or padded strings, then they are stored canonical', () => {
    expect(normalizePosition(pos(1, 0.05, '0.0200'))).toEqual({
      securityId: sid(1),
      target: '0.05',
      highDrift: '0.02',
      lowDrift: '0.02',
    });
    expect(canonicalWeight('-0', 'x')).toBe('0');
    expect(canonicalWeight(1e-7, 'x')).toBe('0.0000001');
  });

  it('when a target is off the 0.005 grid, then the error names the field and value', () => {
    const error = ruleError(() => normalizePositions([pos(1, '0.05'), pos(2, '0.1'), pos(3, '0.013')]));
    expect(error.message).toBe('positions[2].target: 0.013 is not a multiple of 0.005');
    expect(error.field).toBe('positions[2].target');
  });

  it('when a target is above 0.95 or negative, then it is refused', () => {
    expect(ruleError(() => normalizePosition(pos(1, '0.955'))).field).toBe('target');
    expect(ruleError(() => normalizePosition(pos(1, '-0.005'))).message).toMatch(/negative/);
  });

  it('when a drift is outside [0, 1], then it is refused naming the drift', () => {
    expect(ruleError(() => normalizePosition({ ...pos(1, '0.1'), highDrift: '1.0001' })).field).toBe('high_drift');
    expect(ruleError(() => normalizePosition({ ...pos(1, '0.1'), lowDrift: -0.1 })).field).toBe('low_drift');
    expect(normalizePosition({ ...pos(1, '0.1'), lowDrift: '1', highDrift: '0' }).lowDrift).toBe('1');
  });

  it('when a weight is not a number at all, then it is malformed input, not a rule violation', () => {
    let caught: unknown;
    try {
      normalizePosition(pos(1, 'abc'));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidInput);
    expect(caught).not.toBeInstanceOf(RuleViolation);
  });

  it('when a security id is not 24 letters or digits, then it is refused', () => {
    expect(ruleError(() => normalizePosition({ ...pos(1, '0.1'), securityId: 'short' })).field).toBe('security_id');
    expect(ruleError(() => normalizePosition({ ...pos(1, '0.1'), securityId: `${sid(1).slice(1)}-` })).field).toBe('security_id');
  });

  it('when a security appears twice, then the second is named', () => {
    expect(ruleError(() => normalizePositions([pos(1, '0.1'), pos(2, '0.1'), pos(1, '0.2')])).message).toBe(
      `positions[2].security_id: ${sid(1)} already appears at positions[0]`,
    );
  });

  it('when targets sum above 0.95, then the model is refused; exactly 0.95 is allowed', () => {
    const ok = Array.from({ length: 19 }, (_, i) => pos(i, '0.05'));
    expect(normalizePositions(ok)).toHaveLength(19);
    expect(ruleError(() => normalizePositions([...ok, pos(99, '0.005')])).message).toMatch(/sum to 0.955/);
  });

  it('when 101 positions have a target, then the model is refused; 100 plus zeros is fine', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => pos(i, '0.005'));
    const zeros = Array.from({ length: 20 }, (_, i) => pos(1000 + i, 0));
    expect(normalizePositions([...hundred, ...zeros])).toHaveLength(100);
    expect(ruleError(() => normalizePositions([...hundred, pos(500, '0.005')])).message).toMatch(/101 positions/);
  });

  it('when a position has target 0, then it is dropped', () => {
    expect(normalizePositions([pos(1, '0'), pos(2, '0.1'), pos(3, 0)]).map((p) => p.securityId)).toEqual([sid(2)]);
  });

  it('when any valid targets are given, then stored targets are on the grid and sum to at most 0.95', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 40 }), (steps) => {
        const inputs = steps.map((s, i) => pos(i, new Decimal(s).mul('0.005').toFixed()));
        const total = steps.reduce((a, b) => a + b, 0) * 5;
        if (total > 950) {
          expect(() => normalizePositions(inputs)).toThrow(RuleViolation);
          return;
        }
        const stored = normalizePositions(inputs);
        expect(stored.every((p) => new Decimal(p.target).mod('0.005').isZero() && p.target !== '0')).toBe(true);
        expect(stored.reduce((a, p) => a.plus(p.target), new Decimal(0)).lte('0.95')).toBe(true);
      }),
    );
  });

  it('when portfolios repeat or are malformed, then they are refused by index', () => {
    expect(normalizePortfolios(['a', 'b-1', 'c_2'])).toEqual(['a', 'b-1', 'c_2']);
    expect(ruleError(() => normalizePortfolios(['a', 'a'])).field).toBe('portfolios[1]');
    expect(ruleError(() => normalizePortfolios(['ok', 'has space'])).field).toBe('portfolios[1]');
  });

  it('when a name is blank or too long, then it is refused; otherwise trimmed', () => {
    expect(normalizeName('  Growth ')).toBe('Growth');
    expect(ruleError(() => normalizeName('   ')).field).toBe('name');
    expect(ruleError(() => normalizeName('x'.repeat(256))).field).toBe('name');
  });
});

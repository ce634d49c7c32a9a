import { describe, expect, it } from '@jest/globals';
import { NotFound } from '../../../src/errors/index.js';
import {
  withPortfoliosAdded,
  withPortfoliosRemoved,
  withPositionAdded,
  withPositionRemoved,
  withPositionReplaced,
} from '../../../src/core/model/model-edits.js';
import { RuleViolation } from '../../../src/core/model/rule-violation.js';
import type { ModelPosition } from '../../../src/core/model/types.js';

const sid = (n: number) => n.toString(16).padStart(24, '0');
const p = (n: number, target: string): ModelPosition => ({ securityId: sid(n), target, highDrift: '0.02', lowDrift: '0.02' });

describe('model sub-resource edits', () => {
  it('when a new security is added, then it is appended with canonical weights', () => {
    expect(withPositionAdded([p(1, '0.5')], { ...p(2, '0.1'), target: 0.1 })).toEqual([p(1, '0.5'), p(2, '0.1')]);
  });

  it('when an added security is already there, then it is a rule violation', () => {
    expect(() => withPositionAdded([p(1, '0.5')], p(1, '0.1'))).toThrow(RuleViolation);
  });

  it('when an addition pushes the sum above 0.95, then it is refused', () => {
    expect(() => withPositionAdded([p(1, '0.9')], p(2, '0.055'))).toThrow(/sum to 0.955/);
  });

  it('when a position is updated to target 0, then it disappears', () => {
    expect(withPositionReplaced([p(1, '0.5'), p(2, '0.1')], p(2, '0'))).toEqual([p(1, '0.5')]);
  });

  it('when an updated or removed security is absent, then NotFound names it', () => {
    expect(() => withPositionReplaced([p(1, '0.5')], p(2, '0.1'))).toThrow(NotFound);
    expect(() => withPositionRemoved([p(1, '0.5')], sid(2))).toThrow(sid(2));
  });

  it('when portfolios are added and removed, then membership follows and errors name the portfolio', () => {
    expect(withPortfoliosAdded(['a'], ['b', 'c'])).toEqual(['a', 'b', 'c']);
    expect(() => withPortfoliosAdded(['a'], ['b', 'a'])).toThrow('portfolios[1]: a is already in the model');
    expect(withPortfoliosRemoved(['a', 'b', 'c'], ['b'])).toEqual(['a', 'c']);
    expect(() => withPortfoliosRemoved(['a'], ['z'])).toThrow('portfolios[0]: z is not in the model');
  });
});

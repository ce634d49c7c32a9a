import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { parseFixed, roundedText, scaledText } from '../../../src/core/money/fixed-point.js';
import { Dec, fixed } from '../../../src/core/money/decimal.js';

const PLAIN_DECIMAL = /^(\d+)(?:\.(\d+))?$/;
const texts = fc.string({ unit: fc.constantFrom('0', '1', '5', '9', '.', '-', 'e', ' '), maxLength: 12 });

describe('fixed-point decimals', () => {
  it('when any text is read, then it is accepted exactly when it is a plain decimal, with its value and places', () => {
    fc.assert(
      fc.property(texts, (text) => {
        const parsed = parseFixed(text);
        const match = PLAIN_DECIMAL.exec(text);
        expect(parsed !== null).toBe(match !== null);
        if (parsed === null || match === null) return;
        const fraction = (match[2] ?? '').replace(/0+$/, '');
        expect(parsed.places).toBe(fraction.length);
        expect(parsed.value).toBe(Number(match[1] + fraction));
        expect(parsed.whole).toBe(Number(match[1]));
        expect(scaledText(parsed.value, parsed.places)).toBe(new Dec(text).toFixed());
      }),
      { numRuns: 3000, seed: 11 },
    );
  });

  it('when a scaled amount is rounded to fewer or more places, then the text matches decimal.js half-up', () => {
    fc.assert(
      fc.property(fc.nat({ max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: 0, max: 18 }), fc.integer({ min: 0, max: 6 }), (value, from, to) => {
        const expected = fixed(new Dec(value).div(new Dec(10).pow(from)), to);
        expect(roundedText(value, from, to)).toBe(expected);
        expect(roundedText(BigInt(value), from, to)).toBe(expected);
      }),
      { numRuns: 3000, seed: 3 },
    );
  });

  it('when a negative amount is printed, then it carries its sign and no trailing zeros', () => {
    expect(scaledText(-125_000n, 4)).toBe('-12.5');
    expect(scaledText(-5, 3)).toBe('-0.005');
    expect(scaledText(0, 3)).toBe('0');
  });
});

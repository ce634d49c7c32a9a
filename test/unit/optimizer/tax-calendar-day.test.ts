import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { calendarDay, NOT_A_DATE, NOT_YYYY_MM_DD } from '../../../src/core/optimizer/tax/calendar-day.js';

const SHAPE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The reading by regular expression and `Date.UTC` that the character-code reader must agree with. */
function byDate(value: unknown): number {
  const match = typeof value === 'string' ? SHAPE.exec(value) : null;
  if (match === null) return NOT_YYYY_MM_DD;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const at = Date.UTC(year, month - 1, day);
  const back = new Date(at);
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) return NOT_A_DATE;
  return at / 86_400_000;
}

const pad = (value: number, width: number) => String(value).padStart(width, '0');
/** Dates near and past every boundary: month and day 00–39, leap and century years, years below 100. */
const dateLike = fc
  .tuple(fc.oneof(fc.integer({ min: 0, max: 9999 }), fc.constantFrom(0, 99, 100, 1600, 1700, 1900, 1969, 1970, 2000, 2024, 2100, 9999)), fc.integer({ min: 0, max: 19 }), fc.integer({ min: 0, max: 39 }))
  .map(([year, month, day]) => `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`);
const texts = fc.string({ unit: fc.constantFrom('0', '1', '2', '9', '-', ' ', '/', 'a', '\n'), minLength: 8, maxLength: 12 });

describe('calendar day', () => {
  it('when any YYYY-MM-DD-like text is read, then it gives the day Date.UTC gives, and refuses what Date.UTC does not round-trip', () => {
    fc.assert(
      fc.property(fc.oneof(dateLike, texts), (text) => {
        expect(calendarDay(text)).toBe(byDate(text));
      }),
      { numRuns: 20_000, seed: 17 },
    );
  });

  it('when a value is not of the form YYYY-MM-DD, then it is refused as such, and a form naming no date as not a date', () => {
    for (const value of [20261130, null, undefined, '', '2026-1-01', '2026-01-01 ', ' 2026-01-01', '2026/01/01', '2026-11-30T00:00:00Z', '２０２６-01-01']) {
      expect(calendarDay(value)).toBe(NOT_YYYY_MM_DD);
    }
    for (const value of ['2026-02-29', '2026-13-01', '2026-00-10', '2026-04-31', '1900-02-29', '0050-01-01', '0099-12-31']) {
      expect(calendarDay(value)).toBe(NOT_A_DATE);
    }
  });

  it('when a date exists, then its day number counts from 1970-01-01 across leap days and centuries', () => {
    expect(calendarDay('1970-01-01')).toBe(0);
    expect(calendarDay('1969-12-31')).toBe(-1);
    expect(calendarDay('2000-02-29')).toBe(11_016);
    expect(calendarDay('2026-11-30') - calendarDay('2025-11-30')).toBe(365);
    expect(calendarDay('2024-03-01') - calendarDay('2024-02-28')).toBe(2);
    expect(calendarDay('0100-01-01')).toBe(Date.UTC(100, 0, 1) / 86_400_000);
  });
});

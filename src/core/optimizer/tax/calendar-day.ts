/**
 * `YYYY-MM-DD` calendar dates as day numbers, read by character codes: a tax book carries one
 * date per lot, so each is read without a regular expression or a `Date` round trip. Proleptic
 * Gregorian calendar, as `Date.UTC` counts it.
 */

/** What {@link calendarDay} returns for a value that is not a string of the form `YYYY-MM-DD`. */
export const NOT_YYYY_MM_DD = Number.NEGATIVE_INFINITY;

/**
 * What {@link calendarDay} returns for `YYYY-MM-DD` that names no date (month 13, 2026-02-30) or
 * a year below 0100, which `Date.UTC` would read as 19YY: such a year is refused, not moved.
 */
export const NOT_A_DATE = Number.POSITIVE_INFINITY;

const ZERO = 48;
const DASH = 45;

/** The two-digit number at `at`, or -1 unless both are ASCII digits. */
function twoDigits(text: string, at: number): number {
  const high = text.charCodeAt(at) - ZERO;
  const low = text.charCodeAt(at + 1) - ZERO;
  return high >= 0 && high <= 9 && low >= 0 && low <= 9 ? high * 10 + low : -1;
}

function isLeap(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeap(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Days since 1970-01-01 of a valid date (year ≥ 1): H. Hinnant's `days_from_civil`, counting
 * from March so that the leap day ends the year, in 400-year eras of 146,097 days.
 */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** Years whose first day is looked up rather than computed (lots are acquired in these). */
const TABLE_FROM = 1900;
const TABLE_TO = 2299;
/** Days since 1970-01-01 of January 1st of each year in [TABLE_FROM, TABLE_TO]. */
const YEAR_START = Int32Array.from({ length: TABLE_TO - TABLE_FROM + 1 }, (_, k) => daysFromCivil(TABLE_FROM + k, 1, 1));
/** Days before the first of each month (index 1–12) in a common year, and in a leap year. */
const MONTH_START = [Int32Array.of(0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334), Int32Array.of(0, 0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335)];

/**
 * Days since 1970-01-01 (negative before it) of `value` if it is a `YYYY-MM-DD` string naming a
 * calendar date; {@link NOT_YYYY_MM_DD} or {@link NOT_A_DATE} if not.
 */
export function calendarDay(value: unknown): number {
  if (typeof value !== 'string' || value.length !== 10 || value.charCodeAt(4) !== DASH || value.charCodeAt(7) !== DASH) return NOT_YYYY_MM_DD;
  const century = twoDigits(value, 0);
  const yearOfCentury = twoDigits(value, 2);
  const month = twoDigits(value, 5);
  const day = twoDigits(value, 8);
  if (century < 0 || yearOfCentury < 0 || month < 0 || day < 0) return NOT_YYYY_MM_DD;
  const year = century * 100 + yearOfCentury;
  if (year < 100 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return NOT_A_DATE;
  if (year < TABLE_FROM || year > TABLE_TO) return daysFromCivil(year, month, day);
  return (YEAR_START[year - TABLE_FROM] as number) + ((MONTH_START[isLeap(year) ? 1 : 0] as Int32Array)[month] as number) + day - 1;
}

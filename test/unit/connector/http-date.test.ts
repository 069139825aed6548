import { describe, expect, it } from 'vitest';
import { formatHttpDate, parseHttpDate } from '../../../src/connector/http-date.js';

// RFC 9110 §5.6.7's example instant.
const EXAMPLE = Date.UTC(1994, 10, 6, 8, 49, 37);

describe('HTTP dates', () => {
  it('formats IMF-fixdate', () => {
    expect(formatHttpDate(EXAMPLE)).toBe('Sun, 06 Nov 1994 08:49:37 GMT');
    expect(formatHttpDate(0)).toBe('Thu, 01 Jan 1970 00:00:00 GMT');
  });

  it('parses all three formats of RFC 9110 §5.6.7 to the same instant', () => {
    expect(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT')).toBe(EXAMPLE);
    expect(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT')).toBe(EXAMPLE);
    expect(parseHttpDate('Sun Nov  6 08:49:37 1994')).toBe(EXAMPLE);
  });

  it('reads an RFC 850 two-digit year as within 50 years from now', () => {
    const year = new Date().getUTCFullYear();
    const next = (year + 1) % 100;
    const parsed = parseHttpDate(`Monday, 01-Jan-${String(next).padStart(2, '0')} 00:00:00 GMT`)!;
    expect(new Date(parsed).getUTCFullYear()).toBe(year + 1);
    const old = (year + 60) % 100;
    const parsedOld = parseHttpDate(`Monday, 01-Jan-${String(old).padStart(2, '0')} 00:00:00 GMT`)!;
    expect(new Date(parsedOld).getUTCFullYear()).toBe(year + 60 - 100);
  });

  it('round-trips formatted dates', () => {
    for (const ms of [0, EXAMPLE, Date.UTC(2038, 0, 19, 3, 14, 8), Date.UTC(2000, 1, 29, 23, 59, 59)]) {
      expect(parseHttpDate(formatHttpDate(ms))).toBe(ms);
    }
  });

  it.each([
    '',
    'yesterday',
    'Sun, 06 Nov 1994 08:49:37 UTC',
    'Sun, 6 Nov 1994 08:49:37 GMT',
    'Sun, 31 Feb 1994 08:49:37 GMT',
    'Sun, 06 Foo 1994 08:49:37 GMT',
    'Xyz, 06 Nov 1994 08:49:37 GMT',
    'Sun, 06 Nov 1994 25:49:37 GMT',
    '1994-11-06T08:49:37Z',
  ])('rejects %j', (value) => {
    expect(parseHttpDate(value)).toBeNull();
  });
});

/**
 * ExpiresFilter's mod_expires syntax and date arithmetic (src/filters/expires-syntax.ts), against what Tomcat
 * 10.1's ExpiresFilter.parseExpiresConfiguration accepts and refuses.
 */
import { describe, expect, it } from 'vitest';
import {
  configurationForType,
  expirationOf,
  formatExpiresConfiguration,
  MAX_EXPIRES_MS,
  maxAgeOf,
  parseExpiresConfiguration,
  parseStatusList,
  type ExpiresConfiguration,
} from '../../../src/filters/expires-syntax.js';

function parsed(text: string): ExpiresConfiguration {
  const result = parseExpiresConfiguration(text);
  if (!result.ok) throw new Error(`refused: ${result.problem}`);
  return result.value;
}

function problem(text: string): string {
  const result = parseExpiresConfiguration(text);
  if (result.ok) throw new Error(`accepted: ${text}`);
  return result.problem;
}

describe('parseExpiresConfiguration', () => {
  it('reads the long syntax with several durations, plus optional, keywords in any case', () => {
    expect(parsed('access plus 1 month 2 days')).toEqual({
      startingPoint: 'access',
      durations: [
        { amount: 1, unit: 'month' },
        { amount: 2, unit: 'day' },
      ],
    });
    expect(parsed('  Modification PLUS 1 Year 3 HOURS  ')).toEqual({
      startingPoint: 'modification',
      durations: [
        { amount: 1, unit: 'year' },
        { amount: 3, unit: 'hour' },
      ],
    });
    expect(parsed('now 10 minutes')).toEqual({ startingPoint: 'access', durations: [{ amount: 10, unit: 'minute' }] });
    expect(parsed('access plus 1 week 5 seconds').durations).toEqual([
      { amount: 1, unit: 'week' },
      { amount: 5, unit: 'second' },
    ]);
  });

  it('reads the short A<seconds> / M<seconds> forms', () => {
    expect(parsed('A3600')).toEqual({ startingPoint: 'access', durations: [{ amount: 3600, unit: 'second' }] });
    expect(parsed('m86400')).toEqual({ startingPoint: 'modification', durations: [{ amount: 86400, unit: 'second' }] });
  });

  it('accepts signed 32-bit amounts as Java parseInt does, and only those', () => {
    expect(parsed('access plus -5 days').durations).toEqual([{ amount: -5, unit: 'day' }]);
    expect(parsed('access plus +5 days').durations).toEqual([{ amount: 5, unit: 'day' }]);
    expect(parsed('access plus 2147483647 seconds').durations[0]!.amount).toBe(2147483647);
    expect(problem('access plus 2147483648 seconds')).toContain('[2147483648] is not an integer amount');
    expect(problem('access plus 1.5 days')).toContain('[1.5] is not an integer amount');
  });

  it('refuses what Tomcat refuses, naming the token', () => {
    expect(problem('')).toContain('no starting point');
    expect(problem('soon plus 1 day')).toContain('starting point [soon]');
    expect(problem('access')).toContain('no duration');
    expect(problem('access plus')).toContain('no duration');
    expect(problem('access plus 1')).toContain('no unit after the amount [1]');
    expect(problem('access plus 1 fortnight')).toContain('[fortnight] is not a unit');
    expect(problem('A')).toContain('[seconds] is not an integer amount');
    expect(problem('Afoo')).toContain('[foo] is not an integer amount');
    // Only the space separates tokens (Java's StringTokenizer(line, " ")): a tab does not.
    expect(problem('access\tplus 1 day')).toContain('starting point [access\tplus]');
  });

  it('writes a configuration back in the long syntax', () => {
    expect(formatExpiresConfiguration(parsed('A60'))).toBe('access plus 60 seconds');
    expect(formatExpiresConfiguration(parsed('modification 1 month 1 day'))).toBe('modification plus 1 month 1 day');
  });
});

describe('expirationOf and maxAgeOf', () => {
  const now = Date.UTC(2026, 0, 31, 12, 0, 0, 250);

  it('adds months as java.util.Calendar: the day is clamped to the end of a shorter month', () => {
    expect(new Date(expirationOf(parsed('access plus 1 month'), now, null)).toISOString()).toBe('2026-02-28T12:00:00.250Z');
    expect(new Date(expirationOf(parsed('access plus 1 month'), Date.UTC(2028, 0, 31), null)).toISOString()).toBe(
      '2028-02-29T00:00:00.000Z',
    );
    expect(new Date(expirationOf(parsed('access plus 1 year'), Date.UTC(2028, 1, 29), null)).toISOString()).toBe(
      '2029-02-28T00:00:00.000Z',
    );
    expect(new Date(expirationOf(parsed('access plus -2 months'), now, null)).toISOString()).toBe('2025-11-30T12:00:00.250Z');
  });

  it('applies the durations in order, as successive Calendar.add calls', () => {
    const jan30 = Date.UTC(2026, 0, 30);
    expect(new Date(expirationOf(parsed('access plus 1 month 1 day'), jan30, null)).toISOString()).toBe('2026-03-01T00:00:00.000Z');
    expect(new Date(expirationOf(parsed('access plus 1 day 1 month'), jan30, null)).toISOString()).toBe('2026-02-28T00:00:00.000Z');
    expect(new Date(expirationOf(parsed('access plus 1 month 2 days'), now, null)).toISOString()).toBe('2026-03-02T12:00:00.250Z');
  });

  it('starts from Last-Modified for modification, from now when the response has none', () => {
    const modified = Date.UTC(2025, 5, 1);
    expect(expirationOf(parsed('modification plus 1 hour'), now, modified)).toBe(modified + 3_600_000);
    expect(expirationOf(parsed('modification plus 1 hour'), now, null)).toBe(now + 3_600_000);
    expect(expirationOf(parsed('access plus 1 hour'), now, modified)).toBe(now + 3_600_000);
  });

  it('max-age is whole seconds truncated toward zero, negative when the date is past', () => {
    expect(maxAgeOf(now + 3_600_999, now)).toBe(3600);
    expect(maxAgeOf(now - 1500, now)).toBe(-1);
    const modified = Date.UTC(2025, 5, 1);
    expect(maxAgeOf(expirationOf(parsed('M60'), now, modified), now)).toBe(Math.trunc((modified + 60_000 - now) / 1000));
  });

  it('clamps to what an HTTP date can show', () => {
    expect(expirationOf(parsed('access plus 2147483647 years'), now, null)).toBe(MAX_EXPIRES_MS);
    expect(expirationOf(parsed('access plus 2147483647 weeks'), now, null)).toBe(MAX_EXPIRES_MS);
    expect(expirationOf(parsed('access plus -2147483648 years'), now, null)).toBe(Date.UTC(1970, 0, 1));
  });
});

describe('configurationForType', () => {
  const css = parsed('A1');
  const text = parsed('A2');
  const html = parsed('A3');
  const utf8Html = parsed('A4');
  const fallback = parsed('A5');
  const byType = new Map([
    ['text/css', css],
    ['text', text],
    ['text/html', html],
    ['text/html; charset=utf-8', utf8Html],
  ]);

  it('tries the whole type, then without parameters, then the major type, then the default', () => {
    expect(configurationForType(byType, fallback, 'TEXT/HTML; charset=UTF-8')).toBe(utf8Html);
    expect(configurationForType(byType, fallback, 'text/html;charset=ISO-8859-1')).toBe(html);
    expect(configurationForType(byType, fallback, 'text/css')).toBe(css);
    expect(configurationForType(byType, fallback, 'text/plain')).toBe(text);
    expect(configurationForType(byType, fallback, 'image/png')).toBe(fallback);
    expect(configurationForType(byType, fallback, null)).toBe(fallback);
    expect(configurationForType(byType, null, 'image/png')).toBeNull();
  });
});

describe('parseStatusList', () => {
  it('reads comma-separated integers, skipping blanks; anything else is refused', () => {
    expect(parseStatusList('304')).toEqual([304]);
    expect(parseStatusList(' 302, 304 ,,500 ')).toEqual([302, 304, 500]);
    expect(parseStatusList('')).toEqual([]);
    expect(parseStatusList('304,abc')).toBeNull();
  });
});

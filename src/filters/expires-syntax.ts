/**
 * ExpiresFilter's configuration language (Apache httpd's mod_expires, as Tomcat's ExpiresFilter reads it) and the
 * date arithmetic it asks for. Pure: the filter (expires-filter.ts) applies the result to responses.
 *
 * Syntax, as Tomcat 10.1 parses it: tokens separated by spaces (only the space character, as Java's
 * StringTokenizer(line, " ")), case-insensitive keywords:
 *   `<access|now|modification> [plus] <n> <unit> [<n> <unit>]…`  with unit one of year(s), month(s), week(s),
 *   day(s), hour(s), minute(s), second(s) and n a signed 32-bit integer;
 *   or a single token `A<seconds>` / `M<seconds>` (mod_expires' short form: access / modification plus seconds).
 */

export type StartingPoint = 'access' | 'modification';
export type DurationUnit = 'year' | 'month' | 'week' | 'day' | 'hour' | 'minute' | 'second';

export interface ExpiresDuration {
  readonly amount: number;
  readonly unit: DurationUnit;
}

export interface ExpiresConfiguration {
  readonly startingPoint: StartingPoint;
  readonly durations: readonly ExpiresDuration[];
}

export type ExpiresParse = { readonly ok: true; readonly value: ExpiresConfiguration } | { readonly ok: false; readonly problem: string };

const UNITS: ReadonlyMap<string, DurationUnit> = new Map(
  (['year', 'month', 'week', 'day', 'hour', 'minute', 'second'] as const).flatMap((unit) => [
    [unit, unit],
    [`${unit}s`, unit],
  ]),
);

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
/** Java's Integer.parseInt over ASCII digits: an optional sign, then digits, within 32 bits. */
function parseJavaInt(token: string): number | null {
  if (!/^[+-]?[0-9]+$/.test(token)) return null;
  const value = Number(token);
  return value >= INT_MIN && value <= INT_MAX ? value : null;
}

/** Parses one ExpiresDefault / ExpiresByType value; the problem names the token at fault. */
export function parseExpiresConfiguration(input: string): ExpiresParse {
  const line = input.trim();
  let tokens = line.split(' ').filter((token) => token !== '');
  const fail = (problem: string): ExpiresParse => ({ ok: false, problem });
  const first = tokens[0];
  if (first === undefined) return fail('no starting point (access, now or modification)');
  let startingPoint: StartingPoint;
  const lower = first.toLowerCase();
  if (lower === 'access' || lower === 'now') startingPoint = 'access';
  else if (lower === 'modification') startingPoint = 'modification';
  else if (tokens.length === 1 && (lower.startsWith('a') || lower.startsWith('m'))) {
    // The short form: `A3600` reads as `access 3600 seconds`.
    startingPoint = lower.startsWith('a') ? 'access' : 'modification';
    tokens = ['', ...`${first.slice(1)} seconds`.split(' ').filter((token) => token !== '')];
  } else {
    return fail(`starting point [${first}] is not access, now, modification, A<seconds> or M<seconds>`);
  }
  let index = 1;
  if (tokens[index]?.toLowerCase() === 'plus') index++;
  if (index >= tokens.length) return fail('no duration after the starting point');
  const durations: ExpiresDuration[] = [];
  while (index < tokens.length) {
    const amountToken = tokens[index]!;
    const amount = parseJavaInt(amountToken);
    if (amount === null) return fail(`[${amountToken}] is not an integer amount`);
    const unitToken = tokens[index + 1];
    if (unitToken === undefined) return fail(`no unit after the amount [${amountToken}]`);
    const unit = UNITS.get(unitToken.toLowerCase());
    if (unit === undefined) return fail(`[${unitToken}] is not a unit (years, months, weeks, days, hours, minutes, seconds)`);
    durations.push({ amount, unit });
    index += 2;
  }
  return { ok: true, value: { startingPoint, durations } };
}

/** The configuration written back in the long syntax (for logs and docs). */
export function formatExpiresConfiguration(configuration: ExpiresConfiguration): string {
  const parts = configuration.durations.map((d) => `${d.amount} ${d.unit}${Math.abs(d.amount) === 1 ? '' : 's'}`);
  return `${configuration.startingPoint} plus ${parts.join(' ')}`;
}

/** The range an IMF-fixdate can show (years 0000-9999); a computed date beyond it is clamped to its end. */
export const MIN_EXPIRES_MS = Date.UTC(1970, 0, 1);
export const MAX_EXPIRES_MS = Date.UTC(9999, 11, 31, 23, 59, 59);

const DAY_MS = 86_400_000;
const FIXED_MS: Readonly<Record<'week' | 'day' | 'hour' | 'minute' | 'second', number>> = {
  week: 7 * DAY_MS,
  day: DAY_MS,
  hour: 3_600_000,
  minute: 60_000,
  second: 1000,
};

/**
 * Adds calendar months as java.util.Calendar.add(MONTH) does: the day of the month is kept, or clamped to the
 * last day of the resulting month (31 Jan + 1 month = 28 or 29 Feb).
 */
function addMonths(epochMs: number, months: number): number {
  const d = new Date(epochMs);
  const total = d.getUTCFullYear() * 12 + d.getUTCMonth() + months;
  const year = Math.floor(total / 12);
  const month = total - year * 12;
  if (year < 0 || year > 9999) return months > 0 ? MAX_EXPIRES_MS : MIN_EXPIRES_MS;
  const lastDay = new Date(Date.UTC(2000, month + 1, 0)).getUTCDate() - (month === 1 && !isLeapYear(year) ? 1 : 0);
  const result = new Date(0);
  result.setUTCFullYear(year, month, Math.min(d.getUTCDate(), lastDay));
  result.setUTCHours(d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
  return result.getTime();
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/**
 * The expiration date of a configuration: from the starting point (now, or the response's Last-Modified when
 * it has one, else now, as Tomcat), each duration added in order as Calendar.add would. Serval counts in UTC
 * (Tomcat's Calendar uses the JVM's time zone, so across a daylight-saving change its "1 day" may be 23 or 25
 * hours). The result is clamped to what an HTTP date can show.
 */
export function expirationOf(configuration: ExpiresConfiguration, nowMs: number, lastModifiedMs: number | null): number {
  let time = configuration.startingPoint === 'modification' && lastModifiedMs !== null ? lastModifiedMs : nowMs;
  for (const { amount, unit } of configuration.durations) {
    if (unit === 'year' || unit === 'month') time = addMonths(time, unit === 'year' ? amount * 12 : amount);
    else time += amount * FIXED_MS[unit];
    time = Math.min(Math.max(time, MIN_EXPIRES_MS), MAX_EXPIRES_MS);
  }
  return time;
}

/** Cache-Control max-age for an expiration: whole seconds from now, truncated toward zero as Java's long division. */
export function maxAgeOf(expiresMs: number, nowMs: number): number {
  return Math.trunc((expiresMs - nowMs) / 1000);
}

/**
 * The configuration for a response's content type, looked up as Tomcat does: the whole type lower-cased
 * (`text/html; charset=utf-8`), then without its parameters (`text/html`), then the major type (`text`),
 * then the default.
 */
export function configurationForType(
  byType: ReadonlyMap<string, ExpiresConfiguration>,
  fallback: ExpiresConfiguration | null,
  contentType: string | null,
): ExpiresConfiguration | null {
  if (contentType !== null) {
    const type = contentType.toLowerCase();
    const exact = byType.get(type);
    if (exact !== undefined) return exact;
    const semicolon = type.indexOf(';');
    if (semicolon >= 0) {
      const bare = byType.get(type.slice(0, semicolon).trim());
      if (bare !== undefined) return bare;
    }
    const slash = type.indexOf('/');
    if (slash >= 0) {
      const major = byType.get(type.slice(0, slash));
      if (major !== undefined) return major;
    }
  }
  return fallback;
}

/** ExpiresExcludedResponseStatusCodes: comma-separated integers (blank entries skipped), or null when one is not. */
export function parseStatusList(value: string): number[] | null {
  const codes: number[] = [];
  for (const part of value.split(',')) {
    const token = part.trim();
    if (token === '') continue;
    const code = parseJavaInt(token);
    if (code === null) return null;
    codes.push(code);
  }
  return codes;
}

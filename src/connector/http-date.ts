/** HTTP dates (RFC 9110 §5.6.7): IMF-fixdate out; IMF-fixdate, RFC 850 and asctime in. */

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const LONG_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

// Sun, 06 Nov 1994 08:49:37 GMT
const IMF_FIXDATE = /^([A-Za-z]{3}), (\d{2}) ([A-Za-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
// Sunday, 06-Nov-94 08:49:37 GMT
const RFC_850 = /^([A-Za-z]{6,9}), (\d{2})-([A-Za-z]{3})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
// Sun Nov  6 08:49:37 1994
const ASCTIME = /^([A-Za-z]{3}) ([A-Za-z]{3}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/;

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Formats epoch milliseconds as an IMF-fixdate, the only form a sender may generate (RFC 9110 §5.6.7). */
export function formatHttpDate(epochMs: number): string {
  const d = new Date(epochMs);
  const year = d.getUTCFullYear();
  return (
    `${DAYS[d.getUTCDay()]}, ${pad2(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ` +
    `${year < 1000 ? String(year).padStart(4, '0') : year} ` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} GMT`
  );
}

function build(year: number, monthName: string, day: number, h: number, m: number, s: number): number | null {
  const month = MONTHS.findIndex((name) => name.toLowerCase() === monthName.toLowerCase());
  if (month < 0 || day < 1 || day > 31 || h > 23 || m > 59 || s > 60) return null;
  const ms = Date.UTC(year, month, day, h, m, Math.min(s, 59));
  // Reject dates such as 31 Feb that Date.UTC silently rolls over.
  return new Date(ms).getUTCDate() === day ? ms : null;
}

/** Epoch milliseconds for any of the three HTTP date forms, or null when the value is none of them. */
export function parseHttpDate(value: string): number | null {
  const text = value.trim();
  let match = IMF_FIXDATE.exec(text);
  if (match !== null) {
    if (!DAYS.some((d) => d.toLowerCase() === match![1]!.toLowerCase())) return null;
    return build(Number(match[4]), match[3]!, Number(match[2]), Number(match[5]), Number(match[6]), Number(match[7]));
  }
  match = RFC_850.exec(text);
  if (match !== null) {
    if (!LONG_DAYS.some((d) => d.toLowerCase() === match![1]!.toLowerCase())) return null;
    // RFC 9110 §5.6.7: a two-digit year more than 50 years in the future is in the past century.
    const currentYear = new Date().getUTCFullYear();
    let year = Math.floor(currentYear / 100) * 100 + Number(match[4]);
    if (year > currentYear + 50) year -= 100;
    return build(year, match[3]!, Number(match[2]), Number(match[5]), Number(match[6]), Number(match[7]));
  }
  match = ASCTIME.exec(text);
  if (match !== null) {
    if (!DAYS.some((d) => d.toLowerCase() === match[1]!.toLowerCase())) return null;
    return build(Number(match[7]), match[2]!, Number(match[3]!.trim()), Number(match[4]), Number(match[5]), Number(match[6]));
  }
  return null;
}

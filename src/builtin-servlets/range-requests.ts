/** Byte ranges (RFC 9110 §14): the Range and If-Range headers and multipart/byteranges bodies, with Tomcat's rules. */
import { parseEntityTags, strongMatch, parseETag } from './preconditions.js';

/** The boundary Tomcat uses; clients and tests rely on it. */
export const MULTIPART_BOUNDARY = 'CATALINA_MIME_BOUNDARY';

/** An inclusive byte range inside the representation. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

export type RangeDecision =
  { readonly kind: 'full' } | { readonly kind: 'unsatisfiable' } | { readonly kind: 'partial'; readonly ranges: readonly ByteRange[] };

const FULL: RangeDecision = { kind: 'full' };
const UNSATISFIABLE: RangeDecision = { kind: 'unsatisfiable' };
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const SPEC = /^(\d*)-(\d*)$/;

/**
 * Decides what a Range header asks of a representation of `length` bytes. A syntactically broken header is
 * unsatisfiable (416) as in Tomcat; a well-formed one in a unit other than `bytes` is ignored (RFC 9110
 * §14.2: the full 200). Every range must be satisfiable, and more than one pair of overlapping ranges is
 * refused (§14.2 warns against many overlapping ranges as a denial-of-service vector).
 */
export function decideRange(header: string, length: number): RangeDecision {
  const equals = header.indexOf('=');
  if (equals < 0) return UNSATISFIABLE;
  const unit = header.slice(0, equals).trim();
  if (!TOKEN.test(unit)) return UNSATISFIABLE;
  const specs: Array<readonly [string, string]> = [];
  for (const element of header.slice(equals + 1).split(',')) {
    const trimmed = element.trim();
    // Empty list elements are allowed and ignored (RFC 9110 §5.6.1).
    if (trimmed === '') continue;
    const match = SPEC.exec(trimmed);
    if (match === null || (match[1] === '' && match[2] === '')) return UNSATISFIABLE;
    specs.push([match[1]!, match[2]!]);
  }
  if (specs.length === 0) return UNSATISFIABLE;
  if (unit.toLowerCase() !== 'bytes') return FULL;
  const ranges: ByteRange[] = [];
  for (const [first, last] of specs) {
    let start: number;
    let end: number;
    if (first === '') {
      const suffix = Number(last);
      if (suffix === 0) return UNSATISFIABLE;
      start = Math.max(0, length - suffix);
      end = length - 1;
    } else {
      start = Number(first);
      end = last === '' ? length - 1 : Math.min(Number(last), length - 1);
      if (start >= length || (last !== '' && Number(last) < start)) return UNSATISFIABLE;
    }
    ranges.push({ start, end });
  }
  let overlaps = 0;
  for (let i = 0; i < ranges.length; i++) {
    for (let j = i + 1; j < ranges.length; j++) {
      if (ranges[i]!.start <= ranges[j]!.end && ranges[j]!.start <= ranges[i]!.end && ++overlaps > 1) return UNSATISFIABLE;
    }
  }
  return { kind: 'partial', ranges };
}

export type IfRangeResult = 'range' | 'full' | 400;

/**
 * If-Range (RFC 9110 §13.1.5): the range applies only when the validator still matches — a strong ETag
 * compared strongly, or a date equal to Last-Modified (to the second). More than one value or one that is
 * neither an entity-tag nor a date is a bad request, as in Tomcat.
 */
export function evaluateIfRange(values: readonly string[], etag: string, lastModifiedMs: number): IfRangeResult {
  if (values.length !== 1) return 400;
  const value = values[0]!.trim();
  if (value.startsWith('"') || value.startsWith('W/')) {
    const tags = parseEntityTags(value);
    if (!Array.isArray(tags) || tags.length !== 1) return 400;
    const current = parseETag(etag);
    return current !== null && strongMatch(tags[0]!, current) ? 'range' : 'full';
  }
  const date = parseImfDate(value);
  if (date === null) return 400;
  return date === Math.floor(lastModifiedMs / 1000) * 1000 ? 'range' : 'full';
}

const IMF_FIXDATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const RFC850 = /^[A-Z][a-z]+day, \d{2}-[A-Z][a-z]{2}-\d{2} \d{2}:\d{2}:\d{2} GMT$/;
const ASCTIME = /^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/;

/** The three HTTP-date forms of RFC 9110 §5.6.7; anything else is not a date. */
export function parseImfDate(value: string): number | null {
  if (!IMF_FIXDATE.test(value) && !RFC850.test(value) && !ASCTIME.test(value)) return null;
  const ms = Date.parse(ASCTIME.test(value) ? `${value} GMT` : value);
  return Number.isNaN(ms) ? null : ms;
}

/** One part of a multipart/byteranges body: its header block and the bytes it carries. */
export interface MultipartPart {
  readonly head: Buffer;
  readonly range: ByteRange;
}

/**
 * The parts and the closing delimiter of a multipart/byteranges body (RFC 9110 §14.6), laid out as Tomcat
 * writes them: each part opens with CRLF `--boundary`, and the body ends with CRLF `--boundary--`.
 */
export function multipartLayout(
  ranges: readonly ByteRange[],
  length: number,
  contentType: string | null,
): { parts: MultipartPart[]; tail: Buffer; totalLength: number } {
  let totalLength = 0;
  const parts = ranges.map((range) => {
    let head = `\r\n--${MULTIPART_BOUNDARY}\r\n`;
    if (contentType !== null) head += `Content-Type: ${contentType}\r\n`;
    head += `Content-Range: bytes ${range.start}-${range.end}/${length}\r\n\r\n`;
    const bytes = Buffer.from(head, 'latin1');
    totalLength += bytes.length + range.end - range.start + 1;
    return { head: bytes, range };
  });
  const tail = Buffer.from(`\r\n--${MULTIPART_BOUNDARY}--`, 'latin1');
  totalLength += tail.length;
  return { parts, tail, totalLength };
}

/** Content-Range of a partial PUT: `bytes first-last/complete` or `bytes first-last/*` (RFC 9110 §14.4). */
export function parseContentRange(value: string): { start: number; end: number; length: number | null } | null {
  const match = /^bytes (\d{1,15})-(\d{1,15})\/(\d{1,15}|\*)$/.exec(value.trim());
  if (match === null) return null;
  const start = Number(match[1]);
  const end = Number(match[2]);
  const length = match[3] === '*' ? null : Number(match[3]);
  if (end < start || (length !== null && end >= length)) return null;
  return { start, end, length };
}

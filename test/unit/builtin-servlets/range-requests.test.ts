import { describe, expect, it } from 'vitest';
import {
  decideRange,
  evaluateIfRange,
  multipartLayout,
  parseContentRange,
  parseImfDate,
  type RangeDecision,
} from '../../../src/builtin-servlets/range-requests.js';
import { isTextType } from '../../../src/builtin-servlets/default-servlet.js';
import { chooseEncoding, parseAcceptEncoding, parsePrecompressed } from '../../../src/builtin-servlets/precompressed.js';
import { parseSortQuery, sortEntries, type ListingEntry } from '../../../src/builtin-servlets/directory-listing.js';
import { strongETag } from '../../../src/builtin-servlets/preconditions.js';

const partial = (...ranges: Array<[number, number]>): RangeDecision => ({
  kind: 'partial',
  ranges: ranges.map(([start, end]) => ({ start, end })),
});

describe('decideRange (RFC 9110 §14.2, Tomcat rules)', () => {
  it.each<[string, RangeDecision]>([
    ['bytes=0-9', partial([0, 9])],
    ['bytes=-100', partial([400, 499])],
    ['bytes=100-', partial([100, 499])],
    ['bytes=0-1000', partial([0, 499])],
    ['bytes=-1000', partial([0, 499])],
    ['BYTES=1-2', partial([1, 2])],
    [' bytes = 1-2 , ,3-4', partial([1, 2], [3, 4])],
    ['bytes=1-100, 30-50', partial([1, 100], [30, 50])],
    ['bytes=499-499', partial([499, 499])],
    ['unknown=1-2', { kind: 'full' }],
    ['bytesX=1-2', { kind: 'full' }],
    ['bytes', { kind: 'unsatisfiable' }],
    ['bytes=', { kind: 'unsatisfiable' }],
    ['bytes=-', { kind: 'unsatisfiable' }],
    ['bytes=10-b', { kind: 'unsatisfiable' }],
    ['bytes=5-2', { kind: 'unsatisfiable' }],
    ['bytes=-0', { kind: 'unsatisfiable' }],
    ['bytes=500-', { kind: 'unsatisfiable' }],
    ['bytes=0-1, 600-700', { kind: 'unsatisfiable' }],
    ['by tes=1-2', { kind: 'unsatisfiable' }],
    ['bytes=1-100, 30-50, 10-20', { kind: 'unsatisfiable' }],
  ])('%j on 500 bytes', (header, expected) => {
    expect(decideRange(header, 500)).toEqual(expected);
  });
});

describe('evaluateIfRange (RFC 9110 §13.1.5)', () => {
  const mtime = Date.parse('Tue, 03 Mar 2026 10:00:00 GMT') + 250;
  it.each<[string[], 'range' | 'full' | 400]>([
    [['"abc"'], 'range'],
    [['W/"abc"'], 'full'],
    [['"other"'], 'full'],
    [['Tue, 03 Mar 2026 10:00:00 GMT'], 'range'],
    [['Tue, 03 Mar 2026 10:00:01 GMT'], 'full'],
    [['Tuesday, 03-Mar-26 10:00:00 GMT'], 'range'],
    [['Tue Mar  3 10:00:00 2026'], 'range'],
    [['2026-03-03'], 400],
    [['"a", "b"'], 400],
    [['"a"', '"b"'], 400],
    [['"abc'], 400],
  ])('%j', (values, expected) => {
    expect(evaluateIfRange(values, '"abc"', mtime)).toBe(expected);
  });

  it('parses only the three HTTP-date forms', () => {
    expect(parseImfDate('Thu, 01 Jan 1970 00:00:00 GMT')).toBe(0);
    expect(parseImfDate('1970-01-01T00:00:00Z')).toBeNull();
    expect(parseImfDate('0')).toBeNull();
  });
});

describe('multipartLayout', () => {
  it('frames the parts as Tomcat does and counts every byte', () => {
    const layout = multipartLayout(
      [
        { start: 0, end: 1 },
        { start: 5, end: 6 },
      ],
      10,
      'text/plain',
    );
    const heads = layout.parts.map((p) => p.head.toString('latin1'));
    expect(heads[0]).toBe('\r\n--CATALINA_MIME_BOUNDARY\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-1/10\r\n\r\n');
    expect(layout.tail.toString()).toBe('\r\n--CATALINA_MIME_BOUNDARY--');
    expect(layout.totalLength).toBe(heads[0]!.length + heads[1]!.length + 4 + layout.tail.length);
    expect(multipartLayout([{ start: 0, end: 0 }], 1, null).parts[0]!.head.toString()).not.toContain('Content-Type');
  });
});

describe('parseContentRange (partial PUT)', () => {
  it.each([
    ['bytes 0-2/*', { start: 0, end: 2, length: null }],
    ['bytes 3-5/6', { start: 3, end: 5, length: 6 }],
    ['bytes 5-2/*', null],
    ['bytes 0-6/6', null],
    ['bytes */6', null],
    ['items 0-1/2', null],
  ])('%j', (value, expected) => {
    expect(parseContentRange(value)).toEqual(expected);
  });
});

describe('precompressed variants and MIME helpers', () => {
  it('parses the precompressed init parameter', () => {
    expect(parsePrecompressed('true')?.map((f) => f.encoding)).toEqual(['br', 'gzip']);
    expect(parsePrecompressed(null)).toEqual([]);
    expect(parsePrecompressed('false')).toEqual([]);
    expect(parsePrecompressed('gzip=.gz, br=.br')).toEqual([
      { encoding: 'gzip', extension: '.gz' },
      { encoding: 'br', extension: '.br' },
    ]);
    expect(parsePrecompressed('gzip')).toBeNull();
    expect(parsePrecompressed('gzip=gz')).toBeNull();
  });

  it('chooses the highest q, ties in the server order, q=0 never', () => {
    const formats = parsePrecompressed('true')!;
    const choose = (header: string): string | undefined => chooseEncoding(parseAcceptEncoding(header), formats)?.encoding;
    expect(choose('gzip, br')).toBe('br');
    expect(choose('gzip;q=1, br;q=0.9')).toBe('gzip');
    expect(choose('br;q=0, gzip;q=0.1')).toBe('gzip');
    expect(choose('*')).toBe('br');
    expect(choose('*, br;q=0')).toBe('gzip');
    expect(choose('identity')).toBeUndefined();
    expect(choose('')).toBeUndefined();
  });

  it('treats text, xml and javascript types as text', () => {
    expect(['text/plain', 'application/xml', 'image/svg+xml', 'text/javascript'].every(isTextType)).toBe(true);
    expect(['application/json', 'image/png', 'application/octet-stream'].some(isTextType)).toBe(false);
  });

  it('builds strong ETags from the SHA-256 of the bytes', () => {
    expect(strongETag(Buffer.from('abc'))).toBe('"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"');
  });
});

describe('listing order', () => {
  const entries: ListingEntry[] = [
    { name: 'b.txt', directory: false, size: 5, mtimeMs: 3 },
    { name: 'a.txt', directory: false, size: 9, mtimeMs: 1 },
    { name: 'z', directory: true, size: 0, mtimeMs: 2 },
  ];
  const names = (list: ListingEntry[]): string[] => list.map((e) => e.name);

  it('sorts by name, size or date, ascending or descending, directories optionally first', () => {
    expect(names(sortEntries(entries, 'N', 'A', false))).toEqual(['a.txt', 'b.txt', 'z']);
    expect(names(sortEntries(entries, 'N', 'D', true))).toEqual(['z', 'b.txt', 'a.txt']);
    expect(names(sortEntries(entries, 'S', 'D', false))).toEqual(['a.txt', 'b.txt', 'z']);
    expect(names(sortEntries(entries, 'M', 'A', false))).toEqual(['a.txt', 'z', 'b.txt']);
  });

  it('reads the sort query, ignoring what it does not know', () => {
    expect(parseSortQuery('C=S;O=D')).toEqual({ column: 'S', order: 'D' });
    expect(parseSortQuery('C=M&O=A')).toEqual({ column: 'M', order: 'A' });
    expect(parseSortQuery('C=X;O=<script>')).toEqual({ column: 'N', order: 'A' });
    expect(parseSortQuery(null)).toEqual({ column: 'N', order: 'A' });
  });
});

/**
 * Vector set C (tomcat.md §11: TestDefaultServletRangeRequests, Rfc9110Section13 and friends) over real
 * sockets against /files/a.txt (L = 500 bytes, weak ETag E, Last-Modified LM), one table row per vector.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RawResponse } from '../../helpers/raw-http-client.js';
import { A_TXT, LARGE, bodyBytes, send, startStaticServer, type StaticFixture } from '../../helpers/static-fixture.js';

const L = A_TXT.length;
let fixture: StaticFixture;
let port: number;
let E: string;
let LM: string;
const OLD_DATE = 'Thu, 01 Jan 1970 00:00:00 GMT';

beforeAll(async () => {
  fixture = await startStaticServer();
  port = fixture.server.port;
  const info = statSync(join(fixture.appBase, 'files', 'a.txt'));
  E = `W/"${L}-${Math.trunc(info.mtimeMs)}"`;
  LM = new Date(info.mtimeMs).toUTCString();
});

afterAll(async () => {
  await fixture?.close();
});

/** Header lines may refer to E and LM, which exist only once the server has started. */
type Lines = () => string[];

function get(headers: Lines = () => [], method = 'GET', path = '/files/a.txt'): Promise<RawResponse> {
  return send(port, path, { method, headers: headers() });
}

function expectFull(response: RawResponse): void {
  expect(response.status).toBe(200);
  expect(response.header('content-length')).toBe(String(L));
  expect(bodyBytes(response).equals(A_TXT)).toBe(true);
}

function expectSingleRange(response: RawResponse, start: number, end: number): void {
  expect(response.status).toBe(206);
  expect(response.header('content-range')).toBe(`bytes ${start}-${end}/${L}`);
  expect(response.header('content-length')).toBe(String(end - start + 1));
  expect(bodyBytes(response).equals(A_TXT.subarray(start, end + 1))).toBe(true);
}

function expect416(response: RawResponse): void {
  expect(response.status).toBe(416);
  expect(response.header('content-range')).toBe(`bytes */${L}`);
}

/** Splits a multipart/byteranges body into its parts, checking the framing Tomcat uses. */
function multipartParts(response: RawResponse): Array<{ contentRange: string; contentType: string; data: Buffer }> {
  expect(response.status).toBe(206);
  // Tomcat writes `; boundary=`; the container's Content-Type normalisation drops the space, which is equivalent.
  expect(response.header('content-type')).toMatch(/^multipart\/byteranges; ?boundary=CATALINA_MIME_BOUNDARY$/);
  const body = response.body;
  expect(body.endsWith('\r\n--CATALINA_MIME_BOUNDARY--')).toBe(true);
  const parts = body.slice(0, -'\r\n--CATALINA_MIME_BOUNDARY--'.length).split('\r\n--CATALINA_MIME_BOUNDARY\r\n').slice(1);
  return parts.map((part) => {
    const split = part.indexOf('\r\n\r\n');
    const headers = new Map(
      part
        .slice(0, split)
        .split('\r\n')
        .map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()] as const),
    );
    return {
      contentRange: headers.get('content-range') ?? '',
      contentType: headers.get('content-type') ?? '',
      data: Buffer.from(part.slice(split + 4), 'latin1'),
    };
  });
}

describe('vector set C — ranges', () => {
  it('C1: no Range → 200 with Accept-Ranges, ETag and Last-Modified', async () => {
    const response = await get();
    expectFull(response);
    expect(response.header('accept-ranges')).toBe('bytes');
    expect(response.header('etag')).toBe(E);
    expect(response.header('last-modified')).toBe(LM);
    expect(response.header('content-type')).toBe('text/plain;charset=UTF-8');
  });

  it.each([
    ['C2 bytes=0-9', 'bytes=0-9', 0, 9],
    ['C2 bytes=-100', 'bytes=-100', L - 100, L - 1],
    ['C2 bytes=100-', 'bytes=100-', 100, L - 1],
    ['C3 bytes=0-1000 (end clamped)', 'bytes=0-1000', 0, L - 1],
    ['C3 bytes=-1000 (suffix longer than the file)', 'bytes=-1000', 0, L - 1],
  ])('%s → 206 single part', async (_name, range, start, end) => {
    const response = await get(() => [`Range: ${range}`]);
    expectSingleRange(response, start, end);
    expect(response.header('content-type')).toBe('text/plain;charset=UTF-8');
    expect(response.header('etag')).toBe(E);
  });

  it.each([
    'bytes',
    'bytes=',
    'bytes=-',
    'bytes=10-b',
    'bytes=b-10',
    'bytes 1-10',
    'bytes1-10',
    'unknown',
    'unknown=',
    'bytes=1000-2000',
    'bytes=1-100, 30-50, 10-20',
  ])('C4/C5/C6 Range: %s → 416 with Content-Range bytes */L', async (range) => {
    expect416(await get(() => [`Range: ${range}`]));
  });

  it.each(['unknown=1-2', 'bytesX=1-2', 'Xbytes=1-2'])('C5 Range: %s (a unit we do not know) → 200 full', async (range) => {
    expectFull(await get(() => [`Range: ${range}`]));
  });

  it.each([
    [
      'bytes=1-100, 30-50',
      [
        [1, 100],
        [30, 50],
      ],
    ],
    [
      'bytes=1-100, 90-150',
      [
        [1, 100],
        [90, 150],
      ],
    ],
    [
      'bytes=0-1,5-6',
      [
        [0, 1],
        [5, 6],
      ],
    ],
  ])('C6/C7 Range: %s → 206 multipart/byteranges', async (range, expected) => {
    const response = await get(() => [`Range: ${range}`]);
    const parts = multipartParts(response);
    expect(Number(response.header('content-length'))).toBe(Buffer.byteLength(response.body, 'latin1'));
    expect(parts.map((p) => p.contentRange)).toEqual(expected.map(([s, e]) => `bytes ${s}-${e}/${L}`));
    for (const [i, [s, e]] of expected.entries()) {
      expect(parts[i]!.contentType).toBe('text/plain;charset=UTF-8');
      expect(parts[i]!.data.equals(A_TXT.subarray(s, e! + 1))).toBe(true);
    }
  });

  it('C8: 900 one-byte ranges → 206 with 900 parts', async () => {
    const header = Array.from({ length: 900 }, (_, i) => `${i + 1}-${i + 1}`).join(',');
    const response = await send(port, '/files/large.bin', { headers: [`Range: bytes=${header}`] });
    const parts = multipartParts(response);
    expect(parts).toHaveLength(900);
    expect(parts[899]!.contentRange).toBe(`bytes 900-900/${LARGE.length}`);
    expect(parts.every((part, i) => part.data.length === 1 && part.data[0] === LARGE[i + 1])).toBe(true);
    expect(parts[0]!.contentType).toBe('application/octet-stream');
  });

  it('C8: Range on HEAD → 200 with the full headers and no body', async () => {
    const response = await get(() => ['Range: bytes=0-9'], 'HEAD');
    expect(response.status).toBe(200);
    expect(response.header('content-length')).toBe(String(L));
    expect(response.header('content-range')).toBeUndefined();
    expect(response.header('etag')).toBe(E);
    expect(response.raw.endsWith('\r\n\r\n')).toBe(true);
  });
});

describe('vector set C — If-Range', () => {
  it.each<[string, Lines, 'range' | 'full' | 400]>([
    ['LM', () => [`If-Range: ${LM}`], 'range'],
    ['an old date', () => [`If-Range: ${OLD_DATE}`], 'full'],
    ['the weak ETag E', () => [`If-Range: ${E}`], 'full'],
    ['another strong ETag', () => ['If-Range: "46273648"'], 'full'],
    ['garbage', () => ['If-Range: garbage'], 400],
    ['W"123"', () => ['If-Range: W"123"'], 400],
    ['"123"W', () => ['If-Range: "123"W'], 400],
    ['two ETags', () => ['If-Range: "1", "2"'], 400],
    ['two If-Range headers', () => ['If-Range: "1"', 'If-Range: "2"'], 400],
  ])('C9 If-Range: %s', async (_name, lines, outcome) => {
    const response = await get(() => [...lines(), 'Range: bytes=0-9']);
    if (outcome === 'range') expectSingleRange(response, 0, 9);
    else if (outcome === 'full') expectFull(response);
    else expect(response.status).toBe(400);
  });

  it('C9: a strong ETag equal to the current one (useStrongETags) → 206', async () => {
    const first = await send(port, '/tuned/big.txt');
    const strong = first.header('etag') ?? '';
    expect(strong).toMatch(/^"[0-9a-f]{64}"$/);
    const ranged = await send(port, '/tuned/big.txt', { headers: [`If-Range: ${strong}`, 'Range: bytes=0-9'] });
    expect(ranged.status).toBe(206);
    expect(ranged.body).toBe('0123456789');
    const stale = await send(port, '/tuned/big.txt', { headers: [`If-Range: "${'0'.repeat(64)}"`, 'Range: bytes=0-9'] });
    expect(stale.status).toBe(200);
  });
});

describe('vector set C — preconditions', () => {
  function expect304(response: RawResponse): void {
    expect(response.status).toBe(304);
    expect(response.header('etag')).toBe(E);
    for (const name of ['content-type', 'content-length', 'last-modified', 'accept-ranges', 'content-range']) {
      expect(response.header(name)).toBeUndefined();
    }
    expect(response.body).toBe('');
  }

  it.each<[string, Lines]>([
    ['If-None-Match: E', () => [`If-None-Match: ${E}`]],
    ['If-None-Match: E without W/', () => [`If-None-Match: ${E.slice(2)}`]],
    ['If-None-Match: "x", E', () => [`If-None-Match: "x", ${E}`]],
    ['If-None-Match: *', () => ['If-None-Match: *']],
    ['If-Modified-Since: LM', () => [`If-Modified-Since: ${LM}`]],
  ])('C10/C11 %s → 304 carrying only the ETag', async (_name, lines) => {
    expect304(await get(lines));
  });

  it.each<[string, Lines, number]>([
    ['C10 If-None-Match: "zzz"', () => ['If-None-Match: "zzz"'], 200],
    ['C10 If-None-Match: zzz (unquoted)', () => ['If-None-Match: zzz'], 400],
    ['C10 If-None-Match: *, "a" (mixed)', () => ['If-None-Match: *, "a"'], 400],
    ['C11 If-Modified-Since: 1970', () => [`If-Modified-Since: ${OLD_DATE}`], 200],
    ['C11 If-Modified-Since: invalid date', () => ['If-Modified-Since: yesterday'], 200],
    ['C11 If-None-Match "zzz" wins over If-Modified-Since LM', () => ['If-None-Match: "zzz"', `If-Modified-Since: ${LM}`], 200],
    ['C12 If-Match: E (weak never matches)', () => [`If-Match: ${E}`], 412],
    ['C12 If-Match: *', () => ['If-Match: *'], 200],
    ['C12 If-Match: "zzz"', () => ['If-Match: "zzz"'], 412],
    ['C12 If-Unmodified-Since: 1970', () => [`If-Unmodified-Since: ${OLD_DATE}`], 412],
    ['C12 If-Unmodified-Since: LM', () => [`If-Unmodified-Since: ${LM}`], 200],
  ])('%s', async (_name, lines, status) => {
    const response = await get(lines);
    expect(response.status).toBe(status);
    if (status === 200) expect(bodyBytes(response).equals(A_TXT)).toBe(true);
  });

  it('C13: a missing file — If-Match * → 412, If-None-Match * → 404', async () => {
    expect((await get(() => ['If-Match: *'], 'GET', '/files/missing.txt')).status).toBe(412);
    expect((await get(() => ['If-None-Match: *'], 'GET', '/files/missing.txt')).status).toBe(404);
  });

  it('C13: POST with a matching If-None-Match → 412; HEAD with one → 304', async () => {
    expect((await get(() => [`If-None-Match: ${E}`], 'POST')).status).toBe(412);
    const head = await get(() => [`If-None-Match: ${E}`], 'HEAD');
    expect(head.status).toBe(304);
    expect(head.header('etag')).toBe(E);
  });
});

describe('vector set C — other DefaultServlet behaviour', () => {
  it.each([
    ['/files/dir', '/files/dir/'],
    ['/files/dir?x=1', '/files/dir/?x=1'],
    ['/files', '/files/'],
  ])('C14/C15 GET %s → 302 Location %s', async (target, location) => {
    const response = await send(port, target);
    expect(response.status).toBe(302);
    expect(response.header('location')).toBe(location);
  });

  it('C14: /dir/ with index.html → 200 the welcome file; without one and listings=false → 404', async () => {
    const welcome = await send(port, '/files/dir/');
    expect(welcome.status).toBe(200);
    expect(welcome.body).toBe('welcome to dir\n');
    expect(welcome.header('content-type')).toBe('text/html;charset=UTF-8');
    expect((await send(port, '/files/empty-dir/')).status).toBe(404);
  });

  it.each(['/files/WEB-INF/secret.txt', '/files/%57EB-INF/secret.txt', '/files/META-INF/secret.txt', '/files/web-inf/secret.txt'])(
    'C15 GET %s → 404',
    async (target) => {
      const response = await send(port, target);
      expect(response.status).toBe(404);
      expect(response.body).not.toContain('never served');
    },
  );

  it.each(['PUT', 'DELETE'])('C16 %s with readonly → 405 with Allow', async (method) => {
    const response = await send(port, '/files/a.txt', { method, body: method === 'PUT' ? 'x' : undefined });
    expect(response.status).toBe(405);
    expect(response.header('allow')).toBe('OPTIONS, GET, HEAD, POST');
    expect(bodyBytes(await send(port, '/files/a.txt')).equals(A_TXT)).toBe(true);
  });

  it('C16 OPTIONS → 200 with Allow; TRACE → 405', async () => {
    const options = await send(port, '/files/a.txt', { method: 'OPTIONS' });
    expect(options.status).toBe(200);
    expect(options.header('allow')).toBe('OPTIONS, GET, HEAD, POST');
    expect((await send(port, '/files/a.txt', { method: 'TRACE' })).status).toBe(405);
  });
});

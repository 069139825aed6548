/**
 * DefaultServlet end to end beyond vector set C: path traversal (vector set B encodings) and symbolic links,
 * listings, PUT/DELETE with readonly=false, precompressed variants, strong ETags, MIME types and charsets,
 * the other init parameters, large files, and the resource cache (memory bound and invalidation).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishedResourceCache, type ResourceCache } from '../../../src/resources/resource-cache.js';
import { sleep, type RawResponse } from '../../helpers/raw-http-client.js';
import {
  A_TXT,
  APP_JS,
  BIG_TXT,
  bodyBytes,
  CACHED_FILES,
  LARGE,
  LATIN1,
  send,
  startStaticServer,
  type StaticFixture,
} from '../../helpers/static-fixture.js';

let fixture: StaticFixture;
let port: number;

beforeAll(async () => {
  fixture = await startStaticServer();
  port = fixture.server.port;
});

afterAll(async () => {
  await fixture?.close();
});

function cacheOf(contextName: string): ResourceCache {
  const host = fixture.server.catalina.server.services[0]!.engine.findChild('localhost');
  const context = host?.findChild(contextName) as { servletContext: object } | undefined;
  const cache = context === undefined ? null : publishedResourceCache(context.servletContext);
  if (cache === null) throw new Error(`no resource cache for ${contextName}`);
  return cache;
}

describe('path traversal and safety', () => {
  it.each([
    ['/files/%2e%2e/%2e%2e/outside/secret.txt', 400],
    ['/files/..%2F..%2Foutside/secret.txt', 400],
    ['/files/%5c..%5c..%5coutside/secret.txt', 400],
    ['/files/..\\..\\outside/secret.txt', 400],
    ['/files/..;/..;/outside/secret.txt', 400],
    ['/../outside/secret.txt', 400],
    ['/files/%00/a.txt', 400],
    ['/files/a.txt%00.html', 400],
    ['/files/%c0%ae%c0%ae/%c0%ae%c0%ae/outside/secret.txt', 400],
    ['/files/%E2%82', 400],
    ['/files/a.txt#frag', 400],
    ['/files/escape.txt', 404],
    ['/files/escape-dir/secret.txt', 404],
    ['/files/conf/secret.txt', 404],
    ['/files/%2557EB-INF/secret.txt', 404],
    ['/files/WEB-INF./secret.txt', 404],
    ['/files/A.TXT', 404],
    ['/files/a.txt/', 404],
    ['/files/a.txt%20', 404],
  ])('%s → %i, never the protected bytes', async (target, status) => {
    const response = await send(port, target);
    expect(response.status).toBe(status);
    expect(response.body).not.toContain('outside secret');
    expect(response.body).not.toContain('never served');
  });

  it.each(['//files//a.txt', '/files/./a.txt', '/files/dir/../a.txt', '/files/%2e/a.txt', '/files/a.txt;jsessionid=1', '/files/alias.txt'])(
    '%s is canonicalised (or linked inside the docBase) and served',
    async (target) => {
      const response = await send(port, target);
      expect(response.status).toBe(200);
      expect(bodyBytes(response).equals(A_TXT)).toBe(true);
    },
  );

  it('a directory redirect never produces a protocol-relative Location (CVE-2018-11784)', async () => {
    const response = await send(port, '//files//dir');
    expect(response.status).toBe(302);
    expect(response.header('location')).toBe('/files/dir/');
  });
});

describe('listings (listings=true, sortListings, sortDirectoriesFirst, showServerInfo=false)', () => {
  it('escapes hostile names, encodes links, hides WEB-INF and lists directories first', async () => {
    const response = await send(port, '/listing/');
    expect(response.status).toBe(200);
    expect(response.header('content-type')).toBe('text/html;charset=UTF-8');
    const html = response.body;
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;.txt');
    expect(html).toContain('href="%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E.txt"');
    expect(html).toContain('a&#38;b &#34;q&#34;.txt');
    expect(html).not.toContain('WEB-INF');
    expect(html).not.toContain('Serval/');
    const order = [...html.matchAll(/<a href="([^"?]+)">/g)].map((m) => decodeURIComponent(m[1]!));
    expect(order).toEqual(['sub/', 'zeta/', '<img src=x onerror=alert(1)>.txt', 'Alpha.txt', 'a&b "q".txt', 'readme.txt']);
  });

  it('sorts by the client-chosen column (?C=S;O=D), directories still first', async () => {
    const html = (await send(port, '/listing/?C=S;O=D')).body;
    const order = [...html.matchAll(/<a href="([^"?]+)">/g)].map((m) => decodeURIComponent(m[1]!));
    expect(order.slice(0, 3)).toEqual(['zeta/', 'sub/', 'Alpha.txt']);
    expect(html).toContain('2.0 kb');
  });

  it('lists a subdirectory with a parent link; HEAD sends the same length and no body', async () => {
    const sub = await send(port, '/listing/sub/');
    expect(sub.body).toContain('href="../"');
    expect(sub.body).toContain('href="file.txt"');
    const head = await send(port, '/listing/sub/', { method: 'HEAD' });
    expect(head.header('content-length')).toBe(String(Buffer.byteLength(sub.body, 'latin1')));
  });
});

describe('PUT and DELETE (readonly=false)', () => {
  const docBase = (): string => join(fixture.appBase, 'writable');

  it('creates with 201, replaces with 204, and the next GET sees the new bytes at once (cache invalidated)', async () => {
    expect((await send(port, '/writable/new.txt', { method: 'PUT', body: 'hello' })).status).toBe(201);
    const first = await send(port, '/writable/new.txt');
    expect(first.body).toBe('hello');
    expect((await send(port, '/writable/new.txt', { method: 'PUT', body: 'world!' })).status).toBe(204);
    const second = await send(port, '/writable/new.txt');
    expect(second.body).toBe('world!');
    expect(second.header('etag')).not.toBe(first.header('etag'));
  });

  it('partial PUT patches through a temp file that never lands in the docBase', async () => {
    await send(port, '/writable/patch.txt', { method: 'PUT', body: 'world!' });
    const patched = await send(port, '/writable/patch.txt', { method: 'PUT', headers: ['Content-Range: bytes 0-2/*'], body: 'WOR' });
    expect(patched.status).toBe(204);
    expect((await send(port, '/writable/patch.txt')).body).toBe('WORld!');
    const fresh = await send(port, '/writable/fresh.txt', { method: 'PUT', headers: ['Content-Range: bytes 3-5/6'], body: 'xyz' });
    expect(fresh.status).toBe(201);
    expect(readFileSync(join(docBase(), 'fresh.txt'))).toEqual(Buffer.from('\0\0\0xyz', 'latin1'));
    expect((await send(port, '/writable/patch.txt', { method: 'PUT', headers: ['Content-Range: bytes 5-2/*'], body: 'x' })).status).toBe(
      400,
    );
    const leftovers = readdirSync(docBase(), { recursive: true })
      .map(String)
      .filter((name) => name.includes('put-part'));
    expect(leftovers).toEqual([]);
  });

  it.each([
    ['/writable/dir-name/', 409],
    ['/writable/new.txt/', 409],
    ['/writable/uploads', 409],
    ['/writable/no-such-dir/x.txt', 409],
    ['/writable/out-link/evil.txt', 409],
    ['/writable/WEB-INF/web.xml', 404],
    ['/writable/%57EB-INF/web.xml', 404],
    ['/writable/META-INF/context.xml', 404],
    ['/writable/..%2Ffiles%2Fa.txt', 400],
  ])('PUT %s → %i and writes nothing', async (target, status) => {
    const webXml = readFileSync(join(docBase(), 'WEB-INF', 'web.xml'), 'utf8');
    expect((await send(port, target, { method: 'PUT', body: 'evil' })).status).toBe(status);
    expect(readFileSync(join(docBase(), 'WEB-INF', 'web.xml'), 'utf8')).toBe(webXml);
    expect(existsSync(join(docBase(), 'META-INF'))).toBe(false);
    expect(existsSync(join(docBase(), 'dir-name'))).toBe(false);
    expect(existsSync(join(fixture.outside, 'evil.txt'))).toBe(false);
  });

  it('checks preconditions before writing', async () => {
    await send(port, '/writable/guarded.txt', { method: 'PUT', body: 'v1' });
    expect((await send(port, '/writable/guarded.txt', { method: 'PUT', headers: ['If-Match: "zzz"'], body: 'v2' })).status).toBe(412);
    expect((await send(port, '/writable/guarded.txt', { method: 'PUT', headers: ['If-None-Match: *'], body: 'v2' })).status).toBe(412);
    expect((await send(port, '/writable/guarded.txt')).body).toBe('v1');
    expect((await send(port, '/writable/brand-new.txt', { method: 'PUT', headers: ['If-None-Match: *'], body: 'n' })).status).toBe(201);
    expect((await send(port, '/writable/other.txt', { method: 'PUT', headers: ['If-Match: *'], body: 'n' })).status).toBe(412);
  });

  it('DELETE answers 204 then 404, and OPTIONS advertises PUT and DELETE', async () => {
    await send(port, '/writable/doomed.txt', { method: 'PUT', body: 'x' });
    expect((await send(port, '/writable/doomed.txt')).status).toBe(200);
    expect((await send(port, '/writable/doomed.txt', { method: 'DELETE' })).status).toBe(204);
    expect((await send(port, '/writable/doomed.txt')).status).toBe(404);
    expect((await send(port, '/writable/doomed.txt', { method: 'DELETE' })).status).toBe(404);
    expect((await send(port, '/writable/WEB-INF/web.xml', { method: 'DELETE' })).status).toBe(404);
    expect(existsSync(join(docBase(), 'WEB-INF', 'web.xml'))).toBe(true);
    expect((await send(port, '/writable/x', { method: 'OPTIONS' })).header('allow')).toBe('OPTIONS, GET, HEAD, POST, PUT, DELETE');
  });
});

describe('the other init parameters (the /tuned app)', () => {
  const sha = (data: Buffer): string => `"${createHash('sha256').update(data).digest('hex')}"`;

  it.each([
    ['br, gzip', 'br'],
    ['gzip', 'gzip'],
    ['gzip;q=0.5, br;q=0.4', 'gzip'],
    ['br;q=0, *', 'gzip'],
    ['identity', null],
    [null, null],
  ])('precompressed: Accept-Encoding %j → %s, validators of the original', async (accept, encoding) => {
    const response = await send(port, '/tuned/app.js', { headers: accept === null ? [] : [`Accept-Encoding: ${accept}`] });
    expect(response.status).toBe(200);
    expect(response.header('vary')).toBe('accept-encoding');
    expect(response.header('etag')).toBe(sha(APP_JS));
    expect(response.header('content-type')).toBe('text/javascript;charset=ISO-8859-1');
    expect(response.header('content-encoding')).toBe(encoding ?? undefined);
    const body = bodyBytes(response);
    const decoded = encoding === 'br' ? brotliDecompressSync(body) : encoding === 'gzip' ? gunzipSync(body) : body;
    expect(decoded.equals(APP_JS)).toBe(true);
    if (encoding !== null) expect(body.length).toBeLessThan(APP_JS.length);
  });

  it('useStrongETags: the ETag is the SHA-256 of the content; If-None-Match on it → 304', async () => {
    const response = await send(port, '/tuned/big.txt');
    expect(response.header('etag')).toBe(sha(BIG_TXT));
    expect(bodyBytes(response).equals(BIG_TXT)).toBe(true);
    expect((await send(port, '/tuned/big.txt', { headers: [`If-None-Match: ${sha(BIG_TXT)}`] })).status).toBe(304);
    expect((await send(port, '/tuned/big.txt', { headers: [`If-Match: ${sha(BIG_TXT)}`] })).status).toBe(200);
  });

  it('fileEncoding names the charset of text files, bytes untouched; useAcceptRanges=false drops the header', async () => {
    const response = await send(port, '/tuned/latin1.txt');
    expect(response.header('content-type')).toBe('text/plain;charset=ISO-8859-1');
    expect(bodyBytes(response).equals(LATIN1)).toBe(true);
    expect(response.header('accept-ranges')).toBeUndefined();
  });

  it('directoryRedirectStatusCode=301 and allowPostAsGet=false', async () => {
    const redirect = await send(port, '/tuned/dir?q=1');
    expect(redirect.status).toBe(301);
    expect(redirect.header('location')).toBe('/tuned/dir/?q=1');
    const post = await send(port, '/tuned/latin1.txt', { method: 'POST', body: 'a=1' });
    expect(post.status).toBe(405);
    expect(post.header('allow')).toBe('OPTIONS, GET, HEAD, POST');
  });
});

describe('MIME types and large files (the /files app)', () => {
  it.each([
    ['/files/style.css', 'text/css;charset=UTF-8'],
    ['/files/data.json', 'application/json'],
    ['/files/large.bin', 'application/octet-stream'],
    ['/files/dir/index.html', 'text/html;charset=UTF-8'],
  ])('%s → %s', async (target, type) => {
    expect((await send(port, target, { method: 'HEAD' })).header('content-type')).toBe(type);
  });

  it('an empty file → 200 with Content-Length 0 and no body', async () => {
    const response = await send(port, '/files/empty.txt');
    expect(response.status).toBe(200);
    expect(response.header('content-length')).toBe('0');
    expect(response.body).toBe('');
  });

  it('streams a 3 MiB file intact with its Content-Length, and a range from its middle', async () => {
    const response = await send(port, '/files/large.bin', { timeoutMs: 20000 });
    expect(response.header('content-length')).toBe(String(LARGE.length));
    expect(bodyBytes(response).equals(LARGE)).toBe(true);
    const middle = await send(port, '/files/large.bin', { headers: ['Range: bytes=1000000-1999999'], timeoutMs: 20000 });
    expect(middle.status).toBe(206);
    expect(bodyBytes(middle).equals(LARGE.subarray(1000000, 2000000))).toBe(true);
  });
});

describe('the resource cache (/cached: cacheTtl=300 ms, cacheMaxSize=1024 KiB, cacheObjectMaxSize=16 KiB)', () => {
  it('keeps small files in memory but never more than cacheMaxSize', async () => {
    const cache = cacheOf('cached');
    expect(cache.settings).toMatchObject({ cacheTtlMs: 300, cacheMaxSizeBytes: 1024 * 1024, cacheObjectMaxSizeBytes: 16 * 1024 });
    await send(port, '/cached/many/f0.txt');
    expect(cache.sizeBytes).toBeGreaterThan(15 * 1024);
    for (let i = 0; i < CACHED_FILES; i++) {
      const response = await send(port, `/cached/many/f${i}.txt`);
      expect(response.body).toBe(String(i % 10).repeat(15 * 1024));
      expect(cache.sizeBytes).toBeLessThanOrEqual(1024 * 1024);
    }
    expect(cache.sizeBytes).toBeGreaterThan(900 * 1024);
  });

  it('notices a file changed on disk once cacheTtl has passed', async () => {
    const file = join(fixture.appBase, 'cached', 'version.txt');
    const before = await send(port, '/cached/version.txt');
    expect(before.body).toBe('v1\n');
    writeFileSync(file, 'version two\n');
    let after = before;
    for (let i = 0; i < 50 && after.body === 'v1\n'; i++) {
      await sleep(100);
      after = await send(port, '/cached/version.txt');
    }
    expect(after.body).toBe('version two\n');
    expect(after.header('content-length')).toBe('12');
    expect(after.header('etag')).not.toBe(before.header('etag'));
  });

  it('cachingAllowed=false (/tuned) keeps nothing', async () => {
    await send(port, '/tuned/latin1.txt');
    expect(cacheOf('tuned').sizeBytes).toBe(0);
  });
});

describe('a file answered from memory (no promise on the hot path)', () => {
  const withoutDate = (response: RawResponse): Array<readonly [string, string]> =>
    response.headers.filter(([name]) => name.toLowerCase() !== 'date');

  it('gets the same head and body as its first, cold answer, for GET and HEAD', async () => {
    const content = Buffer.from('served from memory\n'.repeat(30));
    writeFileSync(join(fixture.appBase, 'files', 'memory.txt'), content);
    const cold = await send(port, '/files/memory.txt');
    const warm = await send(port, '/files/memory.txt');
    expect(cold.status).toBe(200);
    expect(warm.status).toBe(200);
    expect(withoutDate(warm)).toEqual(withoutDate(cold));
    expect(bodyBytes(warm).equals(content)).toBe(true);
    const head = await send(port, '/files/memory.txt', { method: 'HEAD' });
    expect(withoutDate(head)).toEqual(withoutDate(cold));
    expect(head.body).toBe('');
  });

  it('still honours conditions, ranges and the WEB-INF rule once the file is in memory', async () => {
    const first = await send(port, '/files/a.txt');
    const etag = first.header('ETag')!;
    expect((await send(port, '/files/a.txt', { headers: [`If-None-Match: ${etag}`] })).status).toBe(304);
    const range = await send(port, '/files/a.txt', { headers: ['Range: bytes=0-9'] });
    expect(range.status).toBe(206);
    expect(range.body).toBe(A_TXT.subarray(0, 10).toString('latin1'));
    expect((await send(port, '/files/a.txt', { headers: ['If-Match: "other"'] })).status).toBe(412);
    expect((await send(port, '/files/a.txt/')).status).toBe(404);
  });
});

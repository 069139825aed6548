import { mkdir, mkdtemp, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContainerError } from '../../../src/errors/container-error.js';
import type { HttpServletRequest } from '../../../src/servlet/http-servlet-request.js';
import type { HttpServletResponse } from '../../../src/servlet/http-servlet-response.js';
import { RequestDispatcherAttributes } from '../../../src/servlet/request-dispatcher.js';
import type { ServletConfig } from '../../../src/servlet/servlet.js';
import type { ServletContext } from '../../../src/servlet/servlet-context.js';
import {
  DEFAULT_RESOURCES,
  isInside,
  isSpecialPath,
  publishResourceCache,
  ResourceCache,
  type ResourcesSettings,
} from '../../../src/resources/resource-cache.js';
import { DefaultServlet, directoryRedirectLocation, isUnsafePath } from '../../../src/builtin-servlets/default-servlet.js';
import { renderDirectoryListing } from '../../../src/builtin-servlets/directory-listing.js';
import { evaluatePreconditions, parseEntityTags, weakETag, type PreconditionInput } from '../../../src/builtin-servlets/preconditions.js';

describe('DefaultServlet helpers', () => {
  it('builds Tomcat-style weak ETags', () => {
    expect(weakETag(37, 1795271491803)).toBe('W/"37-1795271491803"');
    expect(weakETag(0, 1000.75)).toBe('W/"0-1000"');
  });

  it.each([
    ['/WEB-INF/web.xml', true],
    ['/web-inf/web.xml', true],
    ['/Web-Inf', true],
    ['/META-INF/MANIFEST.MF', true],
    ['/meta-INF/', true],
    ['//WEB-INF/x', true],
    ['/WEB-INFO/x', false],
    ['/static/WEB-INF/x', false],
    ['/index.html', false],
    ['\\WEB-INF\\web.xml', true],
    ['/\\/meta-inf', true],
    ['WEB-INF', true],
    ['', false],
    ['///', false],
    ['/WEB-IN', false],
    ['/XWEB-INF', false],
  ])('isSpecialPath(%s) = %s', (path, expected) => {
    expect(isSpecialPath(path)).toBe(expected);
  });

  it.each([
    ['/a/../b', true],
    ['/a/./b', true],
    ['/a\\b', true],
    ['/a\0b', true],
    ['/a/..b/c', false],
    ['/a/.hidden', false],
    ['/a/..', true],
    ['/a/.', true],
    ['..', true],
    ['./a', true],
    ['/...', false],
    ['/a/b./c', false],
    ['', false],
    ['/', false],
  ])('isUnsafePath(%j) = %s', (path, expected) => {
    expect(isUnsafePath(path)).toBe(expected);
  });

  it('decides containment on path segments, not string prefixes', () => {
    expect(isInside('/srv/app', '/srv/app')).toBe(true);
    expect(isInside('/srv/app', '/srv/app/a/b.txt')).toBe(true);
    expect(isInside('/srv/app', '/srv/app/..data')).toBe(true);
    expect(isInside('/srv/app', '/srv/app2/x')).toBe(false);
    expect(isInside('/srv/app', '/srv')).toBe(false);
    expect(isInside('/srv/app', '/etc/passwd')).toBe(false);
  });

  it('builds directory redirects keeping the query and collapsing a leading //', () => {
    expect(directoryRedirectLocation('/app/dir', null)).toBe('/app/dir/');
    expect(directoryRedirectLocation('/dir', 'x=1')).toBe('/dir/?x=1');
    expect(directoryRedirectLocation('//evil.com', null)).toBe('/evil.com/');
    expect(directoryRedirectLocation('///evil.com/x', 'a')).toBe('/evil.com/x/?a');
  });

  it.each<[string, ReturnType<typeof parseEntityTags>]>([
    ['*', '*'],
    [' * ', '*'],
    ['"abc"', [{ weak: false, opaque: '"abc"' }]],
    ['W/"1-2"', [{ weak: true, opaque: '"1-2"' }]],
    [
      '"x", W/"y" ,"z"',
      [
        { weak: false, opaque: '"x"' },
        { weak: true, opaque: '"y"' },
        { weak: false, opaque: '"z"' },
      ],
    ],
    [', "a",,', [{ weak: false, opaque: '"a"' }]],
    ['""', [{ weak: false, opaque: '""' }]],
    ['zzz', null],
    ['"unterminated', null],
    ['"a" "b"', null],
    ['*, "a"', null],
    ['W"123"', null],
    ['"12 3"', null],
  ])('parseEntityTags(%j)', (value, expected) => {
    expect(parseEntityTags(value)).toEqual(expected);
  });

  describe('evaluatePreconditions (RFC 9110 §13.2.2)', () => {
    const LM = Date.UTC(2026, 0, 1, 12, 0, 0, 500);
    const LM_SECOND = Date.UTC(2026, 0, 1, 12, 0, 0);
    const E = weakETag(10, LM);
    const base: PreconditionInput = {
      method: 'GET',
      ifMatch: null,
      ifNoneMatch: null,
      ifModifiedSince: null,
      ifUnmodifiedSince: null,
      etag: E,
      lastModifiedMs: LM,
    };
    it.each<[string, Partial<PreconditionInput>, ReturnType<typeof evaluatePreconditions>]>([
      ['no conditions', {}, 'proceed'],
      ['INM equal weak tag', { ifNoneMatch: E }, 304],
      ['INM equal without W/', { ifNoneMatch: E.slice(2) }, 304],
      ['INM in a list', { ifNoneMatch: `"x", ${E}` }, 304],
      ['INM *', { ifNoneMatch: '*' }, 304],
      ['INM other tag', { ifNoneMatch: '"zzz"' }, 'proceed'],
      ['INM unquoted', { ifNoneMatch: 'zzz' }, 400],
      ['INM match on HEAD', { method: 'HEAD', ifNoneMatch: E }, 304],
      ['INM match on POST', { method: 'POST', ifNoneMatch: E }, 412],
      ['IMS equal to LM', { ifModifiedSince: LM_SECOND }, 304],
      ['IMS in 1970', { ifModifiedSince: 0 }, 'proceed'],
      ['IMS ignored on POST', { method: 'POST', ifModifiedSince: LM_SECOND }, 'proceed'],
      ['INM wins over IMS', { ifNoneMatch: '"zzz"', ifModifiedSince: LM_SECOND }, 'proceed'],
      ['IM weak tag never matches', { ifMatch: E }, 412],
      ['IM *', { ifMatch: '*' }, 'proceed'],
      ['IM other tag', { ifMatch: '"zzz"' }, 412],
      ['IM garbage', { ifMatch: 'garbage' }, 400],
      ['IUS 1970', { ifUnmodifiedSince: 0 }, 412],
      ['IUS equal to LM', { ifUnmodifiedSince: LM_SECOND }, 'proceed'],
      ['IM wins over IUS', { ifMatch: '*', ifUnmodifiedSince: 0 }, 'proceed'],
    ])('%s', (_name, overrides, expected) => {
      expect(evaluatePreconditions({ ...base, ...overrides })).toBe(expected);
    });
  });

  it('renders an escaped listing with encoded links', () => {
    const options = { sortListings: false, sortDirectoriesFirst: false, serverInfo: 'Serval/<x>' };
    const html = renderDirectoryListing(
      '/d/',
      [
        { name: '<b>&"x".txt', directory: false, size: 3, mtimeMs: 0 },
        { name: 'sub dir', directory: true, size: 0, mtimeMs: 0 },
      ],
      null,
      options,
    );
    expect(html).not.toContain('<b>&');
    expect(html).toContain('&#60;b&#62;&#38;&#34;x&#34;.txt');
    expect(html).toContain('href="%3Cb%3E%26%22x%22.txt"');
    expect(html).toContain('href="sub%20dir/"');
    expect(html).toContain('href="../"');
    expect(html).toContain('<h3>Serval/&#60;x&#62;</h3>');
    expect(renderDirectoryListing('/', [], null, options)).not.toContain('href="../"');
    expect(renderDirectoryListing('/', [], null, { ...options, serverInfo: null })).not.toContain('Serval');
  });
});

// ---------------------------------------------------------------------------------------------
// The servlet itself, over fake request/response objects and a real docBase on disk.

interface RequestSpec {
  method?: string;
  path: string;
  query?: string | null;
  requestURI?: string;
  headers?: Record<string, string | string[]>;
  attributes?: Record<string, unknown>;
}

function fakeRequest(spec: RequestSpec): HttpServletRequest {
  const headers = new Map<string, string[]>();
  for (const [name, value] of Object.entries(spec.headers ?? {})) {
    headers.set(name.toLowerCase(), Array.isArray(value) ? value : [value]);
  }
  const attributes = new Map(Object.entries(spec.attributes ?? {}));
  return {
    getMethod: () => spec.method ?? 'GET',
    getDispatcherType: () => (spec.attributes?.[RequestDispatcherAttributes.INCLUDE_REQUEST_URI] ? 'INCLUDE' : 'REQUEST'),
    getProtocol: () => 'HTTP/1.1',
    getServletPath: () => spec.path,
    getPathInfo: () => null,
    getRequestURI: () => spec.requestURI ?? spec.path,
    getQueryString: () => spec.query ?? null,
    getHeader: (name: string) => headers.get(name.toLowerCase())?.[0] ?? null,
    getHeaders: (name: string) => headers.get(name.toLowerCase()) ?? [],
    getHeaderNames: () => [...headers.keys()],
    getDateHeader: (name: string) => {
      const value = headers.get(name.toLowerCase())?.[0];
      if (value === undefined) return -1;
      const ms = Date.parse(value);
      if (Number.isNaN(ms)) throw new TypeError(`bad date ${value}`);
      return ms;
    },
    getAttribute: (name: string) => attributes.get(name) ?? null,
  } as unknown as HttpServletRequest;
}

class FakeResponse {
  status = 200;
  errorMessage: string | null = null;
  redirect: string | null = null;
  headers = new Map<string, string>();
  chunks: Buffer[] = [];
  text = '';
  flushes = 0;
  writerTaken = false;
  get body(): Buffer {
    return Buffer.concat(this.chunks);
  }
  setStatus(status: number): void {
    this.status = status;
  }
  getStatus(): number {
    return this.status;
  }
  sendError(status: number, message?: string): void {
    this.status = status;
    this.errorMessage = message ?? null;
  }
  sendRedirect(location: string, status = 302): void {
    this.status = status;
    this.redirect = location;
  }
  addHeader(name: string, value: string): void {
    const old = this.headers.get(name.toLowerCase());
    this.headers.set(name.toLowerCase(), old === undefined ? value : `${old}, ${value}`);
  }
  setHeader(name: string, value: string | null): void {
    if (value === null) this.headers.delete(name.toLowerCase());
    else this.headers.set(name.toLowerCase(), value);
  }
  containsHeader(name: string): boolean {
    return this.headers.has(name.toLowerCase());
  }
  setDateHeader(name: string, ms: number): void {
    this.setHeader(name, new Date(ms).toUTCString());
  }
  setContentType(type: string | null): void {
    this.setHeader('Content-Type', type);
  }
  setContentLength(length: number): void {
    this.setHeader('Content-Length', String(length));
  }
  getOutputStream(): { write(data: Uint8Array | string): void; flush(): Promise<void> } {
    if (this.writerTaken) throw new Error('getWriter() already called');
    return {
      write: (data) => {
        this.chunks.push(Buffer.from(data));
      },
      flush: async () => {
        this.flushes++;
        await new Promise((resolve) => setImmediate(resolve));
      },
    };
  }
  getWriter(): { write(text: string): void; flush(): Promise<void> } {
    this.writerTaken = true;
    return {
      write: (text) => {
        this.text += text;
      },
      flush: async () => {},
    };
  }
}

const MIME: Record<string, string> = { txt: 'text/plain', html: 'text/html', bin: 'application/octet-stream' };

let root: string;
let docBase: string;
let outside: string;
const LARGE = Buffer.alloc(200 * 1024, 0);
for (let i = 0; i < LARGE.length; i++) LARGE[i] = i % 251;

async function makeServlet(initParams: Record<string, string> = {}, resources?: ResourcesSettings): Promise<DefaultServlet> {
  const cache = resources === undefined ? null : new ResourceCache(docBase, resources);
  const context = {
    getAttribute: () => null,
    getRealPath: (path: string) => {
      const full = normalize(join(docBase, path));
      return full.startsWith(docBase) ? full : null;
    },
    getMimeType: (file: string) => MIME[file.split('.').pop() ?? ''] ?? null,
    log: () => {},
  } as unknown as ServletContext;
  if (cache !== null) publishResourceCache(context, cache);
  const config: ServletConfig = {
    getServletName: () => 'default',
    getServletContext: () => context,
    getInitParameter: (name) => initParams[name] ?? null,
    getInitParameterNames: () => Object.keys(initParams),
  };
  const servlet = new DefaultServlet();
  await servlet.init(config);
  return servlet;
}

async function serve(spec: RequestSpec, servlet?: DefaultServlet): Promise<FakeResponse> {
  const response = new FakeResponse();
  await (servlet ?? (await makeServlet())).service(fakeRequest(spec), response as unknown as HttpServletResponse);
  return response;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'serval-default-servlet-'));
  docBase = join(root, 'app');
  outside = join(root, 'outside');
  await mkdir(join(docBase, 'WEB-INF'), { recursive: true });
  await mkdir(join(docBase, 'dir', 'sub'), { recursive: true });
  await mkdir(outside);
  await writeFile(join(docBase, 'a.txt'), 'hello world\n');
  await writeFile(join(docBase, 'empty.txt'), '');
  await writeFile(join(docBase, 'large.bin'), LARGE);
  await writeFile(join(docBase, 'utf8.txt'), 'caf\u00e9 \u20ac');
  await writeFile(join(docBase, 'WEB-INF', 'web.xml'), '<web-app/>');
  await writeFile(join(docBase, 'dir', '<b>.txt'), 'x');
  await writeFile(join(outside, 'secret.txt'), 'secret');
  await symlink(join(outside, 'secret.txt'), join(docBase, 'escape.txt'));
  await symlink(join(docBase, 'a.txt'), join(docBase, 'alias.txt'));
  await symlink(join(docBase, 'WEB-INF'), join(docBase, 'conf'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('DefaultServlet', () => {
  it('serves a file with type, length, validators and Accept-Ranges', async () => {
    const info = await stat(join(docBase, 'a.txt'));
    const response = await serve({ path: '/a.txt' });
    expect(response.status).toBe(200);
    expect(response.body.toString()).toBe('hello world\n');
    expect(response.headers.get('content-type')).toBe('text/plain;charset=UTF-8');
    expect(response.headers.get('content-length')).toBe('12');
    expect(response.headers.get('etag')).toBe(`W/"12-${Math.trunc(info.mtimeMs)}"`);
    expect(response.headers.get('last-modified')).toBe(new Date(info.mtimeMs).toUTCString());
    expect(response.headers.get('accept-ranges')).toBe('bytes');
  });

  it('answers HEAD with the headers only and POST like GET', async () => {
    const head = await serve({ method: 'HEAD', path: '/a.txt' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('12');
    expect(head.chunks).toHaveLength(0);
    const headLarge = await serve({ method: 'HEAD', path: '/large.bin' });
    expect(headLarge.headers.get('content-length')).toBe(String(LARGE.length));
    expect(headLarge.chunks).toHaveLength(0);
    const post = await serve({ method: 'POST', path: '/a.txt' });
    expect(post.body.toString()).toBe('hello world\n');
  });

  it('sends no body for an empty file', async () => {
    const response = await serve({ path: '/empty.txt' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe('0');
    expect(response.chunks).toHaveLength(0);
  });

  it('streams large uncached files chunk by chunk, awaiting flush between chunks', async () => {
    const response = await serve({ path: '/large.bin' }, await makeServlet({}, { ...DEFAULT_RESOURCES, cachingAllowed: false }));
    expect(response.headers.get('content-length')).toBe(String(LARGE.length));
    expect(response.body.equals(LARGE)).toBe(true);
    expect(response.chunks.length).toBeGreaterThan(1);
    expect(response.flushes).toBe(response.chunks.length);
  });

  it('answers conditional requests with 304 carrying only the ETag', async () => {
    const first = await serve({ path: '/a.txt' });
    const etag = first.headers.get('etag') ?? '';
    const lastModified = first.headers.get('last-modified') ?? '';
    const conditionals: Array<Record<string, string>> = [
      { 'If-None-Match': etag },
      { 'If-None-Match': etag.slice(2) },
      { 'If-Modified-Since': lastModified },
    ];
    for (const headers of conditionals) {
      const response = await serve({ path: '/a.txt', headers });
      expect(response.status).toBe(304);
      expect([...response.headers.keys()]).toEqual(['etag']);
      expect(response.chunks).toHaveLength(0);
    }
    expect((await serve({ path: '/a.txt', headers: { 'If-None-Match': '"zzz"' } })).status).toBe(200);
    expect((await serve({ path: '/a.txt', headers: { 'If-Modified-Since': 'not a date' } })).status).toBe(200);
    expect((await serve({ path: '/a.txt', headers: { 'If-Modified-Since': [lastModified, lastModified] } })).status).toBe(200);
    expect((await serve({ path: '/a.txt', headers: { 'If-None-Match': 'zzz' } })).status).toBe(400);
    expect((await serve({ path: '/a.txt', headers: { 'If-Match': etag } })).status).toBe(412);
    expect((await serve({ method: 'POST', path: '/a.txt', headers: { 'If-None-Match': etag } })).status).toBe(412);
  });

  it('answers 404 for missing files, a trailing slash on a file, and 412 for If-Match on a missing file', async () => {
    expect((await serve({ path: '/missing.txt' })).status).toBe(404);
    expect((await serve({ path: '/a.txt/' })).status).toBe(404);
    expect((await serve({ path: '/missing.txt', headers: { 'If-None-Match': '*' } })).status).toBe(404);
    expect((await serve({ path: '/missing.txt', headers: { 'If-Match': '*' } })).status).toBe(412);
  });

  it.each(['/WEB-INF/web.xml', '/web-inf/web.xml', '/Web-Inf/web.xml', '/WEB-INF/', '/META-INF/x', '/conf/web.xml'])(
    'never serves %s',
    async (path) => {
      const response = await serve({ path });
      expect(response.status).toBe(404);
      expect(response.chunks).toHaveLength(0);
    },
  );

  it('refuses symbolic links that leave the docBase but follows those inside it', async () => {
    const escape = await serve({ path: '/escape.txt' });
    expect(escape.status).toBe(404);
    expect(escape.body.toString()).not.toContain('secret');
    const alias = await serve({ path: '/alias.txt' });
    expect(alias.status).toBe(200);
    expect(alias.body.toString()).toBe('hello world\n');
  });

  it('redirects a directory without its trailing slash, keeping the query', async () => {
    const plain = await serve({ path: '/dir', requestURI: '/ctx/dir' });
    expect(plain.status).toBe(302);
    expect(plain.redirect).toBe('/ctx/dir/');
    const withQuery = await serve({ path: '/dir', requestURI: '/dir', query: 'x=1' });
    expect(withQuery.redirect).toBe('/dir/?x=1');
    const doubled = await serve({ path: '/dir', requestURI: '//dir' });
    expect(doubled.redirect).toBe('/dir/');
  });

  it('answers 404 for a directory without listings and lists it when enabled', async () => {
    expect((await serve({ path: '/dir/' })).status).toBe(404);
    const listing = await serve({ path: '/dir/' }, await makeServlet({ listings: 'true' }));
    expect(listing.status).toBe(200);
    expect(listing.headers.get('content-type')).toBe('text/html;charset=UTF-8');
    const html = listing.body.toString();
    expect(html).toContain('&#60;b&#62;.txt');
    expect(html).not.toContain('<b>.txt');
    expect(html).toContain('href="sub/"');
    const rootListing = (await serve({ path: '/' }, await makeServlet({ listings: 'true' }))).body.toString();
    expect(rootListing).toContain('a.txt');
    expect(rootListing).not.toContain('WEB-INF');
  });

  it('refuses PUT and DELETE and advertises the read-only methods', async () => {
    for (const method of ['PUT', 'DELETE']) {
      const response = await serve({ method, path: '/a.txt' });
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('OPTIONS, GET, HEAD, POST');
    }
    const options = await serve({ method: 'OPTIONS', path: '/a.txt' });
    expect(options.status).toBe(200);
    expect(options.headers.get('allow')).toBe('OPTIONS, GET, HEAD, POST');
  });

  it('serves the included path from the include attributes', async () => {
    const response = await serve({
      path: '/servlet',
      attributes: {
        [RequestDispatcherAttributes.INCLUDE_REQUEST_URI]: '/a.txt',
        [RequestDispatcherAttributes.INCLUDE_SERVLET_PATH]: '/a.txt',
      },
    });
    expect(response.status).toBe(200);
    expect(response.body.toString()).toBe('hello world\n');
    expect(response.headers.size).toBe(0);
  });

  it('decodes with fileEncoding when the including servlet already took the Writer', async () => {
    const servlet = await makeServlet({ fileEncoding: 'utf-8' });
    const response = new FakeResponse();
    response.getWriter();
    const request = fakeRequest({
      path: '/servlet',
      attributes: {
        [RequestDispatcherAttributes.INCLUDE_REQUEST_URI]: '/utf8.txt',
        [RequestDispatcherAttributes.INCLUDE_SERVLET_PATH]: '/utf8.txt',
      },
    });
    await servlet.service(request, response as unknown as HttpServletResponse);
    expect(response.text).toBe('caf\u00e9 \u20ac');
  });

  it('throws for a missing included resource instead of changing the status', async () => {
    const promise = serve({
      path: '/servlet',
      attributes: {
        [RequestDispatcherAttributes.INCLUDE_REQUEST_URI]: '/nope.txt',
        [RequestDispatcherAttributes.INCLUDE_SERVLET_PATH]: '/nope.txt',
      },
    });
    await expect(promise).rejects.toBeInstanceOf(ContainerError);
    await expect(promise).rejects.toMatchObject({ code: 'SV_ERR_STATIC_RESOURCE_NOT_FOUND' });
  });

  it('rejects invalid init parameters', async () => {
    await expect(makeServlet({ listings: 'yes' })).rejects.toThrow(/listings/);
    await expect(makeServlet({ fileEncoding: 'no-such-charset' })).rejects.toThrow(/fileEncoding/);
    await expect(makeServlet({ directoryRedirectStatusCode: '300' })).rejects.toMatchObject({
      code: 'SV_ERR_STATIC_INIT_PARAM',
      message: expect.stringMatching(
        /\[directoryRedirectStatusCode\] of servlet \[default\] has invalid value \[300\]; allowed: one of \[301, 302, 303, 307, 308\]/,
      ),
    });
    await expect(makeServlet({ sendfileSize: '4k' })).rejects.toThrow(/sendfileSize/);
    await expect(makeServlet({ precompressed: 'gzip' })).rejects.toThrow(/precompressed/);
  });

  it('reads init parameters as web.xml indents them, and takes the default for an empty one', async () => {
    const listing = await serve({ path: '/dir/' }, await makeServlet({ listings: '\n      TRUE\n    ' }));
    expect(listing.status).toBe(200);
    expect((await serve({ path: '/dir/' }, await makeServlet({ listings: '  ' }))).status).toBe(404);
    const moved = await serve({ path: '/dir', requestURI: '/dir' }, await makeServlet({ directoryRedirectStatusCode: ' 308 ' }));
    expect(moved.status).toBe(308);
  });
});

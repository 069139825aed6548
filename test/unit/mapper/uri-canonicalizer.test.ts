import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, ContainerError } from '../../../src/errors/container-error.js';
import {
  canonicalizeUri,
  defaultCanonicalizeOptions,
  splitRequestTarget,
  type CanonicalizeOptions,
} from '../../../src/mapper/uri-canonicalizer.js';

const defaults: CanonicalizeOptions = { ...defaultCanonicalizeOptions };
const suspicious: CanonicalizeOptions = { ...defaults, rejectSuspiciousURIs: true };

function rejects(fn: () => unknown): ContainerError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ContainerError);
    const e = err as ContainerError;
    expect(e.code).toBe('SV_ERR_URI_INVALID');
    expect(e.status).toBe(400);
    return e;
  }
  throw new Error('expected a SV_ERR_URI_INVALID rejection');
}

// Vector set B (TestCoyoteAdapterCanonicalization), default settings unless a column says otherwise.
// `null` = 400.
const setB: ReadonlyArray<readonly [raw: string, expected: string | null, underSuspicious: string | null]> = [
  ['/foo/bar;jsessionid=1234', '/foo/bar', '/foo/bar'],
  ['/foo;/bar;', '/foo/bar', '/foo/bar'],
  ['/foo/./bar', '/foo/bar', '/foo/bar'],
  ['/./foo/bar', '/foo/bar', '/foo/bar'],
  ['/foo/bar/.', '/foo/bar', '/foo/bar'],
  ['/foo/bar/./', '/foo/bar/', '/foo/bar/'],
  ['/foo/../bar', '/bar', '/bar'],
  ['/foo/%2e%2E/bar', '/bar', null],
  ['/foo/..;/bar', '/bar', null],
  ['/foo/../../bar', null, null],
  ['/../foo/bar', null, null],
  ['/..', null, null],
  ['/foo//bar', '/foo/bar', '/foo/bar'],
  ['//foo//bar//', '/foo/bar/', '/foo/bar/'],
  ['//a.txt', '/a.txt', '/a.txt'],
  ['/foo%2Fbar', null, null],
  ['/foo%5Cbar', null, null],
  ['/foo\\bar', null, null],
  ['/foo%00/bar/', null, null],
  ['/foo%XX/bar', null, null],
  ['/foo%/bar', null, null],
  ['/foo/bar%0', null, null],
  ['/foo%E2%82', null, null],
  ['/foo%-1/bar', null, null],
  ['/foo%E2%82%ACbar', '/foo€bar', '/foo€bar'],
  ['/foo%20bar', '/foo bar', '/foo bar'],
  ['/foo/b%25r', '/foo/b%r', '/foo/b%r'],
  ['/foo%7Fbar', '/foo\x7Fbar', null],
  ['/foo/.bar', '/foo/.bar', '/foo/.bar'],
  ['/foo/..bar', '/foo/..bar', '/foo/..bar'],
  ['/foo/.../bar', '/foo/.../bar', '/foo/.../bar'],
];

describe('canonicalizeUri: vector set B', () => {
  it.each(setB)('%j → %j (default settings)', (raw, expected) => {
    if (expected === null) rejects(() => canonicalizeUri(raw, defaults));
    else expect(canonicalizeUri(raw, defaults).path).toBe(expected);
  });

  it.each(setB)('%j → %j / %j (rejectSuspiciousURIs=true)', (raw, _expected, underSuspicious) => {
    if (underSuspicious === null) rejects(() => canonicalizeUri(raw, suspicious));
    else expect(canonicalizeUri(raw, suspicious).path).toBe(underSuspicious);
  });

  it('captures the session ID from ;jsessionid=', () => {
    const c = canonicalizeUri('/foo/bar;jsessionid=1234', defaults);
    expect(c.sessionId).toBe('1234');
    expect(c.pathParameters.get('jsessionid')).toBe('1234');
  });
});

describe('splitRequestTarget: vector set B request-target rows', () => {
  it('splits off the query', () => {
    expect(splitRequestTarget('/foo/bar?q')).toEqual({ rawPath: '/foo/bar', query: 'q' });
    expect(splitRequestTarget('/foo/bar')).toEqual({ rawPath: '/foo/bar', query: null });
    expect(splitRequestTarget('/foo/bar?')).toEqual({ rawPath: '/foo/bar', query: '' });
    expect(splitRequestTarget('/test?a=?b')).toEqual({ rawPath: '/test', query: 'a=?b' });
    expect(canonicalizeUri(splitRequestTarget('/foo/bar?q').rawPath, defaults).path).toBe('/foo/bar');
  });

  it.each(['/foo/bar#f', 'foo/bar', '?q', '#f', ';/foo', '', '*', '/a?b#c'])('rejects %j', (target) => {
    rejects(() => splitRequestTarget(target));
  });

  it('reduces absolute-form to its path (RFC 9112 §3.2.2)', () => {
    expect(splitRequestTarget('http://a/foo?x=1')).toEqual({ rawPath: '/foo', query: 'x=1' });
    expect(splitRequestTarget('HTTPS://user@host:8443/a/b')).toEqual({ rawPath: '/a/b', query: null });
    expect(splitRequestTarget('http://host')).toEqual({ rawPath: '/', query: null });
    expect(splitRequestTarget('http://host?q')).toEqual({ rawPath: '/', query: 'q' });
  });

  it('canonicalizeUri itself rejects a path not starting with /', () => {
    for (const raw of [';/foo', 'foo/bar', '']) rejects(() => canonicalizeUri(raw, defaults));
  });
});

describe('canonicalizeUri: options and details', () => {
  it('encodedSolidusHandling: reject / passthrough / decode', () => {
    const e = rejects(() => canonicalizeUri('/foo%2Fbar', defaults));
    expect(e.message).toContain('encodedSolidusHandling');
    expect(canonicalizeUri('/foo%2fbar', { ...defaults, encodedSolidusHandling: 'passthrough' }).path).toBe('/foo%2Fbar');
    expect(canonicalizeUri('/foo%2Fbar', { ...defaults, encodedSolidusHandling: 'decode' }).path).toBe('/foo/bar');
    // Decoding happens before normalising, so a decoded slash takes part in `..` resolution.
    expect(canonicalizeUri('/a/b%2F..%2Fc', { ...defaults, encodedSolidusHandling: 'decode' }).path).toBe('/a/c');
    rejects(() => canonicalizeUri('/a%2F..%2F..%2Fetc', { ...defaults, encodedSolidusHandling: 'decode' }));
    // Passthrough keeps the escape opaque: no separator, so no traversal.
    expect(canonicalizeUri('/a%2F..%2Fb', { ...defaults, encodedSolidusHandling: 'passthrough' }).path).toBe('/a%2F..%2Fb');
  });

  it('allowBackslash turns \\ and %5C into separators before normalising', () => {
    const opts = { ...defaults, allowBackslash: true };
    expect(canonicalizeUri('/foo\\bar', opts).path).toBe('/foo/bar');
    expect(canonicalizeUri('/foo%5Cbar', opts).path).toBe('/foo/bar');
    expect(canonicalizeUri('/a/b\\..\\c', opts).path).toBe('/a/c');
    rejects(() => canonicalizeUri('/a%5C..%5C..%5Cx', opts));
    expect(rejects(() => canonicalizeUri('/foo\\bar', defaults)).message).toContain('allowBackslash');
  });

  it('rejects overlong UTF-8 encodings of dots and slashes (CVE-2008-2938)', () => {
    rejects(() => canonicalizeUri('/foo/%C0%AE%C0%AE/bar', defaults));
    rejects(() => canonicalizeUri('/foo%C0%AFbar', defaults));
    rejects(() => canonicalizeUri('/foo%ED%A0%80', defaults)); // an encoded surrogate
  });

  it('treats raw non-ASCII characters as bytes of the URI charset', () => {
    expect(canonicalizeUri('/caf\u00c3\u00a9', defaults).path).toBe('/café');
    rejects(() => canonicalizeUri('/caf\u00e9', defaults)); // a lone 0xE9 byte is not UTF-8
    rejects(() => canonicalizeUri('/\u20ac', defaults)); // not a byte at all
  });

  it('supports ISO-8859-1 (as Java, not windows-1252)', () => {
    const latin1 = { ...defaults, uriEncoding: 'ISO-8859-1' };
    expect(canonicalizeUri('/caf%E9', latin1).path).toBe('/café');
    expect(canonicalizeUri('/x%80', latin1).path).toBe('/x\u0080');
    rejects(() => canonicalizeUri('/caf%E9', defaults));
  });

  it('reports an unknown URIEncoding as a configuration error once a path needs decoding', () => {
    // server.xml refuses such a Connector at load time (connectorUriEncodingRule); a path with nothing to
    // decode never looks at the encoding.
    expect(() => canonicalizeUri('/a%41', { ...defaults, uriEncoding: 'no-such-charset' })).toThrow(ConfigError);
    expect(canonicalizeUri('/a', { ...defaults, uriEncoding: 'no-such-charset' }).path).toBe('/a');
  });

  it('rejects a raw NUL', () => {
    rejects(() => canonicalizeUri('/a\0b', defaults));
  });

  it('collects every path parameter and honours a custom session parameter name', () => {
    const c = canonicalizeUri('/a;x=1;y/b;x=2;sid=S1;jsessionid=J', defaults, 'sid');
    expect(c.path).toBe('/a/b');
    expect(c.sessionId).toBe('S1');
    expect(Object.fromEntries(c.pathParameters)).toEqual({ x: '2', y: '', sid: 'S1', jsessionid: 'J' });
    expect(canonicalizeUri('/a/b', defaults).sessionId).toBeNull();
    // An encoded `;` is data, not a parameter delimiter: parameters are stripped before decoding.
    expect(canonicalizeUri('/a%3Bjsessionid=1/b', defaults)).toMatchObject({ path: '/a;jsessionid=1/b', sessionId: null });
  });

  it('rejectSuspiciousURIs: Servlet 6 §3.5.2 forms', () => {
    for (const raw of ['/;/foo', '/.;/foo', '/foo/..;x=1/bar', '/%2e/foo', '/foo/%2E%2e', '/foo%01bar', '/foo%1Fbar']) {
      rejects(() => canonicalizeUri(raw, suspicious));
    }
    expect(canonicalizeUri('/;/foo', defaults).path).toBe('/foo');
    expect(canonicalizeUri('/.;/foo', defaults).path).toBe('/foo');
    expect(canonicalizeUri('/%2e/foo', defaults).path).toBe('/foo');
    // URL rewriting of a directory produces `/dir/;jsessionid=…`: not suspicious.
    expect(canonicalizeUri('/dir/;jsessionid=ABC', suspicious)).toMatchObject({ path: '/dir/', sessionId: 'ABC' });
    expect(canonicalizeUri('/foo%2ebar', suspicious).path).toBe('/foo.bar');
  });

  it('keeps a trailing slash and reduces everything else to /', () => {
    expect(canonicalizeUri('/', defaults).path).toBe('/');
    expect(canonicalizeUri('/.', defaults).path).toBe('/');
    expect(canonicalizeUri('/foo/..', defaults).path).toBe('/');
    expect(canonicalizeUri('/foo/bar/..', defaults).path).toBe('/foo');
    expect(canonicalizeUri('/foo/bar/../', defaults).path).toBe('/foo/');
    expect(canonicalizeUri('///', defaults).path).toBe('/');
  });
});

describe('canonicalizeUri: property', () => {
  const piece = fc.constantFrom(
    '/',
    '/',
    '//',
    '.',
    '..',
    '...',
    '%2e',
    '%2E',
    '%2F',
    '%2f',
    '%5C',
    '\\',
    ';',
    ';x=1',
    ';jsessionid=9',
    'a',
    'b',
    'foo',
    '%25',
    '%',
    '%0',
    '%00',
    '%7F',
    '%E2%82%AC',
    '%E2%82',
    '%C0%AE',
    '%3B',
    '\u00e9',
    '\u00c3\u00a9',
    '?',
  );
  const rawPath = fc.oneof(
    fc.array(piece, { maxLength: 16 }).map((parts) => `/${parts.join('')}`),
    fc.string({ maxLength: 24 }).map((s) => `/${s}`),
    fc.string({ unit: 'binary', maxLength: 24 }),
  );
  const options = fc.record({
    encodedSolidusHandling: fc.constantFrom('reject' as const, 'decode' as const, 'passthrough' as const),
    allowBackslash: fc.boolean(),
    rejectSuspiciousURIs: fc.boolean(),
    uriEncoding: fc.constantFrom('UTF-8', 'ISO-8859-1'),
  });

  it('never returns a path with /../, /./, //, \\ or without a leading /; only ever throws SV_ERR_URI_INVALID', () => {
    fc.assert(
      fc.property(rawPath, options, (raw, opts) => {
        let path: string;
        try {
          path = canonicalizeUri(raw, opts).path;
        } catch (err) {
          return err instanceof ContainerError && err.code === 'SV_ERR_URI_INVALID' && err.status === 400;
        }
        return (
          path.startsWith('/') &&
          !path.includes('/../') &&
          !path.includes('/./') &&
          !path.includes('//') &&
          !path.includes('\\') &&
          !path.endsWith('/..') &&
          !path.endsWith('/.') &&
          !path.includes('\0')
        );
      }),
      { numRuns: 3000 },
    );
  });

  it('is idempotent on its own output when nothing needs decoding', () => {
    const plain = fc
      .array(fc.constantFrom('/', '//', '.', '..', 'a', 'b', 'c.d', '...'), { maxLength: 12 })
      .map((parts) => `/${parts.join('')}`);
    fc.assert(
      fc.property(plain, (raw) => {
        let once: string;
        try {
          once = canonicalizeUri(raw, defaults).path;
        } catch {
          return true;
        }
        return canonicalizeUri(once, defaults).path === once;
      }),
      { numRuns: 1000 },
    );
  });
});

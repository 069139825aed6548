// RFC 7616: the Digest credentials a client sends, its digest-uri, H(A2), and the challenges that ask for them.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { DigestAlgorithm } from '../../../src/realm/realm.js';
import {
  digestA2,
  digestChallenges,
  digestUriMatches,
  parseDigestAuthorization,
  toDigestCredentials,
  type DigestAuthorization,
} from '../../../src/security/digest-authorization.js';

/** RFC 7616 §3.9.1: user Mufasa, password "Circle of Life". */
const RFC_MD5 = [
  'Digest username="Mufasa",',
  '    realm="http-auth@example.org",',
  '    uri="/dir/index.html",',
  '    algorithm=MD5,',
  '    nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",',
  '    nc=00000001,',
  '    cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",',
  '    qop=auth,',
  '    response="8ca523f5e9506fed4657c9700eebdbec",',
  '    opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
].join(' ');
const RFC_SHA256 = RFC_MD5.replace('algorithm=MD5', 'algorithm=SHA-256').replace(
  'response="8ca523f5e9506fed4657c9700eebdbec"',
  'response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"',
);

const MD5_HEX = 'a'.repeat(32);
const SHA_HEX = 'b'.repeat(64);

/** A minimal well-formed header with the given parameters appended (or replacing the defaults). */
function header(extra: Record<string, string> = {}, omit: readonly string[] = []): string {
  const params: Record<string, string> = {
    username: '"u"',
    realm: '"r"',
    nonce: '"n"',
    uri: '"/x"',
    response: `"${MD5_HEX}"`,
    qop: 'auth',
    nc: '00000001',
    cnonce: '"c"',
    ...extra,
  };
  return `Digest ${Object.entries(params)
    .filter(([name]) => !omit.includes(name))
    .map(([name, value]) => `${name}=${value}`)
    .join(', ')}`;
}

function parsed(text: string): DigestAuthorization {
  const result = parseDigestAuthorization(text);
  if (typeof result === 'string') throw new Error(`expected a parsed header, got ${result}`);
  return result;
}

function h(algorithm: DigestAlgorithm, text: string): string {
  const name = { MD5: 'md5', 'SHA-256': 'sha256', 'SHA-512-256': 'sha512-256' }[algorithm];
  return createHash(name).update(text, 'utf8').digest('hex');
}

describe('parseDigestAuthorization: the RFC 7616 §3.9.1 examples', () => {
  it.each([
    ['MD5', RFC_MD5],
    ['SHA-256', RFC_SHA256],
  ] as const)('%s: parsed, and digestA2 gives the response the RFC lists', (algorithm, text) => {
    const auth = parsed(text);
    expect(auth).toEqual({
      username: 'Mufasa',
      realm: 'http-auth@example.org',
      nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
      uri: '/dir/index.html',
      response: auth.response,
      algorithm,
      qop: 'auth',
      nc: '00000001',
      nonceCount: 1,
      cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
      opaque: 'FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS',
    });
    // RFC 7616 §3.4.1: response = KD(H(A1), nonce:nc:cnonce:qop:H(A2)).
    const credentials = toDigestCredentials(auth, 'GET');
    expect(credentials.digestA2).toBe(digestA2(algorithm, 'GET', '/dir/index.html'));
    const ha1 = h(algorithm, 'Mufasa:http-auth@example.org:Circle of Life');
    const expected = h(algorithm, `${ha1}:${auth.nonce}:00000001:${auth.cnonce}:auth:${credentials.digestA2}`);
    expect(auth.response).toBe(expected);
    expect(credentials).toMatchObject({ username: 'Mufasa', realmName: 'http-auth@example.org', algorithm, nc: '00000001', qop: 'auth' });
  });
});

describe('parseDigestAuthorization: syntax', () => {
  it('takes the scheme and parameter names case-insensitively (RFC 7235 §2.1)', () => {
    const auth = parsed(header().replace('Digest', 'dIGEST').replace('username=', 'UserName=').replace('nc=', 'NC='));
    expect(auth.username).toBe('u');
    expect(auth.nc).toBe('00000001');
  });

  it('unescapes quoted-pairs and keeps commas and equals signs inside quotes', () => {
    const auth = parsed(header({ username: '"a\\"b\\\\c, d=e"', realm: '"x\\y"' }));
    expect(auth.username).toBe('a"b\\c, d=e');
    expect(auth.realm).toBe('xy');
  });

  it('accepts tokens where RFC 7616 wants quoted-strings and quotes where it wants tokens (as Tomcat)', () => {
    const auth = parsed(
      header({ username: 'u', nonce: 'abc', uri: '"/x"', qop: '"auth"', nc: '"00000001"', algorithm: '"SHA-256"', response: SHA_HEX }),
    );
    expect(auth).toMatchObject({ username: 'u', nonce: 'abc', qop: 'auth', nc: '00000001', algorithm: 'SHA-256' });
  });

  it('skips empty list elements and whitespace around = and , (RFC 9110 §5.6.1)', () => {
    const auth = parsed(`Digest ,  username = "u" ,, realm="r",nonce="n"\t, uri="/x", response="${MD5_HEX}" ,`);
    expect(auth).toMatchObject({ username: 'u', realm: 'r', nonce: 'n', uri: '/x', qop: null, nc: null, cnonce: null, opaque: null });
  });

  it('ignores unknown parameters (RFC 7616 §3.4)', () => {
    expect(parsed(header({ future: 'x', other: '"y, z"' })).username).toBe('u');
  });

  it('lower-cases the response hex and keeps nc and qop as sent (they are hashed as sent)', () => {
    const auth = parsed(header({ response: MD5_HEX.toUpperCase(), nc: '0000000A', qop: 'AUTH' }));
    expect(auth).toMatchObject({ response: MD5_HEX, nc: '0000000A', nonceCount: 10, qop: 'AUTH' });
  });

  it.each([
    ['another scheme', 'Basic dTpw'],
    ['a longer scheme', `Digestx ${header().slice(7)}`],
    ['nothing', ''],
  ])('%s is not-digest', (_name, text) => {
    expect(parseDigestAuthorization(text)).toBe('not-digest');
  });

  it.each([
    ['no parameters', 'Digest'],
    ['only a space', 'Digest '],
    ['only commas', 'Digest , ,'],
    ['a token68', 'Digest abc=='],
    ['a tab after the scheme', header().replace('Digest ', 'Digest\t')],
    ['no = after a name', 'Digest username'],
    ['an empty value', header({ realm: '' })],
    ['an unterminated quoted-string', 'Digest username="u'],
    ['a backslash at the end', 'Digest username="u\\'],
    ['a control character in a quoted-string', header({ realm: '"a\u0001b"' })],
    ['a non-latin1 character', header({ realm: '"\u0100"' })],
    ['no comma between parameters', header().replace(', realm', ' realm')],
    ['garbage after a quoted value', header({ realm: '"r"x' })],
    ['a repeated parameter', `${header()}, realm="r"`],
    ['a parameter repeated in another case', `${header()}, REALM="r"`],
    ['a repeated unknown parameter', `${header()}, x=1, x=1`],
    ['both username and username*', header({ 'username*': "UTF-8''u" })],
    ['username* quoted', header({ 'username*': `"UTF-8''u"` }, ['username'])],
    ['username* of an unknown charset', header({ 'username*': "KOI8-R''u" }, ['username'])],
    ['username* without the language quotes', header({ 'username*': 'UTF-8u' }, ['username'])],
    ['username* with a bad escape', header({ 'username*': "UTF-8''a%G1" }, ['username'])],
    ['username* with a short escape', header({ 'username*': "UTF-8''a%4" }, ['username'])],
    ['username* with invalid UTF-8', header({ 'username*': "UTF-8''%FF" }, ['username'])],
    ['username* with a control character', header({ 'username*': "UTF-8''a%0Ab" }, ['username'])],
    ['username* with a character outside attr-char', header({ 'username*': "UTF-8''a*b" }, ['username'])],
    ['userhash neither true nor false', header({ userhash: 'maybe' })],
  ])('%s is malformed', (_name, text) => {
    expect(parseDigestAuthorization(text)).toBe('malformed');
  });
});

describe('parseDigestAuthorization: parameters', () => {
  it.each(['username', 'realm', 'nonce', 'uri', 'response'])('a missing %s is malformed', (name) => {
    expect(parseDigestAuthorization(header({}, [name]))).toBe('malformed');
  });

  it('an empty nonce or uri is malformed, an empty realm is not (the valve compares it)', () => {
    expect(parseDigestAuthorization(header({ nonce: '""' }))).toBe('malformed');
    expect(parseDigestAuthorization(header({ uri: '""' }))).toBe('malformed');
    expect(parsed(header({ realm: '""' })).realm).toBe('');
  });

  it('reads username* per RFC 8187 (RFC 7616 §3.4.4)', () => {
    expect(parsed(header({ 'username*': "UTF-8''J%C3%A4s%C3%B8n%20Doe" }, ['username'])).username).toBe('Jäsøn Doe');
    expect(parsed(header({ 'username*': "utf-8'de'M%C3%BCller" }, ['username'])).username).toBe('Müller');
    expect(parsed(header({ 'username*': "ISO-8859-1''%E9t%E9" }, ['username'])).username).toBe('été');
  });

  it('reads the UTF-8 bytes of a quoted username as UTF-8, other bytes as latin1', () => {
    const utf8 = Buffer.from('Jäsøn', 'utf8').toString('latin1');
    expect(parsed(header({ username: `"${utf8}"` })).username).toBe('Jäsøn');
    expect(parsed(header({ username: '"\u00e9t\u00e9"' })).username).toBe('été');
  });

  it('userhash=true is its own result; userhash=false is the default', () => {
    expect(parseDigestAuthorization(header({ userhash: 'true' }))).toBe('userhash');
    expect(parseDigestAuthorization(header({ userhash: '"TRUE"' }))).toBe('userhash');
    expect(parsed(header({ userhash: 'false' })).username).toBe('u');
  });

  it('the algorithm defaults to MD5 and is read case-insensitively', () => {
    expect(parsed(header()).algorithm).toBe('MD5');
    expect(parsed(header({ algorithm: 'sha-256', response: SHA_HEX })).algorithm).toBe('SHA-256');
    expect(parsed(header({ algorithm: 'SHA-512-256', response: SHA_HEX })).algorithm).toBe('SHA-512-256');
  });

  it.each(['MD5-sess', 'SHA-256-sess', 'SHA-512-256-sess', 'SHA-1', 'token'])('algorithm %s is unsupported', (algorithm) => {
    expect(parseDigestAuthorization(header({ algorithm }))).toBe('unsupported-algorithm');
  });

  it('the response must be hex of the algorithm’s length', () => {
    expect(parseDigestAuthorization(header({ response: 'a'.repeat(31) }))).toBe('malformed');
    expect(parseDigestAuthorization(header({ response: SHA_HEX }))).toBe('malformed');
    expect(parseDigestAuthorization(header({ algorithm: 'SHA-256', response: MD5_HEX }))).toBe('malformed');
    expect(parseDigestAuthorization(header({ response: `${'a'.repeat(31)}g` }))).toBe('malformed');
  });

  it.each(['auth-int', 'AUTH-INT', 'auth,auth-int', 'other'])('qop %s is unsupported', (qop) => {
    expect(parseDigestAuthorization(header({ qop: `"${qop}"` }))).toBe('unsupported-qop');
  });

  it('without qop (RFC 2069) nc and cnonce must be absent', () => {
    expect(parsed(header({}, ['qop', 'nc', 'cnonce']))).toMatchObject({ qop: null, nc: null, nonceCount: null, cnonce: null });
    expect(parseDigestAuthorization(header({}, ['qop', 'nc']))).toBe('malformed');
    expect(parseDigestAuthorization(header({}, ['qop', 'cnonce']))).toBe('malformed');
  });

  it('with qop, nc must be exactly 8 hex digits and cnonce present', () => {
    expect(parsed(header({ nc: 'ffffffff' })).nonceCount).toBe(0xffffffff);
    for (const nc of ['0000001', '000000001', '0000000g', '+0000001', '-1']) {
      expect(parseDigestAuthorization(header({ nc: `"${nc}"` })), nc).toBe('malformed');
    }
    expect(parseDigestAuthorization(header({}, ['nc']))).toBe('malformed');
    expect(parseDigestAuthorization(header({}, ['cnonce']))).toBe('malformed');
    expect(parseDigestAuthorization(header({ cnonce: '""' }))).toBe('malformed');
  });
});

describe('digestA2', () => {
  it('is H(method:uri) in hex, over the bytes as received', () => {
    expect(digestA2('MD5', 'GET', '/dir/index.html')).toBe(createHash('md5').update('GET:/dir/index.html').digest('hex'));
    expect(digestA2('SHA-512-256', 'POST', '/a')).toBe(createHash('sha512-256').update('POST:/a').digest('hex'));
    expect(digestA2('SHA-256', 'GET', '/\u00e9')).toBe(
      createHash('sha256')
        .update(Buffer.from([0x47, 0x45, 0x54, 0x3a, 0x2f, 0xe9]))
        .digest('hex'),
    );
  });
});

describe('digestUriMatches (RFC 7616 §3.4.6)', () => {
  const origin = { scheme: 'http', host: 'example.org:8080' };

  it('the same target matches, percent-encoding and query string included', () => {
    expect(digestUriMatches('/dir/index.html', '/dir/index.html')).toBe(true);
    expect(digestUriMatches('/a?x=1&y=2', '/a?x=1&y=2')).toBe(true);
    expect(digestUriMatches('*', '*')).toBe(true);
  });

  it.each([
    ['another path', '/other', '/dir'],
    ['a missing query', '/a', '/a?x=1'],
    ['an added query', '/a?x=1', '/a'],
    ['another query', '/a?x=2', '/a?x=1'],
    ['another encoding', '/%61dmin', '/admin'],
    ['another case', '/Admin', '/admin'],
    ['a trailing slash', '/admin/', '/admin'],
    ['a path parameter', '/admin;x=y', '/admin'],
  ])('%s does not match', (_name, uri, target) => {
    expect(digestUriMatches(uri, target, origin)).toBe(false);
  });

  it('an absolute digest-uri matches an origin-form target of the same scheme and host (older Android)', () => {
    expect(digestUriMatches('http://example.org:8080/a?x=1', '/a?x=1', origin)).toBe(true);
    expect(digestUriMatches('HTTP://Example.ORG:8080/a', '/a', origin)).toBe(true);
    expect(digestUriMatches('https://example.org:8080/a', '/a', origin)).toBe(false);
    expect(digestUriMatches('http://evil.example/a', '/a', origin)).toBe(false);
    expect(digestUriMatches('http://example.org:8080/b', '/a', origin)).toBe(false);
    expect(digestUriMatches('http://example.org:8080/a', '/a')).toBe(false);
  });

  it('an absolute-form target matches an origin-form or the same absolute digest-uri', () => {
    expect(digestUriMatches('/a?x', 'http://example.org/a?x')).toBe(true);
    expect(digestUriMatches('http://EXAMPLE.org/a?x', 'http://example.org/a?x')).toBe(true);
    expect(digestUriMatches('/', 'http://example.org')).toBe(true);
    expect(digestUriMatches('/?q', 'http://example.org?q')).toBe(true);
    expect(digestUriMatches('/b', 'http://example.org/a')).toBe(false);
    expect(digestUriMatches('http://other.org/a', 'http://example.org/a')).toBe(false);
    expect(digestUriMatches('a', 'http://example.org/a')).toBe(false);
  });
});

describe('digestChallenges (RFC 7616 §3.3, §3.7)', () => {
  it('gives one challenge per algorithm, SHA-256 then MD5 by default', () => {
    expect(digestChallenges({ realmName: 'r', nonce: 'n1', opaque: 'o1' })).toEqual([
      'Digest realm="r", qop="auth", nonce="n1", opaque="o1", algorithm=SHA-256',
      'Digest realm="r", qop="auth", nonce="n1", opaque="o1", algorithm=MD5',
    ]);
  });

  it('follows the configured algorithms and adds stale=true when asked', () => {
    expect(digestChallenges({ realmName: 'r', nonce: 'n', opaque: 'o', algorithms: ['SHA-512-256'], stale: true })).toEqual([
      'Digest realm="r", qop="auth", nonce="n", opaque="o", stale=true, algorithm=SHA-512-256',
    ]);
  });

  it('quotes the realm as a quoted-string', () => {
    expect(digestChallenges({ realmName: 'say "hi"\r\n', nonce: 'n', opaque: 'o', algorithms: ['MD5'] })[0]).toBe(
      'Digest realm="say \\"hi\\"  ", qop="auth", nonce="n", opaque="o", algorithm=MD5',
    );
  });

  it('parses back into what a client answers with', () => {
    const [challenge] = digestChallenges({ realmName: 'a "realm"', nonce: 'n', opaque: 'o', algorithms: ['MD5'] });
    const answer =
      (challenge ?? '').replace('qop="auth", ', '').replace(', algorithm=MD5', '') + `, username="u", uri="/", response="${MD5_HEX}"`;
    expect(parsed(answer)).toMatchObject({ realm: 'a "realm"', nonce: 'n', opaque: 'o', username: 'u' });
  });
});

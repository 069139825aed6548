/**
 * parseDigestAuthorization and digestUriMatches on hostile input: any string gives a result and never
 * throws; well-formed parameter lists round-trip whatever their quoted values contain; a repeated parameter
 * is always refused; huge inputs of the shapes that hurt backtracking or rescanning parsers finish (a
 * quadratic parser would not, within the test timeout).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { digestChallenges, digestUriMatches, parseDigestAuthorization } from '../../src/security/digest-authorization.js';

const FC_SEED = 20_261_207;
const NUM_RUNS = 1000;
const HUGE = 4 * 1024 * 1024;
const RESULTS = ['not-digest', 'malformed', 'userhash', 'unsupported-qop', 'unsupported-algorithm'];
const MD5_HEX = '0123456789abcdef0123456789abcdef';

function isResult(result: unknown): boolean {
  return (typeof result === 'string' && RESULTS.includes(result)) || (typeof result === 'object' && result !== null);
}

/** A quoted-string of any value (RFC 9110 §5.6.4): `"` and `\` escaped, everything else as is. */
const quote = (value: string): string => `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
/** What a quoted-string may carry: HTAB, SP, VCHAR (obs-text is read as UTF-8 in usernames, so kept out). */
const qvalue = fc.string({ unit: fc.constantFrom(...'\t !"#$%&\'()*+,-./09:;<=>?@AZ[\\]^_`az{|}~'.split('')), maxLength: 30 });
const TOKEN_CHARS = "!#$%&'*+-.^_`|~09AZaz".split('');

describe('parseDigestAuthorization under fuzzing', () => {
  it('any string gives a result', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary' }),
          fc.string().map((s) => `Digest ${s}`),
        ),
        (header) => {
          expect(isResult(parseDigestAuthorization(header))).toBe(true);
        },
      ),
      { seed: FC_SEED, numRuns: NUM_RUNS },
    );
  });

  it('random parameter lists, with repeats, unknown names and either value form, give a result; a repeat is malformed', () => {
    const name = fc.constantFrom(
      'username',
      'USERNAME',
      'username*',
      'realm',
      'nonce',
      'uri',
      'response',
      'qop',
      'nc',
      'cnonce',
      'opaque',
      'algorithm',
      'userhash',
      'x',
    );
    const value = fc.oneof(
      qvalue.map(quote),
      fc.string({ unit: fc.constantFrom(...TOKEN_CHARS), minLength: 1, maxLength: 10 }),
      fc.constantFrom('auth', 'auth-int', 'true', 'MD5', 'SHA-256', '00000001', MD5_HEX, "UTF-8''a%20b"),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(name, value), { maxLength: 14 }), fc.constantFrom(',', ', ', ' ,', ',,'), (params, separator) => {
        const result = parseDigestAuthorization(`Digest ${params.map(([n, v]) => `${n}=${v}`).join(separator)}`);
        expect(isResult(result)).toBe(true);
        const names = params.map(([n]) => n.toLowerCase());
        if (new Set(names).size !== names.length) expect(result).toBe('malformed');
        if (typeof result === 'object') for (const required of ['realm', 'nonce', 'uri', 'response']) expect(names).toContain(required);
      }),
      { seed: FC_SEED, numRuns: NUM_RUNS },
    );
  });

  it('well-formed headers round-trip whatever their quoted values contain', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme-ascii', maxLength: 20 }).filter((s) => !/[\x00-\x08\x0a-\x1f\x7f]/.test(s)),
        qvalue,
        qvalue.filter((s) => s !== ''),
        qvalue.filter((s) => s !== ''),
        qvalue.filter((s) => s !== ''),
        fc.option(qvalue, { nil: null }),
        fc.integer({ min: 1, max: 0xffffffff }),
        (username, realm, nonce, uri, cnonce, opaque, nc) => {
          const ncText = nc.toString(16).padStart(8, '0');
          const params = [
            `username=${quote(username)}`,
            `realm=${quote(realm)}`,
            `nonce=${quote(nonce)}`,
            `uri=${quote(uri)}`,
            `response="${MD5_HEX}"`,
            'qop=auth',
            `nc=${ncText}`,
            `cnonce=${quote(cnonce)}`,
            ...(opaque === null ? [] : [`opaque=${quote(opaque)}`]),
          ];
          expect(parseDigestAuthorization(`Digest ${params.join(', ')}`)).toEqual({
            username,
            realm,
            nonce,
            uri,
            response: MD5_HEX,
            algorithm: 'MD5',
            qop: 'auth',
            nc: ncText,
            nonceCount: nc,
            cnonce,
            opaque,
          });
        },
      ),
      { seed: FC_SEED, numRuns: NUM_RUNS },
    );
  });

  it.each([
    ['many repeated parameters', `Digest ${'a=b, '.repeat(HUGE / 6)}`],
    ['a huge unterminated quoted-string of escapes', `Digest username="${'\\"'.repeat(HUGE / 2)}`],
    ['a huge quoted-string of escapes', `Digest username="${'\\"'.repeat(HUGE / 2)}"`],
    ['a huge run of empty list elements', `Digest ${', '.repeat(HUGE / 2)}`],
    ['a huge token68-like value', `Digest ${'x'.repeat(HUGE)}`],
    ['a huge username*', `Digest username*=UTF-8''${'%41'.repeat(HUGE / 3)}, realm="r", nonce="n", uri="/", response="${MD5_HEX}"`],
    ['huge whitespace around =', `Digest username${' '.repeat(HUGE / 2)}=${' '.repeat(HUGE / 2)}"u"`],
  ])('%s finishes', (_name, header) => {
    expect(isResult(parseDigestAuthorization(header))).toBe(true);
  });

  it('the challenges parse back, realm and all, whatever the realm name', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-ascii' }), (realm) => {
        const [challenge = ''] = digestChallenges({ realmName: realm, nonce: 'n', opaque: 'o', algorithms: ['MD5'] });
        const answer = `${challenge.replace(/, algorithm=MD5$/, '').replace('qop="auth", ', '')}, username="u", uri="/", response="${MD5_HEX}"`;
        const result = parseDigestAuthorization(answer);
        expect(typeof result === 'object' ? result.realm : result).toBe(realm.replace(/[\x00-\x08\x0a-\x1f\x7f]/g, ' '));
      }),
      { seed: FC_SEED, numRuns: NUM_RUNS },
    );
  });
});

describe('digestUriMatches under fuzzing', () => {
  it('any strings give a boolean; a target always matches itself', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), fc.string(), (uri, target, host) => {
        expect(typeof digestUriMatches(uri, target, { scheme: 'http', host })).toBe('boolean');
        expect(digestUriMatches(target, target)).toBe(true);
      }),
      { seed: FC_SEED, numRuns: NUM_RUNS },
    );
  });

  it('huge targets finish', () => {
    const path = `/${'a/'.repeat(HUGE / 2)}`;
    expect(digestUriMatches(`http://h${path}`, path, { scheme: 'http', host: 'h' })).toBe(true);
    expect(digestUriMatches(`${'a:'.repeat(HUGE / 2)}//x`, path)).toBe(false);
  });
});

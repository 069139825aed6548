/**
 * parseBasicAuthorization on hostile input: any string gives one of its three results and never throws;
 * what it accepts is exactly the canonical base64 of valid UTF-8 credentials; huge inputs of the shapes that
 * hurt backtracking or rescanning parsers finish (a quadratic parser would not, within the test timeout).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { basicChallenge, parseBasicAuthorization } from '../../src/security/basic-authorization.js';

const FC_SEED = 20_261_207;
const NUM_RUNS = 1000;
const HUGE = 4 * 1024 * 1024;

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
const wellFormed = (text: string): boolean => Buffer.from(text, 'utf8').toString('utf8') === text;
const hasControl = (text: string): boolean => [...text].some((c) => /\p{Cc}/u.test(c));
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function isResult(result: unknown): boolean {
  if (result === 'malformed' || result === 'not-basic') return true;
  return typeof result === 'object' && result !== null && typeof (result as { username: unknown }).username === 'string';
}

describe('parseBasicAuthorization under fuzzing', () => {
  it('any string, latin1 or full Unicode, gives a result', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary' }),
          fc.string({ unit: 'binary-ascii' }),
          fc.string().map((s) => `Basic ${s}`),
        ),
        (header) => {
          expect(isResult(parseBasicAuthorization(header))).toBe(true);
        },
      ),
      { seed: FC_SEED, numRuns: NUM_RUNS },
    );
  });

  it('credentials without a colon in the user-id or control characters round-trip', () => {
    const part = fc.string({ unit: 'grapheme', maxLength: 40 }).filter((s) => wellFormed(s) && !hasControl(s));
    fc.assert(
      fc.property(
        part.filter((s) => !s.includes(':')),
        part,
        fc.constantFrom('Basic', 'basic', 'BASIC'),
        (username, password, scheme) => {
          expect(parseBasicAuthorization(`${scheme} ${b64(`${username}:${password}`)}`)).toEqual({ username, password });
        },
      ),
      { seed: FC_SEED, numRuns: NUM_RUNS },
    );
  });

  it('any bytes behind the scheme: accepted only as valid UTF-8 with a colon and no controls, never partially', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const result = parseBasicAuthorization(`Basic ${Buffer.from(bytes).toString('base64')}`);
        let text: string | null = null;
        try {
          text = UTF8.decode(bytes);
        } catch {
          text = null;
        }
        if (text === null || !text.includes(':') || hasControl(text)) expect(result).toBe('malformed');
        else expect(result).toEqual({ username: text.slice(0, text.indexOf(':')), password: text.slice(text.indexOf(':') + 1) });
      }),
      { seed: FC_SEED, numRuns: NUM_RUNS },
    );
  });

  it('a mutated token is either refused or exactly the canonical encoding of what it yields', () => {
    const alphabet = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_. *:'.split(''));
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-ascii', maxLength: 30 }), fc.nat(60), alphabet, fc.boolean(), (plain, at, char, insert) => {
        const token = b64(`u:${plain}`);
        const index = at % (token.length + 1);
        const mutated = insert ? token.slice(0, index) + char + token.slice(index) : token.slice(0, index) + char + token.slice(index + 1);
        const result = parseBasicAuthorization(`Basic ${mutated}`);
        if (typeof result === 'object') expect(b64(`${result.username}:${result.password}`)).toBe(mutated.trimEnd());
      }),
      { seed: FC_SEED, numRuns: NUM_RUNS },
    );
  });

  it.each([
    ['a huge valid token', `Basic ${b64(`u:${'p'.repeat(HUGE)}`)}`, 'object'],
    ['a huge token of padding', `Basic ${'='.repeat(HUGE)}`, 'malformed'],
    ['a huge run of spaces', `Basic ${' '.repeat(HUGE)}x`, 'malformed'],
    ['a huge scheme', `${'B'.repeat(HUGE)} abc`, 'not-basic'],
    ['a huge token with a bad last character', `Basic ${'A'.repeat(HUGE)}*`, 'malformed'],
  ])('%s finishes', (_name, header, expected) => {
    const result = parseBasicAuthorization(header);
    expect(typeof result === 'object' ? 'object' : result).toBe(expected);
  });

  it('the challenge is one latin1 header line whatever the realm name', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (realm) => {
        const challenge = basicChallenge(realm);
        expect(challenge).toMatch(/^Basic realm="(?:[^"\\\x00-\x08\x0a-\x1f\x7f]|\\.)*", charset="UTF-8"$/s);
        expect([...challenge].every((c) => c.charCodeAt(0) <= 0xff)).toBe(true);
      }),
      { seed: FC_SEED, numRuns: NUM_RUNS },
    );
  });
});

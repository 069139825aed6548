/**
 * ExpiresFilter's configuration parser on hostile text: any string is either refused with a problem or parsed
 * into a configuration that round-trips through its long form; any accepted configuration gives an expiration
 * an HTTP date can show, whatever the amounts; long inputs finish in linear time.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  expirationOf,
  formatExpiresConfiguration,
  MAX_EXPIRES_MS,
  MIN_EXPIRES_MS,
  parseExpiresConfiguration,
} from '../../src/filters/expires-syntax.js';

const FC_SEED = 20_261_207;
const NUM_RUNS = 1000;

const word = fc.constantFrom(
  'access',
  'now',
  'modification',
  'plus',
  'A',
  'M',
  'a60',
  'M-1',
  'year',
  'months',
  'week',
  'days',
  'HOUR',
  'minute',
  'seconds',
  '1',
  '-2147483648',
  '2147483647',
  '99999999999',
  '+7',
  '',
  ' ',
  '\t',
  '1e3',
  '0x10',
);
const grammarish = fc.array(word, { maxLength: 12 }).map((words) => words.join(' '));

describe('parseExpiresConfiguration under fuzzing', () => {
  it('any string: a problem or a configuration whose long form parses back to it', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), grammarish), (text) => {
        const result = parseExpiresConfiguration(text);
        if (!result.ok) {
          expect(typeof result.problem).toBe('string');
          expect(result.problem.length).toBeGreaterThan(0);
          return;
        }
        const again = parseExpiresConfiguration(formatExpiresConfiguration(result.value));
        expect(again).toEqual({ ok: true, value: result.value });
      }),
      { seed: FC_SEED, numRuns: NUM_RUNS },
    );
  });

  it('any accepted configuration gives a finite date within the HTTP date range, from any clock', () => {
    fc.assert(
      fc.property(
        grammarish,
        fc.integer({ min: 0, max: MAX_EXPIRES_MS }),
        fc.option(fc.integer({ min: 0, max: MAX_EXPIRES_MS })),
        (text, now, modified) => {
          const result = parseExpiresConfiguration(text);
          if (!result.ok) return;
          const expires = expirationOf(result.value, now, modified);
          expect(Number.isFinite(expires)).toBe(true);
          expect(expires).toBeGreaterThanOrEqual(MIN_EXPIRES_MS);
          expect(expires).toBeLessThanOrEqual(MAX_EXPIRES_MS);
        },
      ),
      { seed: FC_SEED, numRuns: NUM_RUNS },
    );
  });

  it('a megabyte of durations parses (linear work, no recursion)', () => {
    const text = `access plus ${'1 second '.repeat(100_000)}`;
    const result = parseExpiresConfiguration(text);
    expect(result.ok && result.value.durations.length).toBe(100_000);
  });
});

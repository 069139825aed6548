/**
 * DigestNonces on hostile input and against a model: any nonce string and count give a status and never
 * throw; a random sequence of nonce counts is answered exactly as a plain set-based model of the window says;
 * age decides valid versus stale at the nonceValidity boundary. The clock is a variable.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DigestNonces } from '../../src/security/digest-nonces.js';

const FC_SEED = 20_261_207;
const NUM_RUNS = 500;
const ADDRESS = '2001:db8::1';
const STATUSES = ['valid', 'stale', 'invalid', 'replayed'];

describe('DigestNonces under fuzzing', () => {
  it('any nonce string, address and count give a status', () => {
    const nonces = new DigestNonces({ now: () => 1_000_000 });
    const real = nonces.issue(ADDRESS);
    const count = fc.oneof(fc.constant(null), fc.integer(), fc.double(), fc.constantFrom(0, -0, Number.NaN, Infinity, 2 ** 53, 0xffffffff));
    const nonce = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.string().map((s) => `${real}${s}`),
      fc.nat(real.length).map((cut) => real.slice(0, cut)),
      fc
        .tuple(fc.nat(real.length - 1), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }))
        .map(([at, c]) => real.slice(0, at) + c + real.slice(at + 1)),
    );
    fc.assert(
      fc.property(nonce, fc.string(), count, (text, address, nc) => {
        expect(STATUSES).toContain(nonces.check(text, address, nc));
        expect(STATUSES).toContain(nonces.use(text, address, nc));
      }),
      { seed: FC_SEED, numRuns: NUM_RUNS * 4 },
    );
  });

  it('nonce counts are answered as a set-based model of the window says', () => {
    // Each count is an offset from the highest accepted so far, so that most land in or near the window.
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 16 }), fc.array(fc.integer({ min: -20, max: 20 }), { maxLength: 300 }), (window, offsets) => {
        const nonces = new DigestNonces({ nonceCountWindowSize: window, now: () => 5_000 });
        const nonce = nonces.issue(ADDRESS);
        const used = new Set<number>();
        let highest = 0;
        for (const offset of offsets) {
          const nc = highest + offset;
          const expected = nc >= 1 && nc > highest - window && nc <= highest + window && !used.has(nc);
          expect(nonces.use(nonce, ADDRESS, nc), `nc ${nc}`).toBe(expected ? 'valid' : 'replayed');
          if (expected) {
            used.add(nc);
            highest = Math.max(highest, nc);
          }
        }
      }),
      { seed: FC_SEED, numRuns: NUM_RUNS },
    );
  });

  it('a nonce is valid while its age is at most nonceValidity, stale after, whatever the steps of the clock', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.array(fc.integer({ min: 0, max: 400_000 }), { minLength: 1, maxLength: 10 }),
        (validity, steps) => {
          const clock = { now: 1_700_000_000_000 };
          const nonces = new DigestNonces({ nonceValidity: validity, now: () => clock.now });
          const issuedAt = clock.now;
          const nonce = nonces.issue(ADDRESS);
          let expired = false;
          for (const step of steps) {
            clock.now += step;
            expired ||= clock.now - issuedAt > validity;
            expect(nonces.check(nonce, ADDRESS, null)).toBe(expired ? 'stale' : 'valid');
          }
        },
      ),
      { seed: FC_SEED, numRuns: NUM_RUNS },
    );
  });

  it('the cache never holds more than nonceCacheSize nonces, and the newest are always there', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 60 }), (size, issued) => {
        const nonces = new DigestNonces({ nonceCacheSize: size, now: () => 0 });
        const all = Array.from({ length: issued }, () => nonces.issue(ADDRESS));
        expect(nonces.size).toBe(Math.min(size, issued));
        for (const [index, nonce] of all.entries()) {
          expect(nonces.check(nonce, ADDRESS, 1)).toBe(index >= issued - size ? 'valid' : 'stale');
        }
      }),
      { seed: FC_SEED, numRuns: NUM_RUNS },
    );
  });

  it('a huge nonce string and a huge address finish', () => {
    const nonces = new DigestNonces();
    const huge = '1'.repeat(4 * 1024 * 1024);
    expect(nonces.check(huge, ADDRESS, 1)).toBe('invalid');
    expect(nonces.check(`${huge}:x:y`, ADDRESS, 1)).toBe('invalid');
    const nonce = nonces.issue(huge);
    expect(nonces.check(nonce, huge, 1)).toBe('valid');
  });
});

// RFC 7616 §3.3, §5.4, §5.5 with Tomcat's DigestAuthenticator semantics: nonces that cannot be forged,
// expire into "stale", and cannot be replayed. The clock is a variable; nothing waits.
import { describe, expect, it } from 'vitest';
import { ContainerError } from '../../../src/errors/container-error.js';
import { DigestNonces, type DigestNoncesOptions } from '../../../src/security/digest-nonces.js';

const ADDRESS = '192.0.2.1';

function fixture(options: DigestNoncesOptions = {}): { nonces: DigestNonces; clock: { now: number } } {
  const clock = { now: 1_700_000_000_000 };
  return { nonces: new DigestNonces({ now: () => clock.now, ...options }), clock };
}

describe('issuing and authenticity', () => {
  it('a fresh nonce is valid for the address it was issued to, and each nonce is new', () => {
    const { nonces } = fixture();
    const first = nonces.issue(ADDRESS);
    const second = nonces.issue(ADDRESS);
    expect(first).not.toBe(second);
    expect(nonces.check(first, ADDRESS, 1)).toBe('valid');
    // Safe inside a quoted-string and a token alike.
    expect(first).toMatch(/^[0-9]+:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+$/);
  });

  it('a nonce is bound to the client address (as Tomcat binds it)', () => {
    const { nonces } = fixture();
    expect(nonces.check(nonces.issue(ADDRESS), '192.0.2.2', 1)).toBe('invalid');
  });

  it('another instance (another key) does not accept it; the same configured key does', () => {
    const { nonces } = fixture();
    const nonce = nonces.issue(ADDRESS);
    expect(fixture().nonces.check(nonce, ADDRESS, 1)).toBe('invalid');
    const a = fixture({ key: 'shared' }).nonces;
    const b = fixture({ key: 'shared' }).nonces;
    // Authentic but never issued by b (a restart with the same key): stale, so the client retries silently.
    expect(b.check(a.issue(ADDRESS), ADDRESS, 1)).toBe('stale');
  });

  it('a forged or garbled nonce is invalid', () => {
    const { nonces } = fixture();
    const nonce = nonces.issue(ADDRESS);
    const [time = '', random = '', mac = ''] = nonce.split(':');
    const flip = (text: string): string => (text.startsWith('A') ? `B${text.slice(1)}` : `A${text.slice(1)}`);
    for (const forged of [
      `${Number(time) + 60_000}:${random}:${mac}`,
      `${time}:${flip(random)}:${mac}`,
      `${time}:${random}:${flip(mac)}`,
      `${time}:${random}:${mac}x`,
      `${time}:${random}:${mac.slice(1)}`,
      `0${time}:${random}:${mac}`,
      `-${time.slice(1)}:${random}:${mac}`,
      `${time}:${random}`,
      '',
      ':::',
      'x'.repeat(10_000),
    ]) {
      expect(nonces.check(forged, ADDRESS, 1), forged).toBe('invalid');
    }
  });
});

describe('validity (Tomcat nonceValidity, default 5 minutes)', () => {
  it('a nonce is valid up to nonceValidity ms, stale after', () => {
    const { nonces, clock } = fixture();
    const nonce = nonces.issue(ADDRESS);
    clock.now += 300_000;
    expect(nonces.check(nonce, ADDRESS, 1)).toBe('valid');
    clock.now += 1;
    expect(nonces.check(nonce, ADDRESS, 1)).toBe('stale');
    // Once stale it is forgotten: going back in time does not revive it.
    clock.now -= 10_000;
    expect(nonces.check(nonce, ADDRESS, 1)).toBe('stale');
  });

  it('honours a configured nonceValidity', () => {
    const { nonces, clock } = fixture({ nonceValidity: 1000 });
    const nonce = nonces.issue(ADDRESS);
    clock.now += 1001;
    expect(nonces.use(nonce, ADDRESS, 1)).toBe('stale');
  });

  it('expired nonces are forgotten when new ones are issued', () => {
    const { nonces, clock } = fixture({ nonceValidity: 1000 });
    nonces.issue(ADDRESS);
    nonces.issue(ADDRESS);
    clock.now += 1001;
    nonces.issue(ADDRESS);
    expect(nonces.size).toBe(1);
  });
});

describe('the nonce cache (Tomcat nonceCacheSize, default 1000)', () => {
  it('keeps the newest nonceCacheSize nonces; a dropped one reads as stale, never as valid again', () => {
    const { nonces } = fixture({ nonceCacheSize: 3 });
    const issued = [1, 2, 3, 4].map(() => nonces.issue(ADDRESS));
    expect(nonces.size).toBe(3);
    expect(nonces.check(issued[0] ?? '', ADDRESS, 1)).toBe('stale');
    expect(issued.slice(1).map((nonce) => nonces.check(nonce, ADDRESS, 1))).toEqual(['valid', 'valid', 'valid']);
  });
});

describe('nonce counts (RFC 7616 §3.4, §5.5; Tomcat nonceCountWindowSize, default 100)', () => {
  it('check does not record; use records, so the same count is refused the second time', () => {
    const { nonces } = fixture();
    const nonce = nonces.issue(ADDRESS);
    expect(nonces.check(nonce, ADDRESS, 1)).toBe('valid');
    expect(nonces.check(nonce, ADDRESS, 1)).toBe('valid');
    expect(nonces.use(nonce, ADDRESS, 1)).toBe('valid');
    expect(nonces.check(nonce, ADDRESS, 1)).toBe('replayed');
    expect(nonces.use(nonce, ADDRESS, 1)).toBe('replayed');
    expect(nonces.use(nonce, ADDRESS, 2)).toBe('valid');
  });

  it('counts may arrive out of order inside the window, each once', () => {
    const { nonces } = fixture({ nonceCountWindowSize: 4 });
    const nonce = nonces.issue(ADDRESS);
    expect([3, 1, 2, 4, 2, 3].map((nc) => nonces.use(nonce, ADDRESS, nc))).toEqual([
      'valid',
      'valid',
      'valid',
      'valid',
      'replayed',
      'replayed',
    ]);
  });

  it('a count at or below the lower edge of the window is refused, even if never seen', () => {
    const { nonces } = fixture({ nonceCountWindowSize: 4 });
    const nonce = nonces.issue(ADDRESS);
    for (const nc of [4, 8, 10]) expect(nonces.use(nonce, ADDRESS, nc)).toBe('valid');
    // The window is now 7..10; 6 and 5 were never used but are too old to tell apart from a replay.
    expect(nonces.use(nonce, ADDRESS, 6)).toBe('replayed');
    expect(nonces.use(nonce, ADDRESS, 5)).toBe('replayed');
    expect(nonces.use(nonce, ADDRESS, 7)).toBe('valid');
    expect(nonces.use(nonce, ADDRESS, 9)).toBe('valid');
    expect(nonces.use(nonce, ADDRESS, 8)).toBe('replayed');
  });

  it('a count more than the window ahead of the highest is refused', () => {
    const { nonces } = fixture({ nonceCountWindowSize: 4 });
    const nonce = nonces.issue(ADDRESS);
    expect(nonces.use(nonce, ADDRESS, 5)).toBe('replayed');
    expect(nonces.use(nonce, ADDRESS, 4)).toBe('valid');
    expect(nonces.use(nonce, ADDRESS, 8)).toBe('valid');
    expect(nonces.use(nonce, ADDRESS, 13)).toBe('replayed');
  });

  it('a jump of a whole window forgets the counts left behind, and reuses their slots correctly', () => {
    const { nonces } = fixture({ nonceCountWindowSize: 4 });
    const nonce = nonces.issue(ADDRESS);
    for (const nc of [1, 2, 3, 4]) expect(nonces.use(nonce, ADDRESS, nc)).toBe('valid');
    // 8 takes the slot of 4; 5, 6, 7 take the slots of 1, 2, 3, which must be free again.
    expect(nonces.use(nonce, ADDRESS, 8)).toBe('valid');
    expect([5, 6, 7, 8, 4].map((nc) => nonces.use(nonce, ADDRESS, nc))).toEqual(['valid', 'valid', 'valid', 'replayed', 'replayed']);
  });

  it('a step forward frees the slots of the counts it passes over', () => {
    const { nonces } = fixture({ nonceCountWindowSize: 4 });
    const nonce = nonces.issue(ADDRESS);
    for (const nc of [1, 2, 3, 4]) expect(nonces.use(nonce, ADDRESS, nc)).toBe('valid');
    // 6 moves the window to 3..6: 5 shares its slot with 1, 6 with 2; 5 was never used.
    expect(nonces.use(nonce, ADDRESS, 6)).toBe('valid');
    expect(nonces.use(nonce, ADDRESS, 5)).toBe('valid');
    expect([3, 4, 5, 6].map((nc) => nonces.use(nonce, ADDRESS, nc))).toEqual(['replayed', 'replayed', 'replayed', 'replayed']);
  });

  it('a long sequential run stays valid, and each count is refused a second time', () => {
    const { nonces } = fixture();
    const nonce = nonces.issue(ADDRESS);
    for (let nc = 1; nc <= 1000; nc++) {
      expect(nonces.use(nonce, ADDRESS, nc)).toBe('valid');
      expect(nonces.use(nonce, ADDRESS, nc)).toBe('replayed');
    }
  });

  it('counts start at 1', () => {
    const { nonces } = fixture();
    const nonce = nonces.issue(ADDRESS);
    expect(nonces.use(nonce, ADDRESS, 0)).toBe('replayed');
    expect(nonces.use(nonce, ADDRESS, -1)).toBe('replayed');
    expect(nonces.use(nonce, ADDRESS, 1.5)).toBe('replayed');
  });

  it('counts are per nonce', () => {
    const { nonces } = fixture();
    const a = nonces.issue(ADDRESS);
    const b = nonces.issue(ADDRESS);
    expect(nonces.use(a, ADDRESS, 1)).toBe('valid');
    expect(nonces.use(b, ADDRESS, 1)).toBe('valid');
  });

  it('an invalid or stale nonce records nothing', () => {
    const { nonces, clock } = fixture();
    const nonce = nonces.issue(ADDRESS);
    expect(nonces.use(nonce, '192.0.2.9', 1)).toBe('invalid');
    expect(nonces.use(nonce, ADDRESS, 1)).toBe('valid');
    clock.now += 400_000;
    expect(nonces.use(nonce, ADDRESS, 2)).toBe('stale');
  });
});

describe('RFC 2069 clients (no qop, no nonce count)', () => {
  it('may use a nonce once: its response never changes, so a second use is a replay', () => {
    const { nonces } = fixture();
    const nonce = nonces.issue(ADDRESS);
    expect(nonces.check(nonce, ADDRESS, null)).toBe('valid');
    expect(nonces.use(nonce, ADDRESS, null)).toBe('valid');
    expect(nonces.use(nonce, ADDRESS, null)).toBe('replayed');
    expect(nonces.use(nonce, ADDRESS, 1)).toBe('replayed');
  });

  it('cannot use a nonce already used with counts', () => {
    const { nonces } = fixture();
    const nonce = nonces.issue(ADDRESS);
    expect(nonces.use(nonce, ADDRESS, 1)).toBe('valid');
    expect(nonces.use(nonce, ADDRESS, null)).toBe('replayed');
  });
});

describe('opaque and options', () => {
  it('opaque is random per instance unless configured, and must come back unchanged', () => {
    const { nonces } = fixture();
    expect(nonces.opaque).toMatch(/^[0-9a-f]{32}$/);
    expect(fixture().nonces.opaque).not.toBe(nonces.opaque);
    expect(nonces.opaqueMatches(nonces.opaque)).toBe(true);
    expect(nonces.opaqueMatches(null)).toBe(false);
    expect(nonces.opaqueMatches(`${nonces.opaque}x`)).toBe(false);
    expect(fixture({ opaque: 'fixed' }).nonces.opaque).toBe('fixed');
  });

  it('has Tomcat’s defaults', () => {
    const { nonces } = fixture();
    expect([nonces.nonceValidity, nonces.nonceCountWindowSize, nonces.nonceCacheSize]).toEqual([300_000, 100, 1000]);
  });

  it.each([
    [{ nonceValidity: 0 }, 'nonceValidity'],
    [{ nonceCountWindowSize: 0 }, 'nonceCountWindowSize'],
    [{ nonceCacheSize: -1 }, 'nonceCacheSize'],
    [{ nonceCacheSize: 1.5 }, 'nonceCacheSize'],
    [{ nonceValidity: Number.NaN }, 'nonceValidity'],
    [{ key: '' }, 'key'],
  ] as const)('refuses %o with a coded error', (options, attribute) => {
    let error: unknown;
    try {
      fixture(options);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ContainerError);
    expect((error as ContainerError).code).toBe('SV_ERR_SECURITY_DIGEST_ATTRIBUTE');
    expect((error as ContainerError).message).toContain(`[${attribute}]`);
  });
});

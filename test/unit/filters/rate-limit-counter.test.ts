/**
 * RateLimitFilter's counting (src/filters/rate-limit-counter.ts) with an injected clock: Tomcat's bucket
 * arithmetic (FastRateLimiter's power-of-two buckets, ExactRateLimiter's exact ones) and the memory bound
 * under a burst from many addresses.
 */
import { describe, expect, it } from 'vitest';
import { exactPolicy, fastPolicy, TimeBucketCounter } from '../../../src/filters/rate-limit-counter.js';

/** A clock the test moves by hand. */
function manualClock(start: number): { now: () => number; set: (ms: number) => void } {
  let time = start;
  return { now: () => time, set: (ms) => (time = ms) };
}

describe('bucket policies', () => {
  it("FastRateLimiter: 60 s becomes 65.536 s (reported 65) and 300 requests 328, as Tomcat's", () => {
    expect(fastPolicy(60, 300)).toEqual({ bucketMs: 65_536, requests: 328, durationSeconds: 65 });
    expect(fastPolicy(60, 100)).toEqual({ bucketMs: 65_536, requests: 109, durationSeconds: 65 });
    expect(fastPolicy(1, 5)).toEqual({ bucketMs: 1024, requests: 5, durationSeconds: 1 });
    expect(fastPolicy(2, 10)).toEqual({ bucketMs: 2048, requests: 10, durationSeconds: 2 });
  });

  it('ExactRateLimiter: as configured', () => {
    expect(exactPolicy(60, 300)).toEqual({ bucketMs: 60_000, requests: 300, durationSeconds: 60 });
  });
});

describe('TimeBucketCounter', () => {
  it('counts per key within a bucket and starts again at the next epoch-aligned bucket', () => {
    const clock = manualClock(10_000);
    const counter = new TimeBucketCounter(1000, 100, clock.now);
    expect(counter.increment('10.0.0.1')).toBe(1);
    expect(counter.increment('10.0.0.1')).toBe(2);
    expect(counter.increment('10.0.0.2')).toBe(1);
    clock.set(10_999);
    expect(counter.increment('10.0.0.1')).toBe(3);
    clock.set(11_000);
    expect(counter.increment('10.0.0.1')).toBe(1);
    expect(counter.trackedKeys).toBe(1);
  });

  it('a burst from a million distinct addresses (IPv6) keeps at most maxKeys entries; the overflow shares one count', () => {
    const clock = manualClock(0);
    const counter = new TimeBucketCounter(60_000, 1000, clock.now);
    expect(counter.increment('known')).toBe(1);
    let lastOverflow = 0;
    let firstCounts = 0;
    let maxTracked = 0;
    for (let i = 0; i < 1_000_000; i++) {
      const count = counter.increment(`2001:db8::${i.toString(16)}`);
      if (i >= 999) lastOverflow = count;
      else if (count === 1) firstCounts++;
      if (counter.trackedKeys > maxTracked) maxTracked = counter.trackedKeys;
    }
    expect(maxTracked).toBe(1000);
    expect(firstCounts).toBe(999);
    // 999 addresses found room next to `known`; the other 999001 counted together.
    expect(lastOverflow).toBe(1_000_000 - 999);
    // An address tracked before the flood keeps its own count.
    expect(counter.increment('known')).toBe(2);
    // The next bucket forgets the flood entirely.
    clock.set(60_000);
    expect(counter.increment('2001:db8::1')).toBe(1);
    expect(counter.trackedKeys).toBe(1);
  });

  it('a clock that goes back starts a fresh bucket rather than crediting the old one', () => {
    const clock = manualClock(5_000);
    const counter = new TimeBucketCounter(1000, 10, clock.now);
    counter.increment('a');
    counter.increment('a');
    clock.set(3_000);
    expect(counter.increment('a')).toBe(1);
  });

  it('clear() forgets every count', () => {
    const counter = new TimeBucketCounter(1000, 10, () => 0);
    counter.increment('a');
    counter.clear();
    expect(counter.trackedKeys).toBe(0);
    expect(counter.increment('a')).toBe(1);
  });
});

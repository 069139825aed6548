import { describe, expect, it } from 'vitest';
import { InFlightLimiter } from '../../../src/protocol/http11/in-flight-limiter.js';

describe('InFlightLimiter.tryAcquire: the fast path', () => {
  it('takes a free slot and counts it, until the limit', () => {
    const limiter = new InFlightLimiter(2);
    expect(limiter.tryAcquire()).toBe(true);
    expect(limiter.tryAcquire()).toBe(true);
    expect(limiter.inFlight).toBe(2);
    expect(limiter.tryAcquire()).toBe(false);
    expect(limiter.inFlight).toBe(2);
    limiter.release();
    expect(limiter.tryAcquire()).toBe(true);
  });

  it('takes nothing while paused', () => {
    const limiter = new InFlightLimiter(Infinity);
    limiter.pause();
    expect(limiter.tryAcquire()).toBe(false);
    expect(limiter.inFlight).toBe(0);
    limiter.resume();
    expect(limiter.tryAcquire()).toBe(true);
  });

  it('never jumps the queue: with a task waiting it refuses even when a slot frees up', () => {
    const limiter = new InFlightLimiter(1);
    expect(limiter.tryAcquire()).toBe(true);
    const started: string[] = [];
    limiter.acquire(() => started.push('queued'));
    expect(limiter.queued).toBe(1);
    expect(limiter.tryAcquire()).toBe(false);
    // The freed slot goes to the queued task, in arrival order.
    limiter.release();
    expect(started).toEqual(['queued']);
    expect(limiter.inFlight).toBe(1);
    expect(limiter.tryAcquire()).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { InFlightLimiter } from '../../../src/protocol/http11/in-flight-limiter.js';

describe('InFlightLimiter (maxThreads on the event-loop endpoint)', () => {
  it('starts up to the limit at once and queues the rest FIFO', () => {
    const limiter = new InFlightLimiter(2);
    const started: number[] = [];
    for (let i = 1; i <= 5; i++) limiter.acquire(() => started.push(i));
    expect(started).toEqual([1, 2]);
    expect(limiter.inFlight).toBe(2);
    expect(limiter.queued).toBe(3);
    limiter.release();
    expect(started).toEqual([1, 2, 3]);
    limiter.release();
    limiter.release();
    expect(started).toEqual([1, 2, 3, 4, 5]);
    expect(limiter.queued).toBe(0);
    limiter.release();
    limiter.release();
    expect(limiter.inFlight).toBe(0);
  });

  it('a new request does not overtake queued ones', () => {
    const limiter = new InFlightLimiter(1);
    const started: string[] = [];
    limiter.acquire(() => started.push('a'));
    limiter.acquire(() => started.push('b'));
    limiter.release();
    limiter.acquire(() => started.push('c'));
    expect(started).toEqual(['a', 'b']);
    limiter.release();
    expect(started).toEqual(['a', 'b', 'c']);
  });

  it('cancel() removes a waiting task only', () => {
    const limiter = new InFlightLimiter(1);
    const started: string[] = [];
    const running = limiter.acquire(() => started.push('a'));
    const waiting = limiter.acquire(() => started.push('b'));
    expect(running.cancel()).toBe(false);
    expect(waiting.cancel()).toBe(true);
    expect(waiting.cancel()).toBe(false);
    limiter.release();
    expect(started).toEqual(['a']);
    expect(limiter.inFlight).toBe(0);
  });

  it('pause() holds everything new until resume()', () => {
    const limiter = new InFlightLimiter(3);
    const started: string[] = [];
    limiter.pause();
    limiter.acquire(() => started.push('a'));
    limiter.acquire(() => started.push('b'));
    expect(started).toEqual([]);
    expect(limiter.paused).toBe(true);
    limiter.resume();
    expect(started).toEqual(['a', 'b']);
  });

  it('Infinity (and a non-positive limit) means unlimited', () => {
    for (const limit of [Infinity, 0]) {
      const limiter = new InFlightLimiter(limit);
      let count = 0;
      for (let i = 0; i < 1000; i++) limiter.acquire(() => count++);
      expect(count).toBe(1000);
    }
  });
});

/**
 * ManualClock keeps socket.setTimeout's rule for a socket's idle timer (a 'timeout' once the duration passes
 * without activity; activity restarts the count and re-arms a timer that fired) and runs plain timers in time
 * order, each at its own time.
 */
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/time/manual-clock.js';

/** The public parts of a socket the clock reads: byte counters, the write queue, 'timeout' and 'close'. */
class FakeSocket extends EventEmitter {
  bytesRead = 0;
  bytesWritten = 0;
  writableLength = 0;
  destroyed = false;
  timeouts: number[] = [];
  constructor(clock: ManualClock) {
    super();
    this.on('timeout', () => this.timeouts.push(clock.now()));
  }
}

function socketOn(clock: ManualClock): FakeSocket & Socket {
  return new FakeSocket(clock) as FakeSocket & Socket;
}

describe('ManualClock', () => {
  it('fires an idle timeout exactly when the duration has passed, once', () => {
    const clock = new ManualClock(1000);
    const socket = socketOn(clock);
    clock.setIdleTimeout(socket, 300);
    clock.advance(299);
    expect(socket.timeouts).toEqual([]);
    clock.advance(1);
    expect(socket.timeouts).toEqual([1300]);
    clock.advance(10_000);
    expect(socket.timeouts).toEqual([1300]);
  });

  it('bytes read through data events, bytes handed to the handle and refreshIdle restart the count; bytes still queued do not', () => {
    const clock = new ManualClock(0);
    const socket = socketOn(clock);
    socket.on('data', () => undefined);
    clock.setIdleTimeout(socket, 300);
    clock.advance(200);
    socket.bytesRead += 5;
    clock.advance(200);
    expect(socket.timeouts).toEqual([]);
    socket.bytesWritten += 10;
    clock.advance(299);
    expect(socket.timeouts).toEqual([]);
    clock.refreshIdle(socket);
    clock.advance(299);
    expect(socket.timeouts).toEqual([]);
    // Written into the stream but not yet to the handle: not activity.
    socket.bytesWritten += 10;
    socket.writableLength += 10;
    clock.advance(1);
    expect(socket.timeouts).toEqual([999]);
  });

  it('bytes read without a data listener (a parser reading the handle) are not activity: refreshIdle is', () => {
    const clock = new ManualClock(0);
    const socket = socketOn(clock);
    clock.setIdleTimeout(socket, 300);
    clock.advance(200);
    socket.bytesRead += 5;
    clock.advance(100);
    expect(socket.timeouts).toEqual([300]);
    socket.bytesRead += 5;
    clock.refreshIdle(socket);
    clock.advance(299);
    expect(socket.timeouts).toEqual([300]);
    clock.advance(1);
    expect(socket.timeouts).toEqual([300, 600]);
  });

  it('activity after a timeout re-arms it; setting 0 disarms it; a destroyed socket never fires', () => {
    const clock = new ManualClock(0);
    const socket = socketOn(clock);
    clock.setIdleTimeout(socket, 100);
    clock.advance(100);
    socket.bytesWritten += 1;
    clock.advance(150);
    expect(socket.timeouts).toEqual([100, 200]);
    clock.setIdleTimeout(socket, 0);
    clock.advance(1000);
    expect(socket.timeouts).toEqual([100, 200]);
    clock.setIdleTimeout(socket, 100);
    socket.destroyed = true;
    clock.advance(1000);
    expect(socket.timeouts).toEqual([100, 200]);
  });

  it('runs timers and intervals in time order, each at its own time, and never after clearTimer', () => {
    const clock = new ManualClock(0);
    const seen: string[] = [];
    clock.setTimer(() => seen.push(`b@${clock.now()}`), 250);
    const interval = clock.setInterval(() => seen.push(`i@${clock.now()}`), 100);
    const cleared = clock.setTimer(() => seen.push('never'), 50);
    clock.clearTimer(cleared);
    clock.advance(300);
    expect(seen).toEqual(['i@100', 'i@200', 'b@250', 'i@300']);
    clock.clearTimer(interval);
    clock.advance(1000);
    expect(seen).toHaveLength(4);
    expect(clock.now()).toBe(1300);
  });

  it('hrtime moves with now, in nanoseconds', () => {
    const clock = new ManualClock(0);
    const before = clock.hrtime();
    clock.advance(1234);
    expect(clock.hrtime() - before).toBe(1_234_000_000n);
  });

  it('whenArmed and whenTimers resolve once the component under test has armed its timers', async () => {
    const clock = new ManualClock(0);
    let armed = false;
    const waiting = clock.whenArmed(1).then(() => (armed = true));
    await Promise.resolve();
    expect(armed).toBe(false);
    clock.setIdleTimeout(socketOn(clock), 10);
    await waiting;
    expect(armed).toBe(true);
    const timers = clock.whenTimers(1);
    clock.setTimer(() => undefined, 10);
    await timers;
  });
});

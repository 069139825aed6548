/**
 * The container's clock: every timeout the container enforces (connection, keep-alive, write stall, TLS
 * handshake, graceful stop, shutdown-port read) and every time it stamps on a request is read from the clock
 * its Server was given, never from the process. Production uses the system clock (net/system-clock.ts), whose
 * idle timers ARE socket.setTimeout; tests inject a ManualClock (time/manual-clock.ts) and move time with
 * advance(). Fake timers (vi.useFakeTimers) cannot stand in: node's socket idle timers live in its internal
 * timer lists, which no fake replaces, and faking the global timers would stop the I/O the test depends on.
 */
import type { Socket } from 'node:net';

/** A timer armed through a clock; only that clock can clear it. */
export interface ClockTimer {
  readonly __clockTimer: unique symbol;
}

/** The part of a clock that needs no socket: readings and plain timers. */
export interface ClockTimers {
  /** Milliseconds since the epoch (Date.now()). */
  now(): number;
  /** A monotonic reading in nanoseconds (process.hrtime.bigint()): durations are differences of two readings. */
  hrtime(): bigint;
  /** Runs `callback` once after `ms`; never keeps the process alive. */
  setTimer(callback: () => void, ms: number): ClockTimer;
  /** Runs `callback` every `ms`; never keeps the process alive. */
  setInterval(callback: () => void, ms: number): ClockTimer;
  /** Cancels a timer of this clock; undefined is ignored. */
  clearTimer(timer: ClockTimer | undefined): void;
}

export interface ContainerClock extends ClockTimers {
  /**
   * Arms the socket's idle timer for `ms` (0 disarms it), as socket.setTimeout: the socket emits 'timeout' once
   * `ms` pass without a byte read or written, and every such byte restarts the count.
   */
  setIdleTimeout(socket: Socket, ms: number): void;
  /**
   * Restarts the socket's idle count for bytes read that did not come through the socket's own 'data' events
   * (the HTTP/1.1 parser reading the socket's handle itself), which would have restarted it.
   */
  refreshIdle(socket: Socket): void;
}

function asTimer(timeout: NodeJS.Timeout): ClockTimer {
  return timeout as unknown as ClockTimer;
}

/** The process's own readings and timers (net/system-clock.ts adds socket idle timers to them). */
export const processTimers: ClockTimers = {
  now: () => Date.now(),
  hrtime: () => process.hrtime.bigint(),
  setTimer(callback: () => void, ms: number): ClockTimer {
    return asTimer(setTimeout(callback, ms).unref());
  },
  setInterval(callback: () => void, ms: number): ClockTimer {
    return asTimer(setInterval(callback, ms).unref());
  },
  clearTimer(timer: ClockTimer | undefined): void {
    // clearTimeout clears intervals as well.
    if (timer !== undefined) clearTimeout(timer as unknown as NodeJS.Timeout);
  },
};

/**
 * A ContainerClock whose time moves only when advance() is called, for tests: a timeout is then an event the
 * test causes, not a wait. Fake timers cannot do this job (container-clock.ts says why).
 *
 * A socket's idle timer keeps socket.setTimeout's rule: the socket emits 'timeout' once its duration has passed
 * without activity, and activity restarts the count, re-arming a timer that already fired. Activity is what
 * restarts node's own timer: bytes handed to the socket's handle for writing, bytes read through the socket's
 * 'data' events, and refreshIdle (a read the HTTP/1.1 parser took from the handle itself, which node does not
 * see; bytes read that way without a refreshIdle are not activity, as for node). It is noticed from the
 * socket's public byte counters when advance() runs: everything that happened since the previous advance()
 * happened at the clock's current time, which is exactly what a test that advances a clock means.
 */
import type { Socket } from 'node:net';
import type { ClockTimer, ContainerClock } from './container-clock.js';

interface IdleWatch {
  readonly socket: Socket;
  ms: number;
  /** When the idle count last started (clock time). */
  since: number;
  fired: boolean;
  /** The socket's counters when last looked at. */
  read: number;
  written: number;
}

interface Timer {
  deadline: number;
  /** 0 for a one-shot timer. */
  readonly period: number;
  readonly callback: () => void;
  readonly order: number;
}

interface Waiter {
  readonly ready: () => boolean;
  readonly resolve: () => void;
}

/** Bytes the socket has handed to its handle: bytes still queued in the stream are not activity yet. */
function dispatched(socket: Socket): number {
  return socket.bytesWritten - socket.writableLength;
}

export class ManualClock implements ContainerClock {
  #now: number;
  readonly #startMs: number;
  readonly #startHr: bigint;
  readonly #idle = new Map<Socket, IdleWatch>();
  readonly #timers = new Set<Timer>();
  #order = 0;
  #waiters: Waiter[] = [];

  /** Starts at `startMs` (epoch milliseconds; default the real time now, so stamps read sensibly). */
  constructor(startMs = Date.now()) {
    this.#now = startMs;
    this.#startMs = startMs;
    this.#startHr = process.hrtime.bigint();
  }

  now(): number {
    return this.#now;
  }

  hrtime(): bigint {
    return this.#startHr + BigInt(this.#now - this.#startMs) * 1_000_000n;
  }

  setIdleTimeout(socket: Socket, ms: number): void {
    if (!(ms > 0)) {
      this.#idle.delete(socket);
      return;
    }
    let watch = this.#idle.get(socket);
    if (watch === undefined) {
      watch = { socket, ms, since: this.#now, fired: false, read: socket.bytesRead, written: dispatched(socket) };
      this.#idle.set(socket, watch);
      socket.once('close', () => this.#idle.delete(socket));
    }
    // As socket.setTimeout: setting a duration, even the same one, starts the count again.
    watch.ms = ms;
    watch.since = this.#now;
    watch.fired = false;
    this.#wake();
  }

  refreshIdle(socket: Socket): void {
    const watch = this.#idle.get(socket);
    if (watch === undefined) return;
    watch.since = this.#now;
    watch.fired = false;
  }

  setTimer(callback: () => void, ms: number): ClockTimer {
    return this.#add(callback, ms, 0);
  }

  setInterval(callback: () => void, ms: number): ClockTimer {
    return this.#add(callback, ms, Math.max(1, ms));
  }

  clearTimer(timer: ClockTimer | undefined): void {
    if (timer !== undefined) this.#timers.delete(timer as unknown as Timer);
  }

  /** Sockets whose idle timer is armed and has not fired. */
  get armedSockets(): number {
    let count = 0;
    for (const watch of this.#idle.values()) if (!watch.fired && !watch.socket.destroyed) count++;
    return count;
  }

  /**
   * Resolves once at least `count` sockets have an armed idle timer: a connection the server has accepted and
   * set a timeout on. Wait for this before advancing past a timeout of a connection just opened.
   */
  whenArmed(count = 1): Promise<void> {
    return this.#when(() => this.armedSockets >= count);
  }

  /** Plain timers (setTimer, setInterval) pending. */
  get pendingTimers(): number {
    return this.#timers.size;
  }

  /** Resolves once at least `count` plain timers are pending: the component under test has armed its timer. */
  whenTimers(count = 1): Promise<void> {
    return this.#when(() => this.#timers.size >= count);
  }

  /**
   * Moves the clock `ms` forward, running in time order every timer and idle timeout that falls due on the way
   * (each at its own time, so what it does is stamped then). Activity since the previous call counts as
   * happening now, before the clock moves.
   */
  advance(ms: number): void {
    // A negative or NaN duration moves nothing: time never goes back.
    const target = this.#now + (ms > 0 ? ms : 0);
    this.#observe();
    for (;;) {
      const next = this.#nextDue(target);
      if (next === null) break;
      this.#now = Math.max(this.#now, next.due);
      next.run();
      this.#observe();
    }
    this.#now = target;
  }

  #add(callback: () => void, ms: number, period: number): ClockTimer {
    const timer: Timer = { deadline: this.#now + Math.max(0, ms), period, callback, order: this.#order++ };
    this.#timers.add(timer);
    this.#wake();
    return timer as unknown as ClockTimer;
  }

  #observe(): void {
    for (const watch of this.#idle.values()) {
      const socket = watch.socket;
      const read = socket.bytesRead;
      const written = dispatched(socket);
      // Reads count only while they come through 'data' events: a parser reading the handle calls refreshIdle.
      const readActivity = read !== watch.read && socket.listenerCount('data') > 0;
      const writeActivity = written !== watch.written;
      watch.read = read;
      watch.written = written;
      if (readActivity || writeActivity) {
        watch.since = this.#now;
        watch.fired = false;
      }
    }
  }

  /** The earliest timer or idle timeout due at or before `target`; timers first on a tie, then in the order set. */
  #nextDue(target: number): { due: number; run: () => void } | null {
    let timer: Timer | undefined;
    for (const candidate of this.#timers) {
      if (candidate.deadline > target) continue;
      if (
        timer === undefined ||
        candidate.deadline < timer.deadline ||
        (candidate.deadline === timer.deadline && candidate.order < timer.order)
      ) {
        timer = candidate;
      }
    }
    let idle: IdleWatch | undefined;
    for (const watch of this.#idle.values()) {
      if (watch.fired || watch.socket.destroyed || watch.since + watch.ms > target) continue;
      if (idle === undefined || watch.since + watch.ms < idle.since + idle.ms) idle = watch;
    }
    if (timer !== undefined && (idle === undefined || timer.deadline <= idle.since + idle.ms)) {
      const chosen = timer;
      return {
        due: chosen.deadline,
        run: () => {
          if (chosen.period > 0) chosen.deadline += chosen.period;
          else this.#timers.delete(chosen);
          chosen.callback();
        },
      };
    }
    if (idle === undefined) return null;
    const chosen = idle;
    return {
      due: chosen.since + chosen.ms,
      run: () => {
        chosen.fired = true;
        chosen.socket.emit('timeout');
      },
    };
  }

  #when(ready: () => boolean): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ ready, resolve }));
  }

  #wake(): void {
    if (this.#waiters.length === 0) return;
    const still: Waiter[] = [];
    for (const waiter of this.#waiters) {
      // In a later turn: the clock hears of the timer from inside the component's own callback, which must
      // finish before the test moves the clock.
      if (waiter.ready()) setImmediate(waiter.resolve);
      else still.push(waiter);
    }
    this.#waiters = still;
  }
}

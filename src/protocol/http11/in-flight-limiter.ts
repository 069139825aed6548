/** Bounds the requests a connector runs at once (Tomcat's maxThreads on the event-loop endpoint); the rest wait FIFO. */

/** A place in the queue; cancel() takes a request that has not started out of it. */
export interface LimiterTicket {
  /** True when the task was still waiting and has been removed. */
  cancel(): boolean;
}

export class InFlightLimiter {
  readonly #limit: number;
  readonly #waiting: Array<() => void> = [];
  #inFlight = 0;
  #paused = false;

  /** limit: Infinity = unlimited. */
  constructor(limit: number) {
    this.#limit = limit > 0 ? limit : Infinity;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  get queued(): number {
    return this.#waiting.length;
  }

  get paused(): boolean {
    return this.#paused;
  }

  /**
   * Takes a slot at once when one is free, nothing is queued and the limiter is not paused (the common case,
   * without the closure and ticket acquire() needs); false otherwise, and then nothing was taken.
   */
  tryAcquire(): boolean {
    if (this.#paused || this.#waiting.length > 0 || this.#inFlight >= this.#limit) return false;
    this.#inFlight++;
    return true;
  }

  /**
   * Runs start() now when a slot is free and the limiter is not paused, otherwise once one frees up, in
   * arrival order. Every started task must be matched by exactly one release().
   */
  acquire(start: () => void): LimiterTicket {
    if (!this.#paused && this.#waiting.length === 0 && this.#inFlight < this.#limit) {
      this.#inFlight++;
      start();
      return { cancel: () => false };
    }
    this.#waiting.push(start);
    return {
      cancel: () => {
        const index = this.#waiting.indexOf(start);
        if (index < 0) return false;
        this.#waiting.splice(index, 1);
        return true;
      },
    };
  }

  release(): void {
    if (this.#inFlight > 0) this.#inFlight--;
    this.#startWaiting();
  }

  /** Stop starting queued or new tasks (running ones continue); used while a reload is in progress. */
  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    this.#startWaiting();
  }

  #startWaiting(): void {
    while (!this.#paused && this.#inFlight < this.#limit && this.#waiting.length > 0) {
      const next = this.#waiting.shift() as () => void;
      this.#inFlight++;
      next();
    }
  }
}

/**
 * A worker's inbox on a MessagePort that it reads itself, never through 'message' events: a servlet blocked
 * in Atomics.wait cannot run event handlers, but it can still take messages with receiveMessageOnPort().
 * The sender bumps a counter in shared memory after each post and notifies, which wakes a blocked reader
 * (Atomics.wait) or an awaiting one (Atomics.waitAsync) without polling in a loop.
 */
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';

/** Atomics.waitAsync (ES2024; in Node since 16) is missing from the ES2022 lib this project compiles against. */
type WaitAsync = (
  array: Int32Array,
  index: number,
  value: number,
  timeoutMs: number,
) => { async: boolean; value: Promise<string> | string };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

/** Upper bound of one wait; a lost wake-up could only delay a reader by this much. */
const WAIT_SLICE_MS = 1000;

export class PortInbox<T> {
  readonly #port: MessagePort;
  readonly #signal: Int32Array;
  readonly #slot: number;

  constructor(port: MessagePort, signal: Int32Array, slot: number) {
    this.#port = port;
    this.#signal = signal;
    this.#slot = slot;
  }

  /** Sender side (main thread): call after each post to the port, to wake whoever waits on it. */
  static notify(signal: Int32Array, slot: number): void {
    Atomics.add(signal, slot, 1);
    Atomics.notify(signal, slot);
  }

  /** The next message if one is queued, else undefined; never waits. */
  poll(): T | undefined {
    const received = receiveMessageOnPort(this.#port);
    return received === undefined ? undefined : (received.message as T);
  }

  /**
   * Blocks the thread until a message arrives, or undefined after `timeoutMs`. Worker threads only: the main
   * thread must never block.
   */
  takeSync(timeoutMs: number): T | undefined {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      // Read the counter before polling: a message posted in between changes it, so the wait returns at once.
      const seen = Atomics.load(this.#signal, this.#slot);
      const message = this.poll();
      if (message !== undefined) return message;
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      Atomics.wait(this.#signal, this.#slot, seen, Math.min(left, WAIT_SLICE_MS));
    }
  }

  /** The counter to pass to whenChanged(); read it before poll() so that no post can slip in between. */
  mark(): number {
    return Atomics.load(this.#signal, this.#slot);
  }

  /** Resolves once something was posted after mark() returned `seen` (or after a slice): the event loop keeps running. */
  async whenChanged(seen: number): Promise<void> {
    const waited = waitAsync(this.#signal, this.#slot, seen, WAIT_SLICE_MS);
    if (waited.async) await waited.value;
  }
}

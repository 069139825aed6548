/**
 * One response's way to the socket. Pipelined responses leave in request order (RFC 9112 §9.3.2): a response
 * whose turn has not come keeps its output here, in order, and hands it over when the connection gives it the
 * turn. Tracks flow control too: a socket that refused bytes has stalled this response until it drains.
 */
import type { Http11Connection, ResponseInLine } from './http11-connection.js';

/** Bytes a pipelined response may hold while waiting for its turn before its writer is told to wait. */
const QUEUED_HIGH_WATER = 64 * 1024;

/** The response the output carries: its place in the connection's write order, and what it is told. */
export interface OutputOwner extends ResponseInLine {
  /** The socket refused bytes: the client stopped taking them. */
  outputStalled(): void;
  /** The socket drained after a stall. */
  outputDrained(): void;
}

export class ResponseOutput {
  readonly #connection: Http11Connection;
  readonly #owner: OutputOwner;
  /** Output produced before this response's turn, in order; null while nothing waits. */
  #queue: Array<string | Uint8Array> | null = null;
  #queuedBytes = 0;
  /** The queued output includes the response's last bytes. */
  #queueHoldsLast = false;
  /** The socket refused bytes and has not drained since. */
  #stalled = false;
  /** The response is over: nothing queued is sent any more. */
  #closed = false;
  #drainWaiters: Array<() => void> = [];

  constructor(connection: Http11Connection, owner: OutputOwner) {
    this.#connection = connection;
    this.#owner = owner;
  }

  get stalled(): boolean {
    return this.#stalled;
  }

  /** A writer should wait before producing more: the socket stalled or too much waits for the turn. */
  get mustWait(): boolean {
    return this.#stalled || this.#queuedBytes >= QUEUED_HIGH_WATER;
  }

  /** True when this response may write to the socket now: every response before it was handed over in full. */
  get hasTurn(): boolean {
    return this.#connection.isWriter(this.#owner);
  }

  /** Hands bytes to the socket when it is this response's turn, else keeps them in order; false = wait. */
  send(data: string | Uint8Array): boolean {
    const connection = this.#connection;
    if (!connection.isWriter(this.#owner)) return this.#enqueue(data);
    const socket = connection.socket;
    if (socket.destroyed) return true;
    connection.cork();
    const accepted = typeof data === 'string' ? socket.write(data, 'latin1') : socket.write(data);
    if (!accepted) this.#stall();
    return accepted;
  }

  /** Like send(), for the response's last bytes: the next response in line gets the turn after them. */
  sendLast(data: string | Uint8Array): boolean {
    const connection = this.#connection;
    if (!connection.isWriter(this.#owner)) {
      this.#queueHoldsLast = true;
      return this.#enqueue(data);
    }
    const socket = connection.socket;
    if (socket.destroyed) return true;
    connection.cork();
    const accepted = typeof data === 'string' ? socket.write(data, 'latin1') : socket.write(data);
    connection.afterWrites(this.#owner);
    connection.outputDone(this.#owner);
    if (!accepted) this.#stall();
    return accepted;
  }

  /** Sends what the socket holds under its cork now (write-shaping.ts: the first 64 KiB of a large response). */
  flushCorked(): void {
    this.#connection.flushCorked();
  }

  #enqueue(data: string | Uint8Array): boolean {
    (this.#queue ??= []).push(data);
    this.#queuedBytes += data.length;
    return this.#queuedBytes < QUEUED_HIGH_WATER;
  }

  /** Every response before this one went out (OutputOwner.takeTurn): the queued output follows now. */
  takeTurn(): void {
    const queue = this.#queue;
    const holdsLast = this.#queueHoldsLast;
    this.#queue = null;
    this.#queuedBytes = 0;
    this.#queueHoldsLast = false;
    if (this.#closed) return;
    if (queue !== null) {
      const lastIndex = holdsLast ? queue.length - 1 : -1;
      for (let i = 0; i < queue.length; i++) {
        const data = queue[i] as string | Uint8Array;
        if (i === lastIndex) this.sendLast(data);
        else this.send(data);
      }
    }
    this.wakeDrainWaiters();
  }

  /** Resolves when the writer may go on (drain, turn, or the end of the response). */
  whenWritable(): Promise<void> {
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  wakeDrainWaiters(): void {
    const waiters = this.#drainWaiters;
    if (waiters.length === 0) return;
    this.#drainWaiters = [];
    for (const wake of waiters) wake();
  }

  /** The response is over (finished or aborted): queued output is dropped and waiting writers go on. */
  close(): void {
    this.#closed = true;
    this.#queue = null;
    this.wakeDrainWaiters();
  }

  #stall(): void {
    if (this.#stalled) return;
    this.#stalled = true;
    this.#connection.socket.once('drain', () => {
      this.#stalled = false;
      this.#owner.outputDrained();
    });
    this.#owner.outputStalled();
  }
}

/**
 * Coalesces the messages a worker thread sends to the main thread during one event-loop turn into one
 * postMessage. Every post wakes the receiving thread (a write to its event loop's eventfd, a context switch,
 * one event-loop iteration and one message event over there): a trivial request used to cost four of them
 * (head, data, end, done), now it costs one. Order is kept, transfer lists are joined.
 * The batch goes out when the turn is over (setImmediate: after every microtask of the turn, so the awaits
 * between a response's end and the request's 'done' still land in the same batch), at once when the caller
 * is about to block the thread (flush() before Atomics.wait), and whenever it holds more than maxBytes of
 * transferred buffers (a large body streams instead of piling up until the turn ends).
 */

/** What a batch is sent with: the messages in posting order and every buffer to transfer. */
export type BatchSender<T> = (messages: T[], transfer: ArrayBuffer[]) => void;

export interface MessageBatcherOptions {
  /** Transferred bytes after which the batch goes out at once. */
  readonly maxBytes?: number;
  /** Runs `flush` once the current turn is over; setImmediate by default (tests pass their own). */
  readonly schedule?: (flush: () => void) => void;
}

/** Large enough for a whole small response, small enough that a big body reaches the socket in steps. */
const DEFAULT_MAX_BYTES = 64 * 1024;

export class MessageBatcher<T> {
  readonly #send: BatchSender<T>;
  readonly #maxBytes: number;
  readonly #schedule: (flush: () => void) => void;
  readonly #scheduledFlush = (): void => {
    this.#scheduled = false;
    this.flush();
  };
  #messages: T[] = [];
  #transfer: ArrayBuffer[] = [];
  #bytes = 0;
  #scheduled = false;

  constructor(send: BatchSender<T>, options: MessageBatcherOptions = {}) {
    this.#send = send;
    this.#maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.#schedule = options.schedule ?? ((flush) => void setImmediate(flush));
  }

  /** Messages waiting for the next flush. */
  get pending(): number {
    return this.#messages.length;
  }

  post(message: T, transfer: readonly ArrayBuffer[] = []): void {
    this.#messages.push(message);
    for (const buffer of transfer) {
      this.#transfer.push(buffer);
      this.#bytes += buffer.byteLength;
    }
    if (this.#bytes > this.#maxBytes) {
      this.flush();
      return;
    }
    if (!this.#scheduled) {
      this.#scheduled = true;
      this.#schedule(this.#scheduledFlush);
    }
  }

  /** Sends what is waiting now (nothing when empty); a flush already scheduled then finds nothing to do. */
  flush(): void {
    if (this.#messages.length === 0) return;
    const messages = this.#messages;
    const transfer = this.#transfer;
    this.#messages = [];
    this.#transfer = [];
    this.#bytes = 0;
    this.#send(messages, transfer);
  }
}

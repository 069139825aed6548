/**
 * The request body on the worker side of the blocking-style endpoint. The main thread streams body chunks
 * (transferred ArrayBuffers) into the worker's body port once the application starts reading; the body is
 * both a Readable (asynchronous reads, forms) and a BlockingBody whose readSync() blocks the worker thread on
 * Atomics.wait until the next chunk arrives. One BodyDispatcher per worker: requests run one at a time, and
 * messages left over from an earlier request are dropped by id.
 */
import { Readable } from 'node:stream';
import type { BlockingBody } from '../../protocol/blocking-body.js';
import { errorFromData } from '../pool/error-data.js';
import type { PortInbox } from '../pool/port-inbox.js';
import type { BodyMessage } from '../messages/channel.js';
import type { WorkerToMain } from '../messages/worker-messages.js';

/** Consumed bytes are reported to the main thread in steps of this size (its send window is larger). */
const CREDIT_STEP = 32 * 1024;

export class BodyDispatcher {
  readonly #inbox: PortInbox<BodyMessage>;
  readonly #post: (message: WorkerToMain) => void;
  #current: WorkerBody | null = null;
  #pumping = false;

  constructor(inbox: PortInbox<BodyMessage>, post: (message: WorkerToMain) => void) {
    this.#inbox = inbox;
    this.#post = post;
  }

  /** The body of the request that starts now; `ended` when it has none. */
  open(id: number, ended: boolean): WorkerBody {
    const body = new WorkerBody(id, this, ended);
    this.#current = body;
    return body;
  }

  /** The request is over: its messages still in flight will be dropped. */
  close(body: WorkerBody): void {
    if (this.#current === body) this.#current = null;
  }

  demand(body: WorkerBody): void {
    if (body.demanded || body.sourceEnded) return;
    body.demanded = true;
    this.#post({ type: 'body-demand', id: body.id });
  }

  credit(body: WorkerBody, bytes: number): void {
    body.uncredited += bytes;
    if (body.uncredited >= CREDIT_STEP) {
      this.#post({ type: 'body-credit', id: body.id, bytes: body.uncredited });
      body.uncredited = 0;
    }
  }

  /** Asynchronous delivery into the Readable until it is full, ended or no longer current. */
  pump(body: WorkerBody): void {
    if (this.#pumping) return;
    this.#pumping = true;
    // A failure while delivering fails the body the servlet reads, instead of an unhandled rejection that would end the worker.
    this.#pumpLoop(body).catch((error: unknown) => body.destroy(error instanceof Error ? error : undefined));
  }

  async #pumpLoop(body: WorkerBody): Promise<void> {
    try {
      while (this.#current === body && body.wantsData) {
        const seen = this.#inbox.mark();
        const message = this.#inbox.poll();
        if (message === undefined) {
          await this.#inbox.whenChanged(seen);
          continue;
        }
        if (message.id !== body.id) continue;
        body.deliver(message);
      }
    } finally {
      // Cleared synchronously as the loop ends: a _read() arriving right after must be able to start a new one.
      this.#pumping = false;
    }
  }

  /** Blocks until the next message for `body`: a chunk, or null at the end; throws the body's error. */
  takeSync(body: WorkerBody): BodyMessage {
    for (;;) {
      const message = this.#inbox.takeSync(Number.POSITIVE_INFINITY) as BodyMessage;
      if (message.id === body.id) return message;
    }
  }
}

export class WorkerBody extends Readable implements BlockingBody {
  readonly id: number;
  readonly #dispatcher: BodyDispatcher;
  demanded = false;
  sourceEnded: boolean;
  uncredited = 0;
  #bytesRead = 0;
  #trailers: readonly string[] | undefined;
  #failed: Error | null = null;
  #reading = false;

  constructor(id: number, dispatcher: BodyDispatcher, ended: boolean) {
    super();
    this.id = id;
    this.#dispatcher = dispatcher;
    this.sourceEnded = ended;
    if (ended) this.push(null);
    // The main thread already answered the failure it forwards ('error' below); an application that reads
    // sees it through its own read, and a body nobody reads must not raise an uncaught 'error' in the worker.
    this.on('error', () => undefined);
  }

  get bytesRead(): number {
    return this.#bytesRead;
  }

  get trailers(): readonly string[] | undefined {
    return this.#trailers;
  }

  /** True while the Readable asked for more and the source has not ended. */
  get wantsData(): boolean {
    return this.#reading && !this.sourceEnded && !this.destroyed;
  }

  override _read(): void {
    this.#reading = true;
    this.#dispatcher.demand(this);
    this.#dispatcher.pump(this);
  }

  /** One message from the main thread, delivered into the Readable. */
  deliver(message: BodyMessage): void {
    if (this.sourceEnded) return;
    switch (message.kind) {
      case 'data': {
        const chunk = Buffer.from(message.chunk);
        this.#bytesRead += chunk.length;
        this.#dispatcher.credit(this, chunk.length);
        if (!this.push(chunk)) this.#reading = false;
        return;
      }
      case 'end':
        this.sourceEnded = true;
        this.#trailers = message.trailers;
        this.push(null);
        return;
      case 'error':
        this.sourceEnded = true;
        this.#failed = errorFromData(message.error);
        this.destroy(this.#failed);
        return;
    }
  }

  /**
   * The next chunk, blocking the worker thread until the main thread has it; null at the end of the body.
   * Data already buffered in the Readable comes first, so the two ways of reading can follow each other.
   */
  readSync(): Buffer | null {
    if (this.#failed !== null) throw this.#failed;
    if (this.readableLength > 0) {
      const buffered = this.read() as Buffer | null;
      if (buffered !== null) return buffered;
    }
    if (this.sourceEnded) return null;
    this.#dispatcher.demand(this);
    const message = this.#dispatcher.takeSync(this);
    switch (message.kind) {
      case 'data': {
        const chunk = Buffer.from(message.chunk);
        this.#bytesRead += chunk.length;
        this.#dispatcher.credit(this, chunk.length);
        return chunk;
      }
      case 'end':
        this.sourceEnded = true;
        this.#trailers = message.trailers;
        // Readers that check readableEnded (or wait for 'end') see the same end as asynchronous ones.
        this.push(null);
        this.resume();
        return null;
      case 'error':
        this.sourceEnded = true;
        this.#failed = errorFromData(message.error);
        throw this.#failed;
    }
  }
}

/**
 * The response body buffer (Servlet spec §5.1): content collects up to bufferSize; the response commits
 * when more would not fit, and from then on data flows to the exchange whenever the buffer fills.
 */
import type { Exchange } from '../protocol/exchange.js';
import { isSharedContent } from '../resources/resource-cache.js';

/** What the buffer needs from its response. */
export interface OutputTarget {
  /**
   * Sends the status line and headers. `contentLength` is the whole body's length when it is known because
   * everything was buffered (Content-Length framing), null when the body is still streaming (chunked).
   */
  commit(contentLength: number | null): void;
  isCommitted(): boolean;
  /** HEAD: content is counted (for Content-Length) but never stored or sent. */
  isHead(): boolean;
  /** False when the status carries no body (1xx, 204, 205, 304): buffered bytes are dropped when sent. */
  bodyAllowed(): boolean;
  /** The application's declared Content-Length, or -1. */
  declaredLength(): number;
  /** A suspended response ignores writes (after sendError, sendRedirect, forward). */
  isSuspended(): boolean;
}

export class OutputBuffer {
  readonly #exchange: Exchange;
  readonly #target: OutputTarget;
  #bufferSize: number;
  #chunks: Uint8Array[] = [];
  #buffered = 0;
  #written = 0;
  #closed = false;
  #needsDrain = false;

  constructor(exchange: Exchange, target: OutputTarget, bufferSize: number) {
    this.#exchange = exchange;
    this.#target = target;
    this.#bufferSize = Math.max(0, bufferSize);
  }

  get bufferSize(): number {
    return this.#bufferSize;
  }
  set bufferSize(size: number) {
    this.#bufferSize = Math.max(0, size);
  }

  /** Body bytes the application wrote since the last reset (also for HEAD, where nothing is sent). */
  get contentWritten(): number {
    return this.#written;
  }

  get aborted(): boolean {
    return this.#exchange.aborted;
  }

  /** Closed by close(), by finishing, or because the declared Content-Length was reached. */
  isClosed(): boolean {
    return this.#closed;
  }

  /**
   * `owned`: the caller hands the bytes over and never touches them again (the writer's freshly encoded
   * text), so they are kept as they are; anything else is copied, because the application may reuse its
   * array once write() returns while the socket still holds a reference.
   */
  write(data: Uint8Array, owned = false): void {
    if (this.#closed || this.#target.isSuspended() || data.length === 0) return;
    // Cached file contents are read-only by contract: a static file goes to the socket without a copy.
    if (!owned && isSharedContent(data)) owned = true;
    let bytes = data;
    const declared = this.#target.declaredLength();
    if (declared >= 0) {
      // Bytes beyond the declared length would corrupt the framing of the next response on the connection.
      const remaining = declared - this.#written;
      if (remaining <= 0) return;
      if (bytes.length > remaining) bytes = bytes.subarray(0, remaining);
    }
    this.#written += bytes.length;

    if (this.#buffered + bytes.length > this.#bufferSize) {
      if (!this.#target.isCommitted()) this.#target.commit(null);
      this.#send();
      // Copy: the caller may reuse its array once write() returns, and the socket keeps a reference.
      if (!this.#target.isHead()) this.#emit(owned ? bytes : Buffer.from(bytes));
    } else {
      this.#buffered += bytes.length;
      if (!this.#target.isHead()) this.#chunks.push(owned ? bytes : Buffer.from(bytes));
    }

    if (declared >= 0 && this.#written >= declared) {
      // The declared body is complete: send it now and ignore anything written later (Tomcat does the same).
      if (!this.#target.isCommitted()) this.#target.commit(null);
      this.#send();
      this.#closed = true;
    }
  }

  /**
   * Commits, hands buffered bytes to the connection, asks the protocol to push out what it holds itself
   * (a compressor's pending block, an AJP flush packet) and waits until it can take more (back-pressure).
   */
  async flush(): Promise<void> {
    if (!this.#target.isCommitted()) this.#target.commit(null);
    this.#send();
    if (!this.#closed && !this.#target.isHead() && this.#target.bodyAllowed()) this.#exchange.flush?.();
    if (this.#needsDrain) {
      this.#needsDrain = false;
      await this.#exchange.drain();
    }
  }

  /** Drops buffered content; the caller checks that the response is not committed. */
  reset(): void {
    this.#chunks = [];
    this.#buffered = 0;
    this.#written = 0;
  }

  /**
   * Sends everything that is left and closes the buffer. Before any commit the whole body is known, so
   * the response is committed with its exact length.
   */
  finish(): void {
    if (!this.#target.isCommitted()) this.#target.commit(this.#written);
    this.#send();
    this.#closed = true;
  }

  #send(): void {
    const chunks = this.#chunks;
    this.#chunks = [];
    this.#buffered = 0;
    for (const chunk of chunks) this.#emit(chunk);
  }

  #emit(bytes: Uint8Array): void {
    if (this.#target.isHead() || !this.#target.bodyAllowed() || bytes.length === 0) return;
    if (!this.#exchange.write(bytes)) this.#needsDrain = true;
  }
}

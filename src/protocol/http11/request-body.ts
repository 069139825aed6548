/**
 * The request body as a Readable fed by the parser: counts bytes as they arrive, reports the first read
 * (continueResponseTiming=onRead), asks the connection to stop reading while the application does not keep
 * up (back-pressure), and discards an unread rest up to maxSwallowSize.
 */
import { Readable } from 'node:stream';

/** What the body needs from its connection: flow control of the socket behind it. */
export interface BodySource {
  /** The application stopped taking bytes: stop reading the socket. */
  pauseBody(): void;
  /** The application wants more bytes. */
  resumeBody(): void;
}

export class RequestBody extends Readable {
  /** Content-Length of the body; undefined when chunked. */
  readonly #declaredLength: number | undefined;
  readonly #source: BodySource;
  #bytes = 0;
  #complete = false;
  #paused = false;
  #onFirstRead: (() => void) | null = null;
  #swallow: { readonly limit: number; readonly start: number; readonly exceeded: () => void } | null = null;
  #trailers: string[] = [];

  constructor(source: BodySource, declaredLength: number | undefined) {
    super();
    this.#source = source;
    this.#declaredLength = declaredLength;
    // The processor fails a body whose framing broke or whose client went quiet, and answers the request
    // itself; an application that reads the body sees the error through its own read. Without a listener
    // of the processor's own, a body nobody read would raise the error as an uncaught 'error' event.
    this.on('error', ignoreError);
  }

  /** An already-ended body, for requests that have none. */
  static empty(source: BodySource): RequestBody {
    const body = new RequestBody(source, 0);
    body.complete();
    return body;
  }

  /** Body bytes received so far (decoded from chunked framing). */
  get bodyBytes(): number {
    return this.#bytes;
  }

  /** True once the parser delivered the end of the body. */
  get isComplete(): boolean {
    return this.#complete;
  }

  /** The trailer fields of a chunked body (RFC 9112 §7.1.2) as received: name, value, … */
  get rawTrailers(): readonly string[] {
    return this.#trailers;
  }

  /** Body bytes still to come when the framing tells (Content-Length); undefined for a chunked body. */
  get bodyBytesRemaining(): number | undefined {
    if (this.#complete) return 0;
    if (this.#declaredLength === undefined) return undefined;
    return Math.max(0, this.#declaredLength - this.#bytes);
  }

  /** The parser's body bytes. */
  deliver(chunk: Buffer): void {
    if (this.destroyed) return;
    this.#bytes += chunk.byteLength;
    const swallow = this.#swallow;
    if (swallow !== null) {
      // Discarded, not buffered: nobody will read them.
      if (this.#bytes - swallow.start > swallow.limit) {
        this.#swallow = null;
        swallow.exceeded();
      }
      return;
    }
    if (!this.push(chunk) && !this.#paused) {
      this.#paused = true;
      this.#source.pauseBody();
    }
  }

  addTrailers(fields: readonly string[]): void {
    for (const field of fields) this.#trailers.push(field);
  }

  /** The parser reached the end of the body. */
  complete(): void {
    if (this.#complete) return;
    this.#complete = true;
    this.#release();
    if (!this.destroyed) this.push(null);
  }

  /**
   * A consumer's read (an explicit read(), flowing 'data', async iteration) is the first read; read(0) is
   * the stream machinery reading ahead on its own and must not send `100 Continue` for the application.
   */
  override read(size?: number): unknown {
    const hook = this.#onFirstRead;
    if (hook !== null && size !== 0) {
      this.#onFirstRead = null;
      hook();
    }
    return super.read(size);
  }

  override _read(): void {
    this.#release();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#release();
    callback(error);
  }

  onFirstRead(hook: () => void): void {
    this.#onFirstRead = hook;
  }

  /**
   * The response is done but the body is not: read the rest and throw it away so the connection can carry
   * the next request; beyond `limit` more bytes that is not worth it (Tomcat's maxSwallowSize).
   */
  swallow(limit: number, exceeded: () => void): void {
    this.#onFirstRead = null;
    if (this.#complete) return;
    this.#swallow = { limit: Number.isFinite(limit) ? limit : Number.MAX_SAFE_INTEGER, start: this.#bytes, exceeded };
    // What was buffered for the application is dropped too.
    while (this.read() !== null);
    this.#release();
  }

  #release(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#source.resumeBody();
  }
}

/** The processor's listener for a failed body: the failure was already answered and logged where it was detected. */
function ignoreError(): void {}

/** node:http's IncomingMessage that counts body bytes as the parser delivers them and reports the first read. */
import { IncomingMessage } from 'node:http';

export class CountedIncomingMessage extends IncomingMessage {
  #bodyBytes = 0;
  #onFirstRead: (() => void) | null = null;
  #swallow: { readonly limit: number; readonly start: number; readonly exceeded: () => void } | null = null;
  #trailerLimit: { readonly limit: number; readonly exceeded: (size: number) => void } | null = null;

  /** Body bytes received so far (decoded from chunked framing). */
  get bodyBytes(): number {
    return this.#bodyBytes;
  }

  /**
   * The parser pushes each body chunk here; counting at this point sees every byte without switching the
   * stream into flowing mode, which a 'data' listener would do.
   */
  override push(chunk: unknown, encoding?: BufferEncoding): boolean {
    if (chunk === null && this.#trailerLimit !== null) {
      // The parser has stored the trailers just before ending the body (RFC 9112 §7.1.2).
      const size = this.rawTrailers.reduce((sum, field) => sum + Buffer.byteLength(field, 'latin1') + 2, 0);
      if (size > this.#trailerLimit.limit) {
        this.#trailerLimit.exceeded(size);
        return false;
      }
    }
    if (chunk instanceof Uint8Array) {
      this.#bodyBytes += chunk.byteLength;
      const swallow = this.#swallow;
      if (swallow !== null && this.#bodyBytes - swallow.start > swallow.limit) {
        this.#swallow = null;
        swallow.exceeded();
      }
    }
    return super.push(chunk, encoding);
  }

  /**
   * Called by the stream machinery when a consumer first wants body bytes (a read, an async iterator, a
   * pipe); this is the moment continueResponseTiming=onRead sends `100 Continue`.
   */
  override _read(size: number): void {
    const hook = this.#onFirstRead;
    if (hook !== null) {
      this.#onFirstRead = null;
      hook();
    }
    super._read(size);
  }

  /** maxTrailerSize: a trailer section larger than limit fails the body instead of ending it. */
  limitTrailers(limit: number, exceeded: (size: number) => void): void {
    this.#trailerLimit = Number.isFinite(limit) ? { limit, exceeded } : null;
  }

  onFirstRead(hook: () => void): void {
    this.#onFirstRead = hook;
  }

  /**
   * The response is done but the body is not: node reads the rest and throws it away so the connection
   * can carry the next request. Beyond `limit` more bytes that is not worth it (Tomcat's maxSwallowSize).
   */
  limitSwallow(limit: number, exceeded: () => void): void {
    this.#onFirstRead = null;
    if (Number.isFinite(limit)) this.#swallow = { limit, start: this.#bodyBytes, exceeded };
  }

  /**
   * Body bytes still to come, when the framing tells (Content-Length); undefined for a chunked body whose
   * end is unknown.
   */
  get bodyBytesRemaining(): number | undefined {
    if (this.complete) return 0;
    if (this.headers['transfer-encoding'] !== undefined) return undefined;
    const declared = Number(this.headers['content-length'] ?? 0);
    return Math.max(0, declared - this.#bodyBytes);
  }
}

/** node:http's IncomingMessage that counts body bytes as the parser delivers them. */
import { IncomingMessage } from 'node:http';

export class CountedIncomingMessage extends IncomingMessage {
  #bodyBytes = 0;

  /** Body bytes received so far (decoded from chunked framing). */
  get bodyBytes(): number {
    return this.#bodyBytes;
  }

  /**
   * The parser pushes each body chunk here; counting at this point sees every byte without switching the
   * stream into flowing mode, which a 'data' listener would do.
   */
  override push(chunk: unknown, encoding?: BufferEncoding): boolean {
    if (chunk instanceof Uint8Array) this.#bodyBytes += chunk.byteLength;
    return super.push(chunk, encoding);
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

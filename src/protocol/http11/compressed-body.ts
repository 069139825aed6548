/**
 * A response body being compressed (gzip or br, negotiated by compression.ts): a body of known, modest length
 * is held and encoded in one call at its end, sent with a Content-Length; anything longer, of unknown length,
 * or still being produced when the event-loop turn ends streams through a zlib encoder, chunked.
 */
import type { Transform } from 'node:stream';
import { compressWhole, createEncoder, flushEncoder, WHOLE_BODY_MAX_BYTES, type ContentCoding } from './compression.js';

/** What a compressed body needs from its exchange. */
export interface CompressedBodyOutput {
  /** The head is final: serialise it to go out in front of the first body bytes. */
  commitHead(status: number, reason: string | null, fields: string[]): void;
  /** Frames and sends encoded bytes; false when the connection asks to wait. */
  writeEncoded(chunk: Uint8Array): boolean;
  /** The encoder can take more bytes again. */
  drained(): void;
  fail(error: Error): void;
  /** True once the response is over (finished or aborted): nothing more is written. */
  isClosed(): boolean;
}

/** A held body and the head that waits for its encoded length. */
interface HeldBody {
  status: number;
  reason: string | null;
  fields: string[];
  readonly chunks: Uint8Array[];
  size: number;
}

export class CompressedBody {
  readonly #coding: ContentCoding;
  readonly #output: CompressedBodyOutput;
  #held: HeldBody | null;
  #encoder: Transform | null = null;
  #heldTimer = false;
  #flushScheduled = false;
  #ended = false;

  /**
   * `whole`: the body's length is known and at most WHOLE_BODY_MAX_BYTES, so it is held for one encode and
   * the head waits (holdHead); otherwise the encoder streams from the start and the head is the exchange's.
   * A zlib stream per response costs far more than the compression itself, hence the held path.
   */
  constructor(coding: ContentCoding, whole: boolean, output: CompressedBodyOutput) {
    this.#coding = coding;
    this.#output = output;
    this.#held = whole ? { status: 200, reason: null, fields: [], chunks: [], size: 0 } : null;
    if (!whole) this.#startEncoder();
  }

  /** True while the head waits for the encoded length. */
  get holdingHead(): boolean {
    return this.#held !== null;
  }

  /** The held body's head, committed with Content-Length at the end (or chunked if it streams after all). */
  holdHead(status: number, reason: string | null, fields: string[]): void {
    const held = this.#held;
    if (held === null) return;
    held.status = status;
    held.reason = reason;
    held.fields = fields;
  }

  write(chunk: Uint8Array): boolean {
    const held = this.#held;
    if (held !== null) {
      held.chunks.push(chunk);
      held.size += chunk.byteLength;
      if (held.size > WHOLE_BODY_MAX_BYTES) {
        this.#stream();
        return true;
      }
      // Not ended within this turn: it streams instead (a slow producer's bytes must flow).
      if (!this.#heldTimer) {
        this.#heldTimer = true;
        setImmediate(() => {
          this.#heldTimer = false;
          if (!this.#ended) this.#stream();
        });
      }
      return true;
    }
    this.#scheduleFlush();
    return (this.#encoder as Transform).write(chunk);
  }

  /** True while the encoder's buffer is full. */
  get needsDrain(): boolean {
    return this.#encoder !== null && this.#encoder.writableNeedDrain;
  }

  /** The connection drained: encoded bytes may flow again. */
  resume(): void {
    this.#encoder?.resume();
  }

  /** An explicit flush by the application: a held body streams, and the encoder's pending block goes out. */
  flush(): void {
    this.#stream();
    const encoder = this.#encoder;
    if (encoder !== null && !this.#ended && !this.#output.isClosed()) flushEncoder(this.#coding, encoder);
  }

  /** Ends the body; `finish` runs once every encoded byte was handed to the exchange. Trailers need chunked framing. */
  end(withTrailers: boolean, finish: () => void): void {
    this.#ended = true;
    const held = this.#held;
    if (held !== null) {
      if (withTrailers) this.#stream();
      else this.#sendHeld(held);
    }
    const encoder = this.#encoder;
    if (encoder === null) {
      finish();
      return;
    }
    encoder.once('end', finish);
    encoder.end();
  }

  destroy(): void {
    this.#held = null;
    this.#encoder?.destroy();
  }

  /** One synchronous encode, the head with Content-Length, the bytes. */
  #sendHeld(held: HeldBody): void {
    this.#held = null;
    const chunks = held.chunks;
    const body = chunks.length === 1 ? (chunks[0] as Uint8Array) : Buffer.concat(chunks, held.size);
    let encoded: Buffer;
    try {
      encoded = compressWhole(this.#coding, body);
    } catch (error) {
      this.#output.fail(error as Error);
      return;
    }
    held.fields.push('Content-Length', String(encoded.byteLength));
    this.#output.commitHead(held.status, held.reason, held.fields);
    this.#output.writeEncoded(encoded);
  }

  /** A held body that did not end in time: its head goes out now (chunked) and the encoder takes over. */
  #stream(): void {
    const held = this.#held;
    if (held === null || this.#output.isClosed()) return;
    this.#held = null;
    this.#output.commitHead(held.status, held.reason, held.fields);
    const encoder = this.#startEncoder();
    for (const chunk of held.chunks) encoder.write(chunk);
    this.#scheduleFlush();
  }

  #startEncoder(): Transform {
    const encoder = createEncoder(this.#coding);
    this.#encoder = encoder;
    encoder.on('data', (data: Buffer) => {
      if (this.#output.isClosed()) return;
      if (!this.#output.writeEncoded(data)) encoder.pause();
    });
    encoder.on('drain', () => this.#output.drained());
    encoder.on('error', (error: Error) => this.#output.fail(error));
    return encoder;
  }

  /**
   * zlib holds input until it has a block's worth; a response produced slowly (or flushed by the
   * application) must still reach the client, so whatever is pending is flushed once the current turn
   * of the event loop is over. A response written and ended in one go never pays for a flush.
   */
  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => {
      this.#flushScheduled = false;
      const encoder = this.#encoder;
      if (encoder !== null && !this.#ended && !this.#output.isClosed()) flushEncoder(this.#coding, encoder);
    });
  }
}

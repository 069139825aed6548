/**
 * A whole body encoded through one long-lived native encoder, kept from body to body (reusable-gzip.ts and
 * reusable-brotli.ts say why per coding).
 *
 * It drives the native handle of a zlib stream as node's own *Sync functions do: writeSync into an output
 * buffer, the counts left in the stream's write-state array (net/node-internals/zlib-handle.ts reaches them,
 * once its startup check has compared handle-level output with the *Sync functions'). The output buffer is a
 * scratch buffer kept across bodies and only the result is copied out. If those internals are not usable, or a
 * call fails, the coding's *Sync function does the work instead and the next body gets a new encoder.
 */
import type { Transform } from 'node:stream';
import { encoderHandle, type NativeEncoder } from '../../net/node-internals/index.js';

export type { NativeEncoder };

interface Context<H> {
  readonly stream: Transform;
  readonly handle: H;
  /** [output bytes left, input bytes left] after each writeSync. */
  readonly state: Uint32Array;
}

export abstract class ReusableEncoder<H extends NativeEncoder> {
  readonly #bound: (length: number) => number;
  /** undefined: not created yet (or dropped after a failure); null: this Node has no usable internals. */
  #context: Context<H> | null | undefined;
  #scratch: Buffer = Buffer.alloc(0);

  /** `bound`: the output room a body of some length may need (tests make it too small). */
  protected constructor(bound: (length: number) => number) {
    this.#bound = bound;
  }

  /** The encoded body, byte for byte what the coding's *Sync function returns. */
  encode(body: Uint8Array): Buffer {
    const context = this.#context === undefined ? (this.#context = this.#create()) : this.#context;
    if (context === null) return this.encodeSync(body);
    const room = this.#bound(body.byteLength);
    if (this.#scratch.byteLength < room) this.#scratch = Buffer.allocUnsafe(room);
    const scratch = this.#scratch;
    try {
      this.begin(context.handle, context.state, body);
      context.handle.writeSync(this.finishFlag(), body, 0, body.byteLength, scratch, 0, room);
      // The encoder reported an error: node destroyed the stream and closed its handle already.
      if (context.stream.destroyed) return this.#fallBack(body);
      const outputLeft = context.state[0] as number;
      const inputLeft = context.state[1] as number;
      this.end(context.handle);
      // A full output buffer or unread input means the bound was wrong: let the *Sync function do it properly.
      if (outputLeft === 0 || inputLeft !== 0) return this.#fallBack(body);
      // A copy of exactly the result: small ones come from Buffer's shared pool, no external memory.
      return Buffer.from(scratch.subarray(0, room - outputLeft));
    } catch {
      return this.#fallBack(body);
    }
  }

  /** A new stream of the coding, whose handle this encoder drives. */
  protected abstract createStream(): Transform;
  /** True when the handle has every method this coding calls. */
  protected abstract usable(handle: object): handle is H;
  /** The flush value that ends a stream (Z_FINISH, BROTLI_OPERATION_FINISH). */
  protected abstract finishFlag(): number;
  /** The coding's own synchronous function, for fallbacks. */
  protected abstract encodeSync(body: Uint8Array): Buffer;

  /** Prepares the handle for a new body (before the write). */
  protected begin(_encoder: H, _state: Uint32Array, _body: Uint8Array): void {}

  /** Readies the handle for the next body (after the write). */
  protected end(_encoder: H): void {}

  #fallBack(body: Uint8Array): Buffer {
    // The encoder may be in any state: the next body gets a new one.
    this.#context?.stream.destroy();
    this.#context = undefined;
    return this.encodeSync(body);
  }

  #create(): Context<H> | null {
    const stream = this.createStream();
    // A failing write is reported through the stream: never let that become an unhandled 'error' event.
    stream.on('error', () => undefined);
    const native = encoderHandle(stream);
    if (native === null || !this.usable(native.handle)) {
      stream.destroy();
      return null;
    }
    return { stream, handle: native.handle, state: native.state };
  }
}

/**
 * Brotli for whole bodies through one long-lived encoder handle, initialised again for each body.
 *
 * zlib.brotliCompressSync builds a BrotliCompress stream and a 16 KiB output buffer for every call, and the
 * result is a slice of that buffer: 16 KiB of external memory per response that lives until a collection
 * finds the stream. Under load that kept V8 over its external-memory limit and started a full mark-compact
 * every few hundred milliseconds (bench/RESULTS.md 2026-11-22 04:10: 6 to 26 in 4 s of `Accept-Encoding: br`,
 * none with this class). Initialising the native encoder again with the same parameters (quality, size
 * hint) gives the bytes brotliCompressSync gives; the output goes to a scratch buffer kept across bodies and
 * only the result is copied.
 *
 * The handle's reset() would keep the encoder but forget its parameters (quality 11 again), so each body
 * starts with init() and the parameter array, as node's BrotliCompress constructor calls it. If those
 * internals are missing, or a call fails, zlib.brotliCompressSync does the work instead.
 */
import zlib from 'node:zlib';

/** The native side of a brotli stream, as node's zlib module calls it. */
interface BrotliHandle {
  init(params: Uint32Array, writeState: Uint32Array, processCallback: () => void): unknown;
  writeSync(
    flush: number,
    input: Uint8Array,
    inOffset: number,
    inLength: number,
    output: Uint8Array,
    outOffset: number,
    outLength: number,
  ): void;
}

interface Context {
  readonly stream: zlib.BrotliCompress;
  readonly handle: BrotliHandle;
  /** [output bytes left, input bytes left] after each writeSync. */
  readonly state: Uint32Array;
}

interface StreamInternals {
  _handle?: Partial<BrotliHandle> | null;
  _writeState?: unknown;
}

/** One slot per BROTLI_PARAM_* constant; 0xffffffff (-1) leaves a parameter at brotli's default. */
const PARAM_SLOTS =
  Math.max(...Object.entries(zlib.constants).filter(([name]) => name.startsWith('BROTLI_PARAM_')).map(([, value]) => value)) + 1;
const UNSET = 0xffffffff;
const noop = (): void => undefined;

export class ReusableBrotli {
  readonly #quality: number;
  readonly #bound: (length: number) => number;
  readonly #params = new Uint32Array(PARAM_SLOTS);
  /** undefined: not created yet (or dropped after a failure); null: this Node has no usable internals. */
  #context: Context | null | undefined;
  #scratch: Buffer = Buffer.alloc(0);

  /** `bound`: the output room a body of some length may need (tests make it too small). */
  constructor(quality: number, bound: (length: number) => number = brotliBound) {
    this.#quality = quality;
    this.#bound = bound;
  }

  /** What zlib.brotliCompressSync(body, { params: { QUALITY: quality, SIZE_HINT: body length } }) returns. */
  encode(body: Uint8Array): Buffer {
    const context = this.#context === undefined ? (this.#context = this.#create()) : this.#context;
    if (context === null) return this.#sync(body);
    const room = this.#bound(body.byteLength);
    if (this.#scratch.byteLength < room) this.#scratch = Buffer.allocUnsafe(room);
    const scratch = this.#scratch;
    const params = this.#params;
    params.fill(UNSET);
    params[zlib.constants.BROTLI_PARAM_QUALITY] = this.#quality;
    params[zlib.constants.BROTLI_PARAM_SIZE_HINT] = body.byteLength;
    try {
      context.handle.init(params, context.state, noop);
      context.handle.writeSync(zlib.constants.BROTLI_OPERATION_FINISH, body, 0, body.byteLength, scratch, 0, room);
      // brotli reported an error: node destroyed the stream and closed its handle already.
      if (context.stream.destroyed) return this.#fallBack(body);
      const outputLeft = context.state[0] as number;
      const inputLeft = context.state[1] as number;
      // A full output buffer or unread input means the bound was wrong: let brotliCompressSync do it properly.
      if (outputLeft === 0 || inputLeft !== 0) return this.#fallBack(body);
      // A copy of exactly the result: small ones come from Buffer's shared pool, no external memory.
      return Buffer.from(scratch.subarray(0, room - outputLeft));
    } catch {
      return this.#fallBack(body);
    }
  }

  #sync(body: Uint8Array): Buffer {
    return zlib.brotliCompressSync(body, {
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: this.#quality, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength },
    });
  }

  #fallBack(body: Uint8Array): Buffer {
    // The encoder may be in any state: the next body gets a new one.
    this.#context?.stream.destroy();
    this.#context = undefined;
    return this.#sync(body);
  }

  #create(): Context | null {
    const stream = zlib.createBrotliCompress();
    // A failing write is reported through the stream: never let that become an unhandled 'error' event.
    stream.on('error', noop);
    const internals = stream as unknown as StreamInternals;
    const handle = internals._handle;
    const state = internals._writeState;
    if (
      handle === null ||
      handle === undefined ||
      typeof handle.init !== 'function' ||
      typeof handle.writeSync !== 'function' ||
      !(state instanceof Uint32Array) ||
      state.length < 2
    ) {
      stream.destroy();
      return null;
    }
    return { stream, handle: handle as BrotliHandle, state };
  }
}

/** BrotliEncoderMaxCompressedSize (4 bytes per 16 KiB block and a few for the stream's header), with a margin. */
export function brotliBound(length: number): number {
  return length + 4 * (length >>> 14) + 6 + 64;
}

/**
 * Brotli for whole bodies through one long-lived encoder handle, initialised again for each body.
 *
 * zlib.brotliCompressSync builds a BrotliCompress stream and a 16 KiB output buffer for every call, and the
 * result is a slice of that buffer: 16 KiB of external memory per response that lives until a collection
 * finds the stream. Under load that kept V8 over its external-memory limit and started a full mark-compact
 * every few hundred milliseconds (bench/RESULTS.md 2026-11-22 04:10: 6 to 26 in 4 s of `Accept-Encoding: br`,
 * none with this class). Initialising the native encoder again with the same parameters (quality, size
 * hint) gives the bytes brotliCompressSync gives (reusable-encoder.ts drives the handle).
 *
 * The handle's reset() would keep the encoder but forget its parameters (quality 11 again), so each body
 * starts with init() and the parameter array, as node's BrotliCompress constructor calls it.
 */
import type { Transform } from 'node:stream';
import zlib from 'node:zlib';
import { type NativeEncoder, ReusableEncoder } from './reusable-encoder.js';

/** The native side of a brotli stream. */
interface BrotliHandle extends NativeEncoder {
  init(params: Uint32Array, writeState: Uint32Array, processCallback: () => void): unknown;
}

/** One slot per BROTLI_PARAM_* constant; 0xffffffff (-1) leaves a parameter at brotli's default. */
const PARAM_SLOTS =
  Math.max(
    ...Object.entries(zlib.constants)
      .filter(([name]) => name.startsWith('BROTLI_PARAM_'))
      .map(([, value]) => value),
  ) + 1;
const UNSET = 0xffffffff;
const noop = (): void => undefined;

export class ReusableBrotli extends ReusableEncoder<BrotliHandle> {
  readonly #quality: number;
  readonly #params = new Uint32Array(PARAM_SLOTS);

  constructor(quality: number, bound: (length: number) => number = brotliBound) {
    super(bound);
    this.#quality = quality;
  }

  protected createStream(): Transform {
    return zlib.createBrotliCompress();
  }

  protected usable(handle: object): handle is BrotliHandle {
    const candidate = handle as Partial<BrotliHandle>;
    return typeof candidate.writeSync === 'function' && typeof candidate.init === 'function';
  }

  protected finishFlag(): number {
    return zlib.constants.BROTLI_OPERATION_FINISH;
  }

  /** What zlib.brotliCompressSync(body, { params: { QUALITY: quality, SIZE_HINT: body length } }) returns. */
  protected encodeSync(body: Uint8Array): Buffer {
    return zlib.brotliCompressSync(body, {
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: this.#quality, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength },
    });
  }

  protected override begin(handle: BrotliHandle, state: Uint32Array, body: Uint8Array): void {
    const params = this.#params;
    params.fill(UNSET);
    params[zlib.constants.BROTLI_PARAM_QUALITY] = this.#quality;
    params[zlib.constants.BROTLI_PARAM_SIZE_HINT] = body.byteLength;
    handle.init(params, state, noop);
  }
}

/** BrotliEncoderMaxCompressedSize (4 bytes per 16 KiB block and a few for the stream's header), with a margin. */
export function brotliBound(length: number): number {
  return length + 4 * (length >>> 14) + 6 + 64;
}

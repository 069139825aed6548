/**
 * The native side of a zlib stream (`_handle`) and its write-state array (`_writeState`), driven as node's own
 * *Sync functions drive them: writeSync into an output buffer, the counts left in the state array. Used by
 * protocol/http11/reusable-encoder.ts to keep one encoder across bodies; checked by index.ts against
 * zlib.gzipSync and zlib.brotliCompressSync before it is used.
 */
import type { Transform } from 'node:stream';
import zlib from 'node:zlib';

/** What an encoder handle offers, as node's zlib module calls it. */
export interface NativeEncoder {
  writeSync(
    flush: number,
    input: Uint8Array,
    inOffset: number,
    inLength: number,
    output: Uint8Array,
    outOffset: number,
    outLength: number,
  ): void;
  /** deflateReset (zlib handles). */
  reset?(): void;
  /** Initialises a brotli encoder again with its parameter array (brotli handles). */
  init?(params: Uint32Array, writeState: Uint32Array, processCallback: () => void): unknown;
}

/** A stream's handle and its write state: [output bytes left, input bytes left] after each writeSync. */
export interface EncoderHandle {
  readonly handle: NativeEncoder;
  readonly state: Uint32Array;
}

/** The handle and write state of a zlib or brotli stream, or null when they are not what this file expects. */
export function encoderHandleOf(stream: Transform): EncoderHandle | null {
  const internals = stream as unknown as { _handle?: unknown; _writeState?: unknown };
  const handle = internals._handle as Partial<NativeEncoder> | null | undefined;
  const state = internals._writeState;
  if (handle === null || typeof handle !== 'object' || typeof handle.writeSync !== 'function') return null;
  if (!(state instanceof Uint32Array) || state.length < 2) return null;
  return { handle: handle as NativeEncoder, state };
}

const noop = (): void => undefined;

/** One whole body through the handle (FINISH), or null when it did not fit or failed. */
function encodeOnce(stream: Transform, encoder: EncoderHandle, flush: number, body: Uint8Array): Buffer | null {
  const output = Buffer.alloc(body.byteLength + 1024);
  encoder.handle.writeSync(flush, body, 0, body.byteLength, output, 0, output.byteLength);
  if (stream.destroyed) return null;
  const outputLeft = encoder.state[0] as number;
  const inputLeft = encoder.state[1] as number;
  if (outputLeft === 0 || inputLeft !== 0) return null;
  return output.subarray(0, output.byteLength - outputLeft);
}

/**
 * Gzips a sample twice through one handle, reset in between, and brotli-encodes it twice through one handle
 * initialised again with its parameters (what ReusableGzip and ReusableBrotli do): every result must equal
 * the public *Sync function's bytes. Returns why not, or null.
 */
export function checkEncoderHandles(): string | null {
  const sample = Buffer.from(`${'<p>Serval checks its zlib handles.</p>\n'.repeat(40)}${'0123456789abcdef'.repeat(8)}`, 'latin1');
  const gzip = zlib.createGzip({ level: 6 });
  const brotli = zlib.createBrotliCompress();
  gzip.on('error', noop);
  brotli.on('error', noop);
  try {
    const deflate = encoderHandleOf(gzip);
    if (deflate === null || typeof deflate.handle.reset !== 'function') return 'a Gzip stream has no usable _handle/_writeState';
    const expectedGzip = zlib.gzipSync(sample, { level: 6 });
    for (let round = 0; round < 2; round++) {
      const encoded = encodeOnce(gzip, deflate, zlib.constants.Z_FINISH, sample);
      if (encoded === null || !encoded.equals(expectedGzip)) return `handle-level gzip differs from zlib.gzipSync (round ${round + 1})`;
      deflate.handle.reset();
    }
    const encoder = encoderHandleOf(brotli);
    if (encoder === null || typeof encoder.handle.init !== 'function') return 'a BrotliCompress stream has no usable _handle/_writeState';
    const quality = 5;
    const expectedBrotli = zlib.brotliCompressSync(sample, {
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: quality, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: sample.byteLength },
    });
    const params = new Uint32Array(brotliParamSlots()).fill(0xffffffff);
    params[zlib.constants.BROTLI_PARAM_QUALITY] = quality;
    params[zlib.constants.BROTLI_PARAM_SIZE_HINT] = sample.byteLength;
    for (let round = 0; round < 2; round++) {
      encoder.handle.init(params, encoder.state, noop);
      const encoded = encodeOnce(brotli, encoder, zlib.constants.BROTLI_OPERATION_FINISH, sample);
      if (encoded === null || !encoded.equals(expectedBrotli))
        return `handle-level brotli differs from zlib.brotliCompressSync (round ${round + 1})`;
    }
    return null;
  } catch (error) {
    return `a zlib handle threw: ${(error as Error).message}`;
  } finally {
    gzip.destroy();
    brotli.destroy();
  }
}

/** One slot per BROTLI_PARAM_* constant (the parameter array a brotli handle's init() takes). */
export function brotliParamSlots(): number {
  return (
    Math.max(
      ...Object.entries(zlib.constants)
        .filter(([name]) => name.startsWith('BROTLI_PARAM_'))
        .map(([, value]) => value),
    ) + 1
  );
}

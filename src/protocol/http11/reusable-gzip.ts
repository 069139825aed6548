/**
 * Gzip for whole bodies through one long-lived deflate context, reset after each body.
 *
 * zlib.gzipSync builds a Gzip stream and a new deflate state for every call: about 270 KiB allocated, a hash
 * table cleared, and that memory reported to V8 as external until the stream's handle is garbage-collected.
 * Under load the reports pile up between scavenges and force full mark-compact collections: 13 per 40 000
 * compressed 4 KB responses in the container, against none without compression (bench/RESULTS.md). Reusing
 * one context (deflateReset starts the next gzip member, RFC 1952 §2.2) produces the same bytes as gzipSync at
 * the same level and allocates only the result.
 *
 * It drives the native handle of a zlib.Gzip as node's own gzipSync does (writeSync into an output buffer,
 * the counts left in the stream's write-state array). If those internals are missing, or a call fails,
 * zlib.gzipSync does the work instead.
 */
import zlib from 'node:zlib';

/** The native side of a zlib stream, as node's zlib module calls it. */
interface DeflateHandle {
  writeSync(
    flush: number,
    input: Uint8Array,
    inOffset: number,
    inLength: number,
    output: Uint8Array,
    outOffset: number,
    outLength: number,
  ): void;
  reset(): void;
}

interface Context {
  readonly stream: zlib.Gzip;
  readonly handle: DeflateHandle;
  /** [output bytes left, input bytes left] after each writeSync. */
  readonly state: Uint32Array;
}

interface StreamInternals {
  _handle?: Partial<DeflateHandle> | null;
  _writeState?: unknown;
}

export class ReusableGzip {
  readonly #level: number;
  readonly #bound: (length: number) => number;
  /** undefined: not created yet (or dropped after a failure); null: this Node has no usable internals. */
  #context: Context | null | undefined;
  #scratch: Buffer = Buffer.alloc(0);

  /** `bound`: the output room a body of some length may need (tests make it too small). */
  constructor(level: number, bound: (length: number) => number = gzipBound) {
    this.#level = level;
    this.#bound = bound;
  }

  /** The gzip encoding of `body`, byte for byte what zlib.gzipSync(body, { level }) returns. */
  encode(body: Uint8Array): Buffer {
    const context = this.#context === undefined ? (this.#context = this.#create()) : this.#context;
    if (context === null) return zlib.gzipSync(body, { level: this.#level });
    const room = this.#bound(body.byteLength);
    if (this.#scratch.byteLength < room) this.#scratch = Buffer.allocUnsafe(room);
    const scratch = this.#scratch;
    try {
      context.handle.writeSync(zlib.constants.Z_FINISH, body, 0, body.byteLength, scratch, 0, room);
      // zlib reported an error: node destroyed the stream and closed its handle already.
      if (context.stream.destroyed) return this.#fallBack(body);
      const outputLeft = context.state[0] as number;
      const inputLeft = context.state[1] as number;
      context.handle.reset();
      // A full output buffer or unread input means the bound was wrong: let gzipSync do it properly.
      if (outputLeft === 0 || inputLeft !== 0) return this.#fallBack(body);
      // A copy of exactly the result: small ones come from Buffer's shared pool, no external memory.
      return Buffer.from(scratch.subarray(0, room - outputLeft));
    } catch {
      return this.#fallBack(body);
    }
  }

  #fallBack(body: Uint8Array): Buffer {
    // The context may be in any state: the next body gets a new one.
    this.#context?.stream.destroy();
    this.#context = undefined;
    return zlib.gzipSync(body, { level: this.#level });
  }

  #create(): Context | null {
    const stream = zlib.createGzip({ level: this.#level });
    // A failing write is reported through the stream: never let that become an unhandled 'error' event.
    stream.on('error', () => undefined);
    const internals = stream as unknown as StreamInternals;
    const handle = internals._handle;
    const state = internals._writeState;
    if (
      handle === null ||
      handle === undefined ||
      typeof handle.writeSync !== 'function' ||
      typeof handle.reset !== 'function' ||
      !(state instanceof Uint32Array) ||
      state.length < 2
    ) {
      stream.destroy();
      return null;
    }
    return { stream, handle: handle as DeflateHandle, state };
  }
}

/**
 * zlib's deflateBound() for gzip (stored blocks in the worst case, plus the 18-byte header and trailer of
 * RFC 1952), with a margin.
 */
export function gzipBound(length: number): number {
  return length + (length >>> 12) + (length >>> 14) + (length >>> 25) + 13 + 18 + 64;
}

// The synchronous body read: only a blocking body (worker threads) offers it; the event loop gets a coded error.
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { RequestInputStream } from '../../../src/connector/request-input-stream.js';

/** A body that can block, as the worker-side body of the blocking endpoint. */
class FakeBlockingBody extends Readable {
  readonly #chunks: Buffer[];
  constructor(chunks: string[]) {
    super();
    this.#chunks = chunks.map((chunk) => Buffer.from(chunk));
  }
  override _read(): void {
    this.push(this.#chunks.shift() ?? null);
  }
  readSync(): Buffer | null {
    return this.#chunks.shift() ?? null;
  }
}

describe('RequestInputStream synchronous reads', () => {
  it('on an event-loop body, readAllBytesSync() and readSync() throw SV_ERR_REQUEST_BLOCKING_READ_UNSUPPORTED', () => {
    const stream = new RequestInputStream(new PassThrough());
    expect(() => stream.readAllBytesSync()).toThrowError(
      expect.objectContaining({ code: 'SV_ERR_REQUEST_BLOCKING_READ_UNSUPPORTED' }) as Error,
    );
    expect(() => stream.readSync()).toThrowError(/blocking-style connector/);
  });

  it('on a blocking body, reads everything synchronously', () => {
    const stream = new RequestInputStream(new FakeBlockingBody(['ab', 'cd', 'e']));
    expect(stream.readSync()!.toString()).toBe('ab');
    expect(stream.readAllBytesSync().toString()).toBe('cde');
    expect(stream.readSync()).toBeNull();
  });

  it('a form body already read is returned whole on any endpoint', () => {
    const stream = new RequestInputStream(new Uint8Array(Buffer.from('a=1')));
    expect(stream.readAllBytesSync().toString()).toBe('a=1');
    expect(stream.readSync()).toBeNull();
  });
});

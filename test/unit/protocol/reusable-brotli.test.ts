import { randomBytes } from 'node:crypto';
import zlib, { brotliCompressSync, brotliDecompressSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { brotliBound, ReusableBrotli } from '../../../src/protocol/http11/reusable-brotli.js';

const QUALITY = 4;
const text = (bytes: number): Buffer =>
  Buffer.from('the container maps the request to a servlet and streams its answer. '.repeat(bytes / 60 + 1).slice(0, bytes));
const expected = (body: Buffer, quality = QUALITY): Buffer =>
  brotliCompressSync(body, {
    params: { [zlib.constants.BROTLI_PARAM_QUALITY]: quality, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength },
  });

afterEach(() => {
  vi.restoreAllMocks();
});

describe('ReusableBrotli', () => {
  it('gives the bytes brotliCompressSync gives at its quality, body after body, whatever the size and content', () => {
    const brotli = new ReusableBrotli(QUALITY);
    const bodies = [
      Buffer.alloc(0),
      Buffer.from('x'),
      text(4096),
      randomBytes(64 * 1024),
      text(64 * 1024),
      text(3000),
      randomBytes(10),
      text(4096),
    ];
    for (const body of bodies) {
      const encoded = brotli.encode(body);
      expect(encoded.equals(expected(body))).toBe(true);
      expect(brotliDecompressSync(encoded).equals(body)).toBe(true);
    }
  });

  it('keeps its quality from one body to the next (a bare reset would fall back to quality 11)', () => {
    const brotli = new ReusableBrotli(QUALITY);
    brotli.encode(text(4096));
    const second = brotli.encode(text(4096));
    expect(second.equals(expected(text(4096)))).toBe(true);
    expect(second.equals(expected(text(4096), 11))).toBe(false);
  });

  it('a result does not share memory with the next one', () => {
    const brotli = new ReusableBrotli(QUALITY);
    const first = brotli.encode(text(2000));
    const copy = Buffer.from(first);
    brotli.encode(randomBytes(2000));
    expect(first.equals(copy)).toBe(true);
  });

  it('falls back to brotliCompressSync when the output does not fit, and uses a new encoder afterwards', () => {
    let calls = 0;
    // The first body gets far too little room: the native write stops with its output buffer full.
    const brotli = new ReusableBrotli(QUALITY, (length) => (calls++ === 0 ? 50 : brotliBound(length)));
    const random = randomBytes(8192);
    const sync = vi.spyOn(zlib, 'brotliCompressSync');
    const encoded = brotli.encode(random);
    expect(sync).toHaveBeenCalledTimes(1);
    expect(encoded.equals(expected(random))).toBe(true);
    sync.mockClear();
    const next = brotli.encode(text(3000));
    expect(sync).not.toHaveBeenCalled();
    expect(next.equals(expected(text(3000)))).toBe(true);
  });
});

describe('brotliBound', () => {
  it('covers incompressible input at any size', () => {
    for (const size of [0, 1, 100, 4096, 16_384, 65_536, 1_000_000]) {
      expect(brotliBound(size)).toBeGreaterThanOrEqual(expected(randomBytes(size)).byteLength);
    }
  });
});

import { randomBytes } from 'node:crypto';
import zlib, { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { gzipBound, ReusableGzip } from '../../../src/protocol/http11/reusable-gzip.js';

const LEVEL = zlib.constants.Z_DEFAULT_COMPRESSION;
const text = (bytes: number): Buffer =>
  Buffer.from('the container maps the request to a servlet and streams its answer. '.repeat(bytes / 60 + 1).slice(0, bytes));

afterEach(() => {
  vi.restoreAllMocks();
});

describe('ReusableGzip', () => {
  it('gives the bytes gzipSync gives, body after body, whatever the size and content', () => {
    const gzip = new ReusableGzip(LEVEL);
    const bodies = [Buffer.alloc(0), Buffer.from('x'), text(4096), randomBytes(64 * 1024), text(64 * 1024), text(4096), randomBytes(10)];
    for (const body of bodies) {
      const encoded = gzip.encode(body);
      expect(encoded.equals(gzipSync(body, { level: LEVEL }))).toBe(true);
      expect(gunzipSync(encoded).equals(body)).toBe(true);
    }
  });

  it('a result does not share memory with the next one', () => {
    const gzip = new ReusableGzip(LEVEL);
    const first = gzip.encode(text(2000));
    const copy = Buffer.from(first);
    gzip.encode(randomBytes(2000));
    expect(first.equals(copy)).toBe(true);
  });

  it('falls back to gzipSync when the output does not fit, and uses a new context afterwards', () => {
    let calls = 0;
    // The first body gets far too little room: the native write stops with its output buffer full.
    const gzip = new ReusableGzip(LEVEL, (length) => (calls++ === 0 ? 100 : gzipBound(length)));
    const random = randomBytes(8192);
    const gzipSyncSpy = vi.spyOn(zlib, 'gzipSync');
    const encoded = gzip.encode(random);
    expect(gzipSyncSpy).toHaveBeenCalledTimes(1);
    expect(encoded.equals(gzipSync(random, { level: LEVEL }))).toBe(true);
    gzipSyncSpy.mockClear();
    const next = gzip.encode(text(3000));
    expect(gzipSyncSpy).not.toHaveBeenCalled();
    expect(next.equals(gzipSync(text(3000), { level: LEVEL }))).toBe(true);
  });
});

describe('gzipBound', () => {
  it('covers stored blocks and the gzip header and trailer', () => {
    for (const size of [0, 1, 100, 4096, 65_536, 1_000_000]) {
      expect(gzipBound(size)).toBeGreaterThanOrEqual(gzipSync(randomBytes(size), { level: LEVEL }).byteLength);
    }
  });
});

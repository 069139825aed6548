/**
 * The reusable encoders (reusable-gzip.ts, reusable-brotli.ts) exist because a zlib stream per response costs
 * far more than the compression itself: these pin that encoding body after body creates no stream and takes no
 * one-shot path. The bytes they produce are checked in test/unit/protocol/reusable-*.test.ts.
 */
import zlib from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ReusableBrotli } from '../../src/protocol/http11/reusable-brotli.js';
import { ReusableGzip } from '../../src/protocol/http11/reusable-gzip.js';

const text = (bytes: number): Buffer =>
  Buffer.from('the container maps the request to a servlet and streams its answer. '.repeat(bytes / 60 + 1).slice(0, bytes));

afterEach(() => {
  vi.restoreAllMocks();
});

describe('reusable encoders: one context for every body', () => {
  it('ReusableGzip keeps one deflate context: no zlib stream is created per body', () => {
    const gzip = new ReusableGzip(zlib.constants.Z_DEFAULT_COMPRESSION);
    gzip.encode(text(100));
    const createGzip = vi.spyOn(zlib, 'createGzip');
    const gzipSync = vi.spyOn(zlib, 'gzipSync');
    for (let i = 0; i < 20; i++) gzip.encode(text(1000 + i));
    expect(createGzip).not.toHaveBeenCalled();
    expect(gzipSync).not.toHaveBeenCalled();
  });

  it('ReusableBrotli keeps one encoder: no brotli stream is created per body', () => {
    const brotli = new ReusableBrotli(4);
    brotli.encode(text(100));
    const create = vi.spyOn(zlib, 'createBrotliCompress');
    const sync = vi.spyOn(zlib, 'brotliCompressSync');
    for (let i = 0; i < 20; i++) brotli.encode(text(1000 + i));
    expect(create).not.toHaveBeenCalled();
    expect(sync).not.toHaveBeenCalled();
  });
});

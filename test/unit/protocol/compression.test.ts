import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  compressionConfigFrom,
  compressWhole,
  createEncoder,
  decideCompression,
  negotiateCoding,
  type CompressionAttributes,
  type CompressionConfig,
} from '../../../src/protocol/http11/compression.js';
import { defaultsOf } from '../../../src/config/attribute-values.js';

/** The Connector's compression attributes: the table's defaults with these written. */
const attributes = (written: Partial<CompressionAttributes>): CompressionAttributes => ({
  ...defaultsOf('Connector', { protocol: 'http11' }),
  ...written,
});

const on = compressionConfigFrom(attributes({ compression: 'on', compressionMinSize: 2048 })) as CompressionConfig;
const browser = { acceptEncoding: 'gzip, deflate, br', userAgent: 'Mozilla/5.0' };

describe('negotiateCoding (RFC 9110 §12.5.3)', () => {
  it.each([
    [undefined, null],
    ['', null],
    ['gzip', 'gzip'],
    ['x-gzip', 'gzip'],
    ['br', 'br'],
    ['gzip, br', 'br'],
    ['gzip;q=1, br;q=0.5', 'gzip'],
    ['br;q=0, gzip;q=0.1', 'gzip'],
    ['gzip;q=0, br;q=0', null],
    ['*', 'br'],
    ['*;q=0.5, br;q=0', 'gzip'],
    ['identity', null],
    ['deflate', null],
    ['GZIP ; Q=0.8', 'gzip'],
    ['gzip;q=2', null],
    ['gzip;q=abc', null],
    ['gzip;q=0.1234', null],
    ['gzip;level=1;q=0.5, br;q=0.4', 'gzip'],
    ['gzip;qux=0, br;q=0.9', 'gzip'],
    [' br ; q = 0.7 ,\tgzip;q=0.7', 'br'],
    ['br;q=0.5, br;q=0', null],
    ['x-gzip;q=1., *;q=0.2', 'gzip'],
  ])('%j → %s', (header, expected) => {
    expect(negotiateCoding(header)).toBe(expected);
  });
});

describe('compressionConfigFrom', () => {
  it('off, on, force and a number (= on with that minimum size)', () => {
    expect(compressionConfigFrom(attributes({ compression: 'off' }))).toBeNull();
    expect(compressionConfigFrom(attributes({}))).toBeNull();
    expect(compressionConfigFrom(attributes({ compression: 'on' }))).toMatchObject({ force: false, minSize: 2048 });
    expect(compressionConfigFrom(attributes({ compression: 'force' }))).toMatchObject({ force: true });
    expect(compressionConfigFrom(attributes({ compression: '512' }))).toMatchObject({ force: false, minSize: 512 });
    expect(compressionConfigFrom(attributes({ compression: 'on', compressibleMimeType: 'text/html, image/*' }))?.mimeTypes).toEqual([
      'text/html',
      'image/*',
    ]);
  });
});

describe('decideCompression', () => {
  const text = (length: number, extra: Array<[string, string]> = []): Array<[string, string]> => [
    ['Content-Type', 'text/html;charset=UTF-8'],
    ['Content-Length', String(length)],
    ...extra,
  ];

  it('compresses an eligible body: no Content-Length, Content-Encoding and Vary added, strong ETag made weak', () => {
    const decision = decideCompression(on, browser, 200, text(5000, [['ETag', '"abc"']]));
    expect(decision.coding).toBe('br');
    expect(decision.headers).toEqual([
      ['Content-Type', 'text/html;charset=UTF-8'],
      ['ETag', 'W/"abc"'],
      ['Vary', 'Accept-Encoding'],
      ['Content-Encoding', 'br'],
    ]);
  });

  it('below compressionMinSize, or a type not listed: unchanged, no Vary', () => {
    expect(decideCompression(on, browser, 200, text(100))).toEqual({ coding: null, headers: text(100) });
    const image: Array<[string, string]> = [
      ['Content-Type', 'image/png'],
      ['Content-Length', '5000'],
    ];
    expect(decideCompression(on, browser, 200, image).coding).toBeNull();
    expect(decideCompression(on, browser, 200, [['Content-Length', '5000']]).coding).toBeNull();
  });

  it('an unknown length (streamed body) is compressed', () => {
    expect(decideCompression(on, browser, 200, [['Content-Type', 'text/plain']]).coding).toBe('br');
  });

  it('never on ranges, already-encoded bodies or bodiless statuses', () => {
    expect(decideCompression(on, browser, 206, text(5000, [['Content-Range', 'bytes 0-4999/9000']])).coding).toBeNull();
    expect(decideCompression(on, browser, 200, text(5000, [['Content-Range', 'bytes 0-4999/9000']])).coding).toBeNull();
    expect(decideCompression(on, browser, 200, text(5000, [['Content-Encoding', 'gzip']])).headers).toEqual(
      text(5000, [['Content-Encoding', 'gzip']]),
    );
    expect(decideCompression(on, browser, 304, text(5000)).coding).toBeNull();
    expect(decideCompression(on, browser, 204, text(5000)).coding).toBeNull();
  });

  it('a client without a usable coding gets the body as is, but with Vary', () => {
    const decision = decideCompression(on, { acceptEncoding: undefined, userAgent: undefined }, 200, text(5000));
    expect(decision.coding).toBeNull();
    expect(decision.headers).toEqual(text(5000, [['Vary', 'Accept-Encoding']]));
  });

  it('an existing Vary is extended, not duplicated', () => {
    expect(decideCompression(on, browser, 200, text(5000, [['Vary', 'Cookie']])).headers).toContainEqual([
      'Vary',
      'Cookie, Accept-Encoding',
    ]);
    const already = decideCompression(on, browser, 200, text(5000, [['Vary', 'accept-encoding']])).headers;
    expect(already.filter(([name]) => name === 'Vary')).toEqual([['Vary', 'accept-encoding']]);
  });

  it('noCompressionUserAgents (a regular expression on the whole User-Agent) opts clients out', () => {
    const config = compressionConfigFrom(
      attributes({ compression: 'on', noCompressionUserAgents: 'gozilla|traviata' }),
    ) as CompressionConfig;
    expect(decideCompression(config, { acceptEncoding: 'gzip', userAgent: 'gozilla' }, 200, text(5000)).coding).toBeNull();
    expect(decideCompression(config, { acceptEncoding: 'gzip', userAgent: 'gozilla/2' }, 200, text(5000)).coding).toBe('gzip');
  });

  it('force ignores size and type but never encodes an empty body', () => {
    const force = compressionConfigFrom(attributes({ compression: 'force' })) as CompressionConfig;
    expect(
      decideCompression(force, browser, 200, [
        ['Content-Type', 'image/png'],
        ['Content-Length', '10'],
      ]).coding,
    ).toBe('br');
    expect(decideCompression(force, browser, 400, [['Content-Length', '0']]).coding).toBeNull();
  });
});

describe('createEncoder', () => {
  it.each([
    ['gzip', gunzipSync],
    ['br', brotliDecompressSync],
  ] as const)('%s round-trips', async (coding, decode) => {
    const encoder = createEncoder(coding);
    const chunks: Buffer[] = [];
    encoder.on('data', (chunk: Buffer) => chunks.push(chunk));
    const done = new Promise((resolve) => encoder.on('end', resolve));
    encoder.end(Buffer.from('hello '.repeat(1000)));
    await done;
    expect(decode(Buffer.concat(chunks)).toString()).toBe('hello '.repeat(1000));
  });
});

describe('compressWhole', () => {
  it.each([
    ['gzip', gunzipSync],
    ['br', brotliDecompressSync],
  ] as const)("%s round-trips in one call and matches the stream's size", async (coding, decode) => {
    const body = Buffer.from('hello '.repeat(1000));
    const whole = compressWhole(coding, body);
    expect(decode(whole).toString()).toBe(body.toString());
    const encoder = createEncoder(coding);
    const chunks: Buffer[] = [];
    encoder.on('data', (chunk: Buffer) => chunks.push(chunk));
    const done = new Promise((resolve) => encoder.on('end', resolve));
    encoder.end(body);
    await done;
    // Same level / quality as the stream: within a few bytes of its output.
    expect(Math.abs(whole.length - Buffer.concat(chunks).length)).toBeLessThan(16);
  });
});

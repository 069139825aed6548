/** Response compression on the wire (compression, compressionMinSize, compressibleMimeType, noCompressionUserAgents) and HEAD framing. */
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import type { Http11ConnectorConfig } from '../../../src/config/server-config.js';
import { RawHttpClient, type RawResponse } from '../../helpers/raw-http-client.js';
import { startTestServer, type TestServer } from './http11-harness.js';

const TEXT = 'The quick brown fox jumps over the lazy dog. ';
const names = (r: RawResponse): string[] =>
  r.headers.filter(([n]) => n.toLowerCase() !== 'date').map(([n, v]) => `${n.toLowerCase()}: ${v}`);

describe('HTTP/1.1 endpoint: compression', () => {
  let server: TestServer | undefined;
  const clients: RawHttpClient[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await server?.stop(0);
    server = undefined;
  });

  async function request(target: string, headers = '', method = 'GET'): Promise<RawResponse> {
    const client = await RawHttpClient.connect((server as TestServer).port);
    clients.push(client);
    await client.write(`${method} ${target} HTTP/1.1\r\nHost: localhost\r\n${headers}\r\n`);
    return client.readResponse({ noBody: method === 'HEAD' });
  }
  async function start(attributes: Partial<Http11ConnectorConfig>): Promise<void> {
    server = await startTestServer(attributes);
  }
  const expected = (size: number): string => TEXT.repeat(1 + size / 45).slice(0, size);

  it('gzip and brotli are negotiated by Accept-Encoding q-values; the body decodes to the original', async () => {
    await start({ compression: 'on' });
    const gzip = await request('/text?size=5000', 'Accept-Encoding: gzip;q=1, br;q=0.5\r\n');
    expect(gzip.header('content-encoding')).toBe('gzip');
    expect(gzip.header('vary')).toBe('Accept-Encoding');
    // A body of known length is encoded whole and sent with the encoded length.
    expect(gzip.header('content-length')).toBe(String(gzip.body.length));
    expect(gzip.header('transfer-encoding')).toBeUndefined();
    expect(gunzipSync(Buffer.from(gzip.body, 'latin1')).toString()).toBe(expected(5000));
    expect(gzip.body.length).toBeLessThan(1000);

    const br = await request('/text?size=5000', 'Accept-Encoding: gzip, deflate, br\r\n');
    expect(br.header('content-encoding')).toBe('br');
    expect(br.header('content-length')).toBe(String(br.body.length));
    expect(brotliDecompressSync(Buffer.from(br.body, 'latin1')).toString()).toBe(expected(5000));
  });

  it('unknown length, a long body or a producer slower than one turn: encoded as it streams, chunked', async () => {
    await start({ compression: 'on' });
    for (const target of ['/text?size=5000&chunked=1', '/text?size=200000', '/text?size=5000&slow=1']) {
      for (const [coding, decode] of [
        ['gzip', gunzipSync],
        ['br', brotliDecompressSync],
      ] as const) {
        const response = await request(target, `Accept-Encoding: ${coding}\r\n`);
        expect(response.header('content-encoding'), target).toBe(coding);
        expect(response.header('content-length'), target).toBeUndefined();
        expect(response.header('transfer-encoding'), target).toBe('chunked');
        const size = Number(/size=(\d+)/.exec(target)?.[1]);
        expect(decode(Buffer.from(response.body, 'latin1')).toString(), target).toBe(expected(size));
      }
    }
  });

  it('keep-alive: whole-body and streamed compressed responses follow each other on one connection', async () => {
    await start({ compression: 'on' });
    const client = await RawHttpClient.connect((server as TestServer).port);
    clients.push(client);
    for (const target of ['/text?size=5000', '/text?size=5000&slow=1', '/text?size=3000', '/text?size=100000']) {
      await client.write(`GET ${target} HTTP/1.1\r\nHost: localhost\r\nAccept-Encoding: gzip\r\n\r\n`);
      const response = await client.readResponse();
      expect(response.status, target).toBe(200);
      const size = Number(/size=(\d+)/.exec(target)?.[1]);
      expect(gunzipSync(Buffer.from(response.body, 'latin1')).toString(), target).toBe(expected(size));
    }
  });

  it('a streamed body of several MiB is compressed as it goes', async () => {
    await start({ compression: 'on' });
    const response = await request('/big?size=3000000', 'Accept-Encoding: gzip\r\n');
    expect(response.header('content-encoding')).toBe('gzip');
    const body = gunzipSync(Buffer.from(response.body, 'latin1'));
    expect(body.length).toBe(3_000_000);
    expect(body.every((byte) => byte === 0x78)).toBe(true);
  });

  it('left alone: compression off, no Accept-Encoding, small bodies, other types, ranges, encoded bodies', async () => {
    await start({ compression: 'off' });
    expect((await request('/text?size=5000', 'Accept-Encoding: gzip\r\n')).header('content-encoding')).toBeUndefined();
    await server?.stop(0);

    await start({ compression: 'on', compressionMinSize: 2048 });
    const plain = await request('/text?size=5000');
    expect(plain.header('content-encoding')).toBeUndefined();
    expect(plain.header('vary')).toBe('Accept-Encoding');
    expect(plain.body).toBe(expected(5000));
    const small = await request('/text?size=2047', 'Accept-Encoding: gzip\r\n');
    expect(small.header('content-encoding')).toBeUndefined();
    expect(small.header('content-length')).toBe('2047');
    expect((await request('/text?size=2048', 'Accept-Encoding: gzip\r\n')).header('content-encoding')).toBe('gzip');
    expect((await request('/text?size=5000&type=image/png', 'Accept-Encoding: gzip\r\n')).header('content-encoding')).toBeUndefined();
    const range = await request('/text?size=5000&status=206&h=Content-Range:bytes%200-4999/9000', 'Accept-Encoding: gzip\r\n');
    expect(range.header('content-encoding')).toBeUndefined();
    expect(range.body).toBe(expected(5000));
    const encoded = await request('/text?size=5000&h=Content-Encoding:identity-ish', 'Accept-Encoding: gzip\r\n');
    expect(encoded.header('content-encoding')).toBe('identity-ish');
    expect(encoded.body).toBe(expected(5000));
  });

  it('compressibleMimeType and noCompressionUserAgents are honoured', async () => {
    await start({ compression: 'on', compressibleMimeType: 'application/x-custom', noCompressionUserAgents: 'OldBrowser/.*' });
    expect((await request('/text?size=5000&type=application/x-custom', 'Accept-Encoding: gzip\r\n')).header('content-encoding')).toBe(
      'gzip',
    );
    expect((await request('/text?size=5000&type=text/plain', 'Accept-Encoding: gzip\r\n')).header('content-encoding')).toBeUndefined();
    const old = await request('/text?size=5000&type=application/x-custom', 'Accept-Encoding: gzip\r\nUser-Agent: OldBrowser/1.0\r\n');
    expect(old.header('content-encoding')).toBeUndefined();
    expect(old.header('vary')).toBe('Accept-Encoding');
  });

  it('a pattern that backtracks exponentially ((a|a)+$) runs in linear time: a hostile User-Agent cannot stall the loop', async () => {
    await start({ compression: 'on', noCompressionUserAgents: '(a|a)+$' });
    // With a backtracking engine these 35 bytes would hold the event loop for minutes (the test times out); the
    // linear-time engine (src/config/config-pattern.ts) answers at once, so the response simply arrives.
    const hostile = await request('/text?size=5000', `Accept-Encoding: gzip\r\nUser-Agent: ${'a'.repeat(34)}!\r\n`);
    expect(hostile.header('content-encoding')).toBe('gzip');
    const matching = await request('/text?size=5000', 'Accept-Encoding: gzip\r\nUser-Agent: aaaa\r\n');
    expect(matching.header('content-encoding')).toBeUndefined();
  });

  it('HEAD gets the same headers as GET, compressed or not, and no body', async () => {
    await start({ compression: 'on' });
    for (const [target, headers] of [
      ['/text?size=5000&chunked=1', 'Accept-Encoding: gzip\r\n'],
      ['/text?size=5000', ''],
      ['/text?size=100&chunked=1', ''],
    ] as const) {
      const getResponse = await request(target, headers);
      const head = await request(target, headers, 'HEAD');
      expect(names(head), target).toEqual(names(getResponse));
      expect(head.raw.endsWith('\r\n\r\n')).toBe(true);
    }
  });

  it('HEAD of a body GET would encode whole: the same headers but the encoded length, known only from the body', async () => {
    await start({ compression: 'on' });
    const getResponse = await request('/text?size=5000', 'Accept-Encoding: gzip\r\n');
    const head = await request('/text?size=5000', 'Accept-Encoding: gzip\r\n', 'HEAD');
    expect(getResponse.header('content-length')).toBe(String(getResponse.body.length));
    expect(head.header('content-length')).toBeUndefined();
    expect(head.header('transfer-encoding')).toBeUndefined();
    expect(names(head)).toEqual(names(getResponse).filter((line) => !line.startsWith('content-length:')));
    expect(head.raw.endsWith('\r\n\r\n')).toBe(true);
  });
});

/**
 * However the bytes of a request arrive (one segment, split at any byte, cut in many places), the response
 * is the same, and no input crashes the endpoint. Bounded: a fixed set of requests, every single split
 * point of each, then a few hundred random multi-splits and random byte strings.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawHttpClient, sleep } from '../helpers/raw-http-client.js';
import { get, startTestServer, type TestServer } from '../e2e/http11/http11-harness.js';

const H = 'Host: localhost\r\n';
const REQUESTS: readonly string[] = [
  get('/hello'),
  get('/hello') + get('/target?n=2'),
  `POST /echo HTTP/1.1\r\n${H}Content-Length: 11\r\n\r\nhello world`,
  `POST /echo HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-T: 1\r\n\r\n`,
  `GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n`,
  `OPTIONS * HTTP/1.1\r\n${H}\r\n`,
  `GET /hello HTTP/1.2\r\n${H}\r\n`,
  'GET /hello HTTP/1.1\nHost: x\n\n',
  `GET /te<st HTTP/1.1\r\n${H}\r\n`,
  `GET /hello HTTP/1.1\r\n${H}X: a\r\n b\r\n\r\n`,
  `POST /echo HTTP/1.1\r\n${H}Content-Length: 1\r\nContent-Length: 1\r\n\r\na`,
  `POST /echo HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n`,
  `POST /echo HTTP/1.1\r\n${H}Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n`,
  `POST /echo HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3;a=b=c\r\nabc\r\n0\r\n\r\n`,
  `POST /echo HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\nzz\r\n`,
  `TRACE /hello HTTP/1.1\r\n${H}\r\n`,
  `GET /hello HTTP/1.1\r\n${H}Expect: unknown\r\n\r\n`,
  'GET /hello HTTP/1.1\r\n\r\n',
];

/** The responses a connection received, without Date; plus whether the server closed it. */
async function exchange(port: number, pieces: readonly string[], responses: number): Promise<string> {
  const client = await RawHttpClient.connect(port);
  try {
    for (const piece of pieces) {
      await client.write(piece).catch(() => undefined);
      // A pause between pieces so that they reach the parser as separate reads.
      await sleep(1);
    }
    const seen: string[] = [];
    for (let i = 0; i < responses; i++) {
      const response = await client.readResponse({ timeoutMs: 3000, noBody: pieces.join('').startsWith('HEAD') });
      seen.push(response.raw.replace(/\r\nDate: [^\r]*/i, ''));
    }
    return seen.join('');
  } finally {
    client.close();
  }
}

function split(request: string, cuts: readonly number[]): string[] {
  const points = [...new Set(cuts.map((c) => c % (request.length + 1)))].sort((a, b) => a - b);
  const pieces: string[] = [];
  let last = 0;
  for (const point of points) {
    if (point > last) pieces.push(request.slice(last, point));
    last = Math.max(last, point);
  }
  pieces.push(request.slice(last));
  return pieces.filter((p) => p.length > 0);
}

describe('HTTP/1.1 endpoint: split-delivery fuzzing', () => {
  let server: TestServer;
  const baselines = new Map<string, { count: number; text: string }>();

  beforeAll(async () => {
    server = await startTestServer();
    for (const request of REQUESTS) {
      const count = request.startsWith(get('/hello') + get('/target')) ? 2 : 1;
      baselines.set(request, { count, text: await exchange(server.port, [request], count) });
    }
  });
  afterAll(async () => {
    await server.stop(0);
  });

  it('every single split point of every request gives the unsplit response', { timeout: 60_000 }, async () => {
    await Promise.all(
      REQUESTS.map(async (request) => {
        const baseline = baselines.get(request)!;
        for (let at = 1; at < request.length; at++) {
          const text = await exchange(server.port, [request.slice(0, at), request.slice(at)], baseline.count);
          expect(text, `${JSON.stringify(request)} split at ${at}`).toBe(baseline.text);
        }
      }),
    );
  });

  it('random multi-way splits give the unsplit response', { timeout: 60_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...REQUESTS), fc.array(fc.nat(), { minLength: 1, maxLength: 8 }), async (request, cuts) => {
        const baseline = baselines.get(request)!;
        expect(await exchange(server.port, split(request, cuts), baseline.count)).toBe(baseline.text);
      }),
      { numRuns: 150 },
    );
  });

  it('random bytes and mutated requests never crash the endpoint; it keeps serving', { timeout: 60_000 }, async () => {
    const mutated = fc.tuple(fc.constantFrom(...REQUESTS), fc.nat(), fc.integer({ min: 0, max: 255 })).map(([request, at, byte]) => {
      const index = at % request.length;
      return request.slice(0, index) + String.fromCharCode(byte) + request.slice(index + 1);
    });
    const garbage = fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString('latin1'));
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutated, garbage), fc.array(fc.nat(), { maxLength: 4 }), async (request, cuts) => {
        const client = await RawHttpClient.connect(server.port);
        try {
          for (const piece of split(request, cuts)) await client.write(piece).catch(() => undefined);
          await client.waitForData(20);
        } finally {
          client.close();
        }
      }),
      { numRuns: 300 },
    );
    const check = await RawHttpClient.connect(server.port);
    try {
      await check.write(get('/hello'));
      expect((await check.readResponse()).body).toBe('hello');
    } finally {
      check.close();
    }
  });
});

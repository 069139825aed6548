/**
 * The HTTP/1.1 parser on node:http's public server (the fallback of the binding parser): what node:http would
 * otherwise do on its own (answer Expect, refuse a missing Host, drop fields beyond 2000, end a connection
 * after an HTTP/1.0 response, stop at an Upgrade) must not happen; every message reaches the reader in order.
 * message-reader-splits.test.ts compares it with the binding parser event for event.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LlhttpParser, ParserEvents } from '../../../src/net/http-parser.js';
import { createPublicParser } from '../../../src/protocol/http11/public-parser.js';

const parsers: LlhttpParser[] = [];
afterEach(() => {
  for (const parser of parsers.splice(0)) parser.close();
});

/** Lets events a parser defers arrive: a few turns of the event loop. */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
}

interface Recorded {
  readonly parser: LlhttpParser;
  readonly lines: string[];
  /** The raw fields of each head. */
  readonly heads: string[][];
}

function recorder(maxHeaderSize = 8192, onHead?: (parser: LlhttpParser, target: string) => void): Recorded {
  const lines: string[] = [];
  const heads: string[][] = [];
  const events: ParserEvents = {
    onHeaders: (fields) => lines.push(`trailers ${fields.join(',')}`),
    onHeadersComplete: (major, minor, fields, method, url, upgrade, keepAlive) => {
      heads.push(fields ?? []);
      lines.push(`${method} ${url ?? ''} ${major}.${minor}${upgrade ? ' upgrade' : ''}${keepAlive ? '' : ' close'}`);
      onHead?.(parser, url ?? '');
    },
    onBody: (chunk) => lines.push(`body ${chunk.toString('latin1')}`),
    onMessageComplete: () => lines.push('complete'),
    onError: (error, packet) => lines.push(`error ${error.code}${packet === undefined ? '' : ' with packet'}`),
  };
  const parser = createPublicParser(maxHeaderSize, events);
  parsers.push(parser);
  return { parser, lines, heads };
}

async function parse(bytes: string, maxHeaderSize?: number): Promise<Recorded> {
  const recorded = recorder(maxHeaderSize);
  expect(recorded.parser.execute(Buffer.from(bytes, 'latin1'))).toBe(Buffer.byteLength(bytes, 'latin1'));
  await settle();
  return recorded;
}

const get = (target: string, extra = ''): string => `GET ${target} HTTP/1.1\r\nHost: x\r\n${extra}\r\n`;

describe('the public parser reports what node:http would otherwise handle itself', () => {
  it('Expect: 100-continue and an unknown expectation reach the reader as requests (node would answer 100 or 417)', async () => {
    const { lines } = await parse(get('/a', 'Expect: 100-continue\r\n') + get('/b', 'Expect: teapot\r\n'));
    expect(lines).toEqual(['GET /a 1.1', 'complete', 'GET /b 1.1', 'complete']);
  });

  it('a request without Host reaches the reader (node would answer 400 itself)', async () => {
    const { lines } = await parse('GET /no-host HTTP/1.1\r\n\r\n');
    expect(lines).toEqual(['GET /no-host 1.1', 'complete']);
  });

  it('every field of a head reaches the reader, beyond node:http default of 2000', async () => {
    const fields = Array.from({ length: 2500 }, (_, i) => `X-F${i}: ${i}\r\n`).join('');
    const { heads } = await parse(get('/many', fields), 1 << 20);
    expect(heads[0]).toHaveLength(2 * 2501);
    expect(heads[0]?.at(-1)).toBe('2499');
  });

  it('HTTP/1.0 requests with keep-alive, pipelined: all parsed (node would end the connection after the first response)', async () => {
    const old = (target: string): string => `GET ${target} HTTP/1.0\r\nConnection: keep-alive\r\n\r\n`;
    const { lines } = await parse(old('/1') + old('/2') + old('/3'));
    expect(lines).toEqual(['GET /1 1.0', 'complete', 'GET /2 1.0', 'complete', 'GET /3 1.0', 'complete']);
  });

  it('HTTP/1.0 requests with keep-alive, each in its own read after the last was answered: all parsed', async () => {
    const recorded = recorder();
    for (const target of ['/1', '/2', '/3']) {
      recorded.parser.execute(Buffer.from(`GET ${target} HTTP/1.0\r\nConnection: keep-alive\r\n\r\n`, 'latin1'));
      await settle();
    }
    expect(recorded.lines).toEqual(['GET /1 1.0', 'complete', 'GET /2 1.0', 'complete', 'GET /3 1.0', 'complete']);
  });

  it('a head above maxHeaderSize is HPE_HEADER_OVERFLOW, with the packet', async () => {
    const { lines } = await parse(get('/big', `X-Big: ${'v'.repeat(200)}\r\n`), 128);
    expect(lines).toEqual(['error HPE_HEADER_OVERFLOW with packet']);
  });

  it('the keep-alive verdict is llhttp’s: Connection: close, HTTP/1.0 without keep-alive', async () => {
    const { lines } = await parse(get('/a') + get('/b', 'Connection: close\r\n'));
    expect(lines).toEqual(['GET /a 1.1', 'complete', 'GET /b 1.1 close', 'complete']);
    expect((await parse('GET /old HTTP/1.0\r\n\r\n')).lines).toEqual(['GET /old 1.0 close', 'complete']);
  });
});

describe('Upgrade and CONNECT requests (no upgrade is offered: HTTP/1.1 goes on)', () => {
  const upgrade = 'Connection: upgrade\r\nUpgrade: websocket\r\n';

  it('an Upgrade request without a body, then requests: each reported, in order', async () => {
    const { lines } = await parse(get('/ws', upgrade) + get('/next') + get('/last'));
    expect(lines).toEqual(['GET /ws 1.1 upgrade', 'complete', 'GET /next 1.1', 'complete', 'GET /last 1.1', 'complete']);
  });

  it('an Upgrade request with a chunked body and trailers: decoded as its body, then the next request', async () => {
    const post = `POST /up HTTP/1.1\r\nHost: x\r\n${upgrade}Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\nX-T: 1\r\n\r\n`;
    const { lines } = await parse(post + get('/after'));
    expect(lines).toEqual(['POST /up 1.1 upgrade', 'body abcde', 'trailers X-T,1', 'complete', 'GET /after 1.1', 'complete']);
  });

  it('an Upgrade request with a Content-Length body cut into reads: the body as it comes, then the next request', async () => {
    const recorded = recorder();
    const head = `POST /up HTTP/1.1\r\nHost: x\r\n${upgrade}Content-Length: 6\r\n\r\n`;
    for (const piece of [`${head}ab`, 'cd', `ef${get('/after')}`]) {
      recorded.parser.execute(Buffer.from(piece, 'latin1'));
      await settle();
    }
    expect(recorded.lines).toEqual(['POST /up 1.1 upgrade', 'body ab', 'body cd', 'body ef', 'complete', 'GET /after 1.1', 'complete']);
  });

  it('a CONNECT request is reported as an upgrade, and what follows is parsed as HTTP/1.1', async () => {
    const { lines } = await parse(`CONNECT x:443 HTTP/1.1\r\nHost: x\r\n\r\n${get('/after')}\x00`);
    expect(lines).toEqual(['CONNECT x:443 1.1 upgrade', 'complete', 'GET /after 1.1', 'complete', 'error HPE_INVALID_METHOD with packet']);
  });
});

describe('the reader keeps control', () => {
  it('reportMessageComplete(false) from the head silences that message end (the binding parser does the same)', async () => {
    const recorded = recorder(8192, (parser, target) => parser.reportMessageComplete(target !== '/quiet'));
    recorded.parser.execute(Buffer.from(get('/quiet') + get('/loud'), 'latin1'));
    await settle();
    expect(recorded.lines).toEqual(['GET /quiet 1.1', 'GET /loud 1.1', 'complete']);
  });

  it('close() from inside a callback stops every later event', async () => {
    const recorded = recorder(8192, (parser, target) => {
      if (target === '/stop') parser.close();
    });
    recorded.parser.execute(Buffer.from(get('/a') + get('/stop') + get('/never'), 'latin1'));
    await settle();
    expect(recorded.lines).toEqual(['GET /a 1.1', 'complete', 'GET /stop 1.1']);
  });

  it('after a parse error nothing more is parsed or reported', async () => {
    const recorded = recorder();
    recorded.parser.execute(Buffer.from(`${get('/a')}BAD REQUEST LINE\r\n\r\n`, 'latin1'));
    recorded.parser.execute(Buffer.from(get('/b'), 'latin1'));
    await settle();
    expect(recorded.lines).toEqual(['GET /a 1.1', 'complete', 'error HPE_INVALID_METHOD with packet']);
  });

  it('a flood of pipelined requests does not make node:http hold parsing back for its unsent responses', async () => {
    const recorded = recorder();
    recorded.parser.execute(Buffer.from(Array.from({ length: 400 }, (_, i) => get(`/${i}`)).join(''), 'latin1'));
    recorded.parser.execute(Buffer.from(get('/next'), 'latin1'));
    // Parsed within execute(): node paused its stream only once its responses' unsent bytes passed the
    // stream's write high-water mark, which they never reach.
    expect(recorded.lines.filter((line) => line.startsWith('GET '))).toHaveLength(401);
    await settle();
    expect(recorded.lines.at(-2)).toBe('GET /next 1.1');
  });

  it('a large body in one read and a request right behind it, in the next read: reported whole and in order', async () => {
    const recorded = recorder();
    const body = 'b'.repeat(100_000);
    recorded.parser.execute(Buffer.from(`POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n${body}`, 'latin1'));
    recorded.parser.execute(Buffer.from(get('/next'), 'latin1'));
    await settle();
    const bodyBytes = recorded.lines
      .filter((line) => line.startsWith('body '))
      .map((line) => line.slice(5))
      .join('');
    expect(bodyBytes).toBe(body);
    expect(recorded.lines.filter((line) => !line.startsWith('body '))).toEqual(['POST /big 1.1', 'complete', 'GET /next 1.1', 'complete']);
  });
});

/**
 * MessageReader fed through onData: however a connection's bytes are split into reads (two pieces at every
 * split index, or one byte at a time), the sink sees the same requests, the same body bytes and completions,
 * and the same client error as when the bytes come in one read. What follows an Upgrade request is read as
 * HTTP/1.1 again: another request is parsed, garbage is refused (never a loop).
 *
 * Every case runs on both parsers, node's binding driven directly and node:http's public server (the fallback,
 * public-parser.ts), and both must give the same events.
 */
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HttpExchange } from '../../../src/protocol/http11/http-exchange.js';
import { systemClock } from '../../../src/net/system-clock.js';
import { Http11Connection } from '../../../src/protocol/http11/http11-connection.js';
import type { LlhttpParser } from '../../../src/protocol/http11/llhttp-parser.js';
import { MessageReader, type MessageSink } from '../../../src/protocol/http11/message-reader.js';
import { createPublicParser } from '../../../src/protocol/http11/public-parser.js';
import { RequestBody, type BodySource } from '../../../src/protocol/http11/request-body.js';

/** execute() calls allowed in the current feed (set by feed()); hoisted with the mock that reads it. */
const executeBudget = vi.hoisted(() => ({ left: Infinity }));
/** Which parser the reader gets: node's binding, or node:http's public server. */
const parserKind = vi.hoisted(() => ({ value: 'binding' }));

// A parser that spins on its input would hang this worker for good (a synchronous loop outlives any test
// timeout): a bound on execute() calls turns such a loop into a thrown error.
vi.mock('../../../src/protocol/http11/llhttp-parser.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../../src/protocol/http11/llhttp-parser.js')>();
  return {
    ...actual,
    createRequestParser: (...args: Parameters<typeof actual.createRequestParser>): LlhttpParser => {
      const parser = parserKind.value === 'public' ? createPublicParser(...args) : actual.createRequestParser(...args);
      const execute = parser.execute.bind(parser);
      parser.execute = (data: Buffer) => {
        if (--executeBudget.left < 0) throw new Error('the reader called execute() more often than the bytes fed allow: a loop');
        return execute(data);
      };
      return parser;
    },
  };
});

type ReaderEvent =
  | {
      readonly type: 'request';
      readonly method: string;
      readonly target: string;
      readonly version: string;
      readonly upgrade: boolean;
      readonly keepAlive: boolean;
      readonly fields: readonly string[];
    }
  | { readonly type: 'bodyComplete'; readonly body: string; readonly trailers: readonly string[] }
  | { readonly type: 'clientError'; readonly code: string; readonly inBody: boolean; readonly bodySoFar: string | null }
  /** After the last read: a body that never completed, with the bytes it got. */
  | { readonly type: 'unfinished'; readonly body: string };

const NO_FLOW_CONTROL: BodySource = { pauseBody: () => undefined, resumeBody: () => undefined };

/** What the processor takes from the head to decide on a body: Content-Length above 0, or Transfer-Encoding. */
function bodyOf(fields: readonly string[]): RequestBody | null {
  let contentLength: number | undefined;
  let transferEncoding = false;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const name = fields[i]!.toLowerCase();
    if (name === 'transfer-encoding') transferEncoding = true;
    if (name === 'content-length') contentLength = Number(fields[i + 1]);
  }
  if (transferEncoding) return new RequestBody(NO_FLOW_CONTROL, undefined);
  if (contentLength !== undefined && contentLength > 0) return new RequestBody(NO_FLOW_CONTROL, contentLength);
  return null;
}

/** The bytes the body has buffered (nobody else reads it). */
function drain(body: RequestBody): string {
  const chunks: Buffer[] = [];
  for (let chunk = body.read() as Buffer | null; chunk !== null; chunk = body.read() as Buffer | null) chunks.push(chunk);
  return Buffer.concat(chunks).toString('latin1');
}

const open: Array<{ socket: net.Socket; connection: Http11Connection }> = [];
afterEach(() => {
  for (const { socket, connection } of open.splice(0)) {
    connection.parser?.close();
    socket.destroy();
  }
});

/** Lets events a parser defers (the public one may) arrive: a few turns of the event loop. */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Feeds the pieces to a fresh reader, one onData per piece, and returns what its sink saw. */
async function feed(pieces: readonly Buffer[]): Promise<ReaderEvent[]> {
  // A real connection over a socket that is never connected: cork(), pause() and friends are harmless on it.
  const socket = new net.Socket();
  const connection = new Http11Connection('split-test', socket, systemClock);
  open.push({ socket, connection });
  const events: ReaderEvent[] = [];
  let body: RequestBody | null = null;
  const sink: MessageSink = {
    onRequest(_connection, major, minor, raw, method, target, upgrade, keepAlive) {
      events.push({ type: 'request', method, target, version: `${major}.${minor}`, upgrade, keepAlive, fields: [...raw] });
      // The processor ignores a CONNECT (answers it and stops reading): null is the reader's "ignored" path.
      if (method === 'CONNECT') return null;
      body = bodyOf(raw);
      return { requestBody: body } as unknown as HttpExchange;
    },
    onBodyComplete(_connection, exchange, completed) {
      expect(completed).toBe(exchange.requestBody);
      completed.complete();
      events.push({ type: 'bodyComplete', body: drain(completed), trailers: [...completed.rawTrailers] });
      body = null;
    },
    onClientError(errorConnection, error, _packet, inBody) {
      events.push({ type: 'clientError', code: error.code, inBody, bodySoFar: inBody && body !== null ? drain(body) : null });
      body = null;
      // As the processor does: nothing more is parsed on this connection.
      errorConnection.markRejected();
    },
  };
  const reader = new MessageReader(connection, 8192, sink);
  connection.parser = reader.parser;
  const bytes = pieces.reduce((sum, piece) => sum + piece.length, 0);
  // Each read is parsed in one execute() per message an Upgrade ends, at most one per byte.
  executeBudget.left = bytes + pieces.length + 1;
  try {
    for (const piece of pieces) {
      reader.onData(piece);
      await settle();
    }
  } finally {
    executeBudget.left = Infinity;
  }
  if (body !== null) events.push({ type: 'unfinished', body: drain(body) });
  return events;
}

/** One line per event, for checking a baseline's meaning. */
function summary(event: ReaderEvent): string {
  switch (event.type) {
    case 'request':
      return `${event.method} ${event.target}`;
    case 'bodyComplete':
      return `body ${JSON.stringify(event.body)}${event.trailers.length > 0 ? ` trailers ${event.trailers.join(',')}` : ''}`;
    case 'clientError':
      return `error ${event.code}${event.inBody ? ` in body after ${JSON.stringify(event.bodySoFar)}` : ''}`;
    case 'unfinished':
      return `unfinished ${JSON.stringify(event.body)}`;
  }
}

const H = 'Host: x\r\n';
const get = (target: string, extra = ''): string => `GET ${target} HTTP/1.1\r\n${H}${extra}\r\n`;
const post = (target: string, headers: string, body: string): string => `POST ${target} HTTP/1.1\r\n${H}${headers}\r\n${body}`;
const upgrade = (target: string): string => get(target, 'Connection: upgrade\r\nUpgrade: websocket\r\n');
const manyFields = Array.from({ length: 40 }, (_, i) => `X-F${i}: v${i}\r\n`).join('');

interface Case {
  readonly name: string;
  readonly bytes: string;
  /** What the unsplit feed must produce (summary lines). */
  readonly shape: readonly string[];
}

const CASES: readonly Case[] = [
  { name: 'get', bytes: get('/a'), shape: ['GET /a'] },
  {
    name: 'pipelined with a body',
    bytes: get('/a') + post('/b', 'Content-Length: 5\r\n', 'hello') + get('/c?q=1'),
    shape: ['GET /a', 'POST /b', 'body "hello"', 'GET /c?q=1'],
  },
  {
    name: 'chunked with extensions and trailers',
    bytes: post('/c', 'Transfer-Encoding: chunked\r\n', '5;a=b\r\nhello\r\n6;q="x y"\r\n world\r\n0\r\nX-T: 1\r\n\r\n') + get('/after'),
    shape: ['POST /c', 'body "hello world" trailers X-T,1', 'GET /after'],
  },
  {
    name: 'more fields than one parser batch, long target',
    bytes: get(`/long/${'p'.repeat(300)}?q=${'v'.repeat(200)}`, manyFields) + get('/next'),
    shape: [`GET /long/${'p'.repeat(300)}?q=${'v'.repeat(200)}`, 'GET /next'],
  },
  { name: 'empty lines before and between', bytes: `\r\n\r\n${get('/a')}\r\n${get('/b')}`, shape: ['GET /a', 'GET /b'] },
  { name: 'http/1.0', bytes: 'GET /old HTTP/1.0\r\nConnection: keep-alive\r\n\r\n', shape: ['GET /old'] },
  // llhttp numbers QUERY 46, past the methods node:http's method table lists before it.
  {
    name: 'a method late in llhttp’s numbering',
    bytes: `QUERY /q HTTP/1.1\r\n${H}\r\nPURGE /p HTTP/1.1\r\n${H}\r\n`,
    shape: ['QUERY /q', 'PURGE /p'],
  },
  { name: 'upgrade then a request', bytes: upgrade('/ws') + get('/next'), shape: ['GET /ws', 'GET /next'] },
  { name: 'upgrade then garbage', bytes: `${upgrade('/ws')}\x00\x01garbage\r\n\r\n`, shape: ['GET /ws', 'error HPE_INVALID_METHOD'] },
  { name: 'upgrade then a bad version', bytes: `${upgrade('/ws')}GET / HTTP/9.9\r\n\r\n`, shape: ['GET /ws', 'error HPE_INVALID_VERSION'] },
  {
    name: 'upgrade with a body then garbage',
    bytes: `${post('/up', 'Connection: Upgrade\r\nUpgrade: h2c\r\nContent-Length: 3\r\n', 'abc')}PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n`,
    shape: ['POST /up', 'body "abc"', 'error HPE_PAUSED_H2_UPGRADE'],
  },
  {
    name: 'two upgrades then garbage',
    bytes: `${upgrade('/1')}${upgrade('/2')}\x16\x03\x01`,
    shape: ['GET /1', 'GET /2', 'error HPE_INVALID_METHOD'],
  },
  {
    name: 'connect (ignored) then a request',
    bytes: `CONNECT x:443 HTTP/1.1\r\n${H}\r\n${get('/after')}`,
    shape: ['CONNECT x:443', 'GET /after'],
  },
  {
    name: 'bad chunk size after body bytes',
    bytes: post('/c', 'Transfer-Encoding: chunked\r\n', '5\r\nhello\r\nZZ\r\n'),
    shape: ['POST /c', 'error HPE_INVALID_CHUNK_SIZE in body after "hello"'],
  },
  {
    name: 'chunk size overflow',
    bytes: post('/c', 'Transfer-Encoding: chunked\r\n', 'FFFFFFFFFFFFFFFFF\r\nhello\r\n'),
    shape: ['POST /c', 'error HPE_INVALID_CHUNK_SIZE in body after ""'],
  },
  {
    name: 'content-length and chunked',
    bytes: post('/c', 'Content-Length: 5\r\nTransfer-Encoding: chunked\r\n', '0\r\n\r\n'),
    shape: ['error HPE_INVALID_TRANSFER_ENCODING'],
  },
  { name: 'bare LF head', bytes: 'GET /a HTTP/1.1\nHost: x\n\n', shape: ['error HPE_INVALID_VERSION'] },
  { name: 'garbage', bytes: '\x16\x03\x01\x00\xa5\x01\x00', shape: ['error HPE_INVALID_METHOD'] },
  { name: 'good request then garbage', bytes: `${get('/a')}\x00\x00`, shape: ['GET /a', 'error HPE_INVALID_METHOD'] },
  { name: 'body cut short', bytes: post('/p', 'Content-Length: 10\r\n', 'abc'), shape: ['POST /p', 'unfinished "abc"'] },
];

const bytesOf = (text: string): Buffer => Buffer.from(text, 'latin1');

describe.each(['binding', 'public'] as const)('MessageReader on the %s parser: split reads give the same events as one read', (kind) => {
  beforeEach(() => {
    parserKind.value = kind;
  });
  afterEach(() => {
    parserKind.value = 'binding';
  });

  it.each(CASES)('$name', async ({ bytes, shape }) => {
    const whole = bytesOf(bytes);
    const baseline = await feed([whole]);
    expect(baseline.map(summary)).toEqual(shape);
    for (let at = 1; at < whole.length; at++) {
      expect(await feed([whole.subarray(0, at), whole.subarray(at)]), `split at ${at}`).toEqual(baseline);
    }
    const bytewise = Array.from({ length: whole.length }, (_, i) => whole.subarray(i, i + 1));
    expect(await feed(bytewise), 'one byte at a time').toEqual(baseline);
  });
});

describe('both parsers give the same events', () => {
  afterEach(() => {
    parserKind.value = 'binding';
  });

  it.each(CASES)('$name', async ({ bytes }) => {
    parserKind.value = 'binding';
    const binding = await feed([bytesOf(bytes)]);
    parserKind.value = 'public';
    expect(await feed([bytesOf(bytes)])).toEqual(binding);
  });
});

/**
 * src/net/node-internals: each internal is checked on this Node before use, a failed check (or the environment)
 * sends its feature to the public path, and one log line per such feature says so, once per process.
 */
import net from 'node:net';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LlhttpParser, ParserEvents } from '../../../src/net/http-parser.js';
import {
  createBindingParser,
  INTERNALS_OFF_ENV,
  PUBLIC_HTTP_PARSER_ENV,
  refreshIdleTimer,
  reportNodeInternals,
  resetNodeInternalsForTests,
  skipReadAhead,
  usesNodeInternal,
  type NodeInternalFeature,
} from '../../../src/net/node-internals/index.js';
import { BindingParser, loadBinding } from '../../../src/net/node-internals/llhttp-binding.js';
import { checkBindingParser } from '../../../src/net/node-internals/llhttp-check.js';
import { checkEncoderHandles } from '../../../src/net/node-internals/zlib-handle.js';
import { createRequestParser } from '../../../src/protocol/http11/llhttp-parser.js';
import { ReusableBrotli } from '../../../src/protocol/http11/reusable-brotli.js';
import { ReusableGzip } from '../../../src/protocol/http11/reusable-gzip.js';

const FEATURES: readonly NodeInternalFeature[] = [
  'llhttp-binding',
  'parser-reads-socket',
  'socket-timer-refresh',
  'read-ahead',
  'zlib-handle',
  'tls-handle',
];

afterEach(() => {
  vi.unstubAllEnvs();
  resetNodeInternalsForTests();
});

/** A pino logger whose records land in an array. */
function recordingLogger(): { logger: pino.Logger; records: Array<Record<string, unknown>> } {
  const records: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => records.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, records };
}

/** How many read-ahead ticks (node's maybeReadMore_) a push into `stream` schedules. */
function readAheadTicks(stream: Readable): number {
  const original = process.nextTick;
  let count = 0;
  process.nextTick = ((callback: (...args: unknown[]) => void, ...args: unknown[]) => {
    if (callback.name === 'maybeReadMore_') count++;
    original(callback, ...args);
  }) as typeof process.nextTick;
  try {
    stream.push('x');
  } finally {
    process.nextTick = original;
  }
  return count;
}

const silentEvents: ParserEvents = {
  onHeaders: () => undefined,
  onHeadersComplete: () => undefined,
  onBody: () => undefined,
  onMessageComplete: () => undefined,
  onError: () => undefined,
};

describe('on the Node this project supports (package.json engines)', () => {
  it('every internal passes its check and is used; nothing is logged', () => {
    vi.stubEnv(PUBLIC_HTTP_PARSER_ENV, '');
    vi.stubEnv(INTERNALS_OFF_ENV, '');
    for (const feature of FEATURES) expect(usesNodeInternal(feature), feature).toBe(true);
    const { logger, records } = recordingLogger();
    expect(reportNodeInternals(logger)).toEqual([]);
    expect(records).toEqual([]);
    const parser = createRequestParser(8192, silentEvents);
    expect(parser).toBeInstanceOf(BindingParser);
    parser.close();
  });
});

describe('forcing the public paths', () => {
  it(`${PUBLIC_HTTP_PARSER_ENV}=1: the parser (and its socket reads) take the public path; one info line each, once`, () => {
    vi.stubEnv(PUBLIC_HTTP_PARSER_ENV, '1');
    const parser = createRequestParser(8192, silentEvents);
    expect(parser).not.toBeInstanceOf(BindingParser);
    expect(parser.continuesAfterUpgrade).toBe(true);
    parser.close();
    expect(createBindingParser(8192, silentEvents)).toBeNull();

    const { logger, records } = recordingLogger();
    expect(reportNodeInternals(logger)).toEqual(['llhttp-binding', 'parser-reads-socket']);
    expect(records.map((record) => [record['code'], record['feature'], record['level']])).toEqual([
      ['SV_MSG_NODE_INTERNAL_FALLBACK', 'llhttp-binding', 30],
      ['SV_MSG_NODE_INTERNAL_FALLBACK', 'parser-reads-socket', 30],
    ]);
    expect(records[0]?.['msg']).toMatch(/_http_common.*SERVAL_PUBLIC_HTTP_PARSER=1.*http\.Server/);
    // Once per process: the next connector to start logs nothing again.
    reportNodeInternals(logger);
    expect(records).toHaveLength(2);
  });

  it(`${INTERNALS_OFF_ENV}=zlib-handle: bodies are encoded by the *Sync functions, with the same bytes`, () => {
    vi.stubEnv(INTERNALS_OFF_ENV, 'zlib-handle');
    expect(usesNodeInternal('zlib-handle')).toBe(false);
    expect(usesNodeInternal('llhttp-binding')).toBe(true);
    const body = Buffer.from('compress me, '.repeat(500));
    const expected = zlib.gzipSync(body, { level: 6 });
    const gzipSync = vi.spyOn(zlib, 'gzipSync');
    expect(new ReusableGzip(6).encode(body).equals(expected)).toBe(true);
    // The encoder had no handle to drive: the public function did the work.
    expect(gzipSync).toHaveBeenCalledTimes(1);
    gzipSync.mockRestore();
    const brotli = new ReusableBrotli(4).encode(body);
    expect(zlib.brotliDecompressSync(brotli).equals(body)).toBe(true);
  });

  it(`${INTERNALS_OFF_ENV}=read-ahead: a stream keeps node's read-ahead tick`, () => {
    const used = new Readable({ read: () => undefined });
    skipReadAhead(used);
    expect(readAheadTicks(used)).toBe(0);
    resetNodeInternalsForTests();
    vi.stubEnv(INTERNALS_OFF_ENV, 'read-ahead');
    const kept = new Readable({ read: () => undefined });
    skipReadAhead(kept);
    expect(readAheadTicks(kept)).toBe(1);
    used.destroy();
    kept.destroy();
  });

  it(`${INTERNALS_OFF_ENV}=socket-timer-refresh: a read refreshes the idle timer by setting the same timeout again`, () => {
    vi.stubEnv(INTERNALS_OFF_ENV, 'socket-timer-refresh');
    const socket = new net.Socket();
    socket.setTimeout(30_000);
    const setTimeout = vi.spyOn(socket, 'setTimeout');
    refreshIdleTimer(socket);
    expect(setTimeout).toHaveBeenCalledWith(30_000);
    socket.setTimeout(0);
    setTimeout.mockClear();
    refreshIdleTimer(socket);
    expect(setTimeout).not.toHaveBeenCalled();
    socket.destroy();
  });

  it(`${INTERNALS_OFF_ENV}=all: every feature on its public path, each logged once as asked for`, () => {
    vi.stubEnv(INTERNALS_OFF_ENV, 'all');
    const { logger, records } = recordingLogger();
    expect(reportNodeInternals(logger)).toEqual(FEATURES);
    expect(records.map((record) => record['feature'])).toEqual(FEATURES);
    expect(records.every((record) => record['code'] === 'SV_MSG_NODE_INTERNAL_FALLBACK' && record['level'] === 30)).toBe(true);
  });
});

describe('the checks themselves', () => {
  const binding = loadBinding();
  const real = (max: number, events: ParserEvents): LlhttpParser => new BindingParser(binding, max, events);

  it('the parser check accepts the real binding', () => {
    expect(checkBindingParser(real)).toBeNull();
  });

  it('the parser check refuses a binding whose events differ (trailers lost, a wrong method, errors swallowed)', () => {
    const withoutTrailers = (max: number, events: ParserEvents): LlhttpParser =>
      real(max, { ...events, onHeaders: (fields, url) => (fields[0] === 'X-Trailer' ? undefined : events.onHeaders(fields, url)) });
    expect(checkBindingParser(withoutTrailers)).toMatch(/sample request/);

    const wrongMethod = (max: number, events: ParserEvents): LlhttpParser =>
      real(max, {
        ...events,
        onHeadersComplete: (major, minor, fields, _method, url, upgrade, keepAlive) =>
          events.onHeadersComplete(major, minor, fields, 'GET', url, upgrade, keepAlive),
      });
    expect(checkBindingParser(wrongMethod)).toMatch(/sample request/);

    const lenient = (max: number, events: ParserEvents): LlhttpParser => {
      const parser = real(max, events);
      return {
        continuesAfterUpgrade: false,
        execute: (data) => {
          const result = parser.execute(data);
          return typeof result === 'number' ? result : data.length;
        },
        reportMessageComplete: (report) => parser.reportMessageComplete(report),
        close: () => parser.close(),
      };
    };
    expect(checkBindingParser(lenient)).toMatch(/HPE_INVALID_HEADER_TOKEN/);
  });

  it('the parser check refuses a parser that reads past an Upgrade request (its errors would be hidden)', () => {
    const pastUpgrade = (max: number, events: ParserEvents): LlhttpParser => {
      const parser = real(max, events);
      return {
        continuesAfterUpgrade: false,
        execute: (data) => {
          const result = parser.execute(data);
          return typeof result === 'number' ? data.length : result;
        },
        reportMessageComplete: (report) => parser.reportMessageComplete(report),
        close: () => parser.close(),
      };
    };
    expect(checkBindingParser(pastUpgrade)).toMatch(/Upgrade/);
  });

  it('the zlib check compares handle-level gzip and brotli with the *Sync functions', () => {
    expect(checkEncoderHandles()).toBeNull();
  });
});

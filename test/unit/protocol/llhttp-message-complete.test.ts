import { afterEach, describe, expect, it } from 'vitest';
import { createRequestParser, reportMessageComplete, type LlhttpParser } from '../../../src/protocol/http11/llhttp-parser.js';

const parsers: LlhttpParser[] = [];
afterEach(() => {
  for (const parser of parsers.splice(0)) parser.close();
});

/** A parser recording heads and completions; `reportFor(target)` decides, in onHeadersComplete, whether that message reports its end. */
function recorder(reportFor: (target: string) => boolean): { parser: LlhttpParser; events: string[] } {
  const events: string[] = [];
  const parser: LlhttpParser = createRequestParser(8192, {
    onHeaders: () => undefined,
    onHeadersComplete: (_major, _minor, _fields, _method, url) => {
      events.push(`head ${url ?? ''}`);
      reportMessageComplete(parser, reportFor(url ?? ''));
    },
    onBody: (chunk) => events.push(`body ${chunk.toString('latin1')}`),
    onMessageComplete: () => events.push('complete'),
    onError: (error) => events.push(`error ${error.code}`),
  });
  parsers.push(parser);
  return { parser, events };
}

const get = (target: string): string => `GET ${target} HTTP/1.1\r\nHost: x\r\n\r\n`;
const post = (target: string, body: string): string =>
  `POST ${target} HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n${body}`;

describe('reportMessageComplete', () => {
  it('a new parser reports the end of every message', () => {
    const events: string[] = [];
    const parser = createRequestParser(8192, {
      onHeaders: () => undefined,
      onHeadersComplete: () => events.push('head'),
      onBody: () => undefined,
      onMessageComplete: () => events.push('complete'),
      onError: (error) => events.push(`error ${error.code}`),
    });
    parsers.push(parser);
    expect(parser.execute(Buffer.from(get('/a') + get('/b')))).toBe(get('/a').length * 2);
    expect(events).toEqual(['head', 'complete', 'head', 'complete']);
  });

  it('switched in onHeadersComplete, it applies to that very message, and can be switched back', () => {
    const { parser, events } = recorder((target) => target.startsWith('/body'));
    const bytes = get('/none') + post('/body1', 'abc') + get('/none2') + post('/body2', 'xy');
    expect(parser.execute(Buffer.from(bytes))).toBe(bytes.length);
    expect(events).toEqual(['head /none', 'head /body1', 'body abc', 'complete', 'head /none2', 'head /body2', 'body xy', 'complete']);
  });

  it('switched off, a body is still delivered and the next message still parsed', () => {
    const { parser, events } = recorder(() => false);
    const bytes = post('/p', 'hello') + get('/g');
    expect(parser.execute(Buffer.from(bytes))).toBe(bytes.length);
    expect(events).toEqual(['head /p', 'body hello', 'head /g']);
  });
});

/**
 * The startup check of the parser binding: sample requests parsed through it must give the events, counts and
 * errors the HTTP/1.1 reader relies on. Any difference (or a throw) sends the process to the public parser.
 */
import type { LlhttpError, LlhttpParser, ParserEvents } from '../http-parser.js';

type ParserFactory = (maxHeaderSize: number, events: ParserEvents) => LlhttpParser;

/**
 * Records every event as one line, gathering a head's fields and target across onHeaders calls as the reader
 * does (the binding hands them over in batches, or all through onHeaders once it has flushed a batch on this
 * connection); `onHead` runs inside onHeadersComplete.
 */
function recorder(onHead: (parser: LlhttpParser) => void = () => undefined): {
  events: ParserEvents;
  lines: string[];
  bind: (parser: LlhttpParser) => void;
} {
  const lines: string[] = [];
  let bound: LlhttpParser | undefined;
  let inBody = false;
  let pendingFields: string[] = [];
  let pendingUrl = '';
  return {
    lines,
    bind: (parser) => {
      bound = parser;
    },
    events: {
      onHeaders: (fields, url) => {
        if (inBody) {
          lines.push(`trailers ${JSON.stringify(fields)}`);
          return;
        }
        pendingFields.push(...fields);
        pendingUrl += url;
      },
      onHeadersComplete: (major, minor, fields, method, url, upgrade, keepAlive) => {
        const all = [...pendingFields, ...(fields ?? [])];
        const target = pendingUrl + (url ?? '');
        pendingFields = [];
        pendingUrl = '';
        inBody = true;
        lines.push(`head ${major}.${minor} ${method} ${target} ${JSON.stringify(all)} upgrade=${upgrade} keepAlive=${keepAlive}`);
        if (bound !== undefined) onHead(bound);
      },
      onBody: (chunk) => lines.push(`body ${chunk.toString('latin1')}`),
      onMessageComplete: () => {
        inBody = false;
        lines.push('complete');
      },
      onError: (error) => lines.push(`error ${error.code}`),
    },
  };
}

function parse(
  create: ParserFactory,
  maxHeaderSize: number,
  bytes: string,
  onHead?: (parser: LlhttpParser) => void,
): { result: number | LlhttpError; lines: string[] } {
  const { events, lines, bind } = recorder(onHead);
  const parser = create(maxHeaderSize, events);
  bind(parser);
  try {
    return { result: parser.execute(Buffer.from(bytes, 'latin1')), lines };
  } finally {
    parser.close();
  }
}

function same(actual: readonly string[], expected: readonly string[]): boolean {
  return actual.length === expected.length && actual.every((line, i) => line === expected[i]);
}

/** Returns why the binding cannot be used, or null when every sample gave what the reader expects. */
export function checkBindingParser(create: ParserFactory): string | null {
  const chunked = 'POST /check?q=1 HTTP/1.1\r\nHost: serval\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-Trailer: t\r\n\r\n';
  const old = 'GET /second HTTP/1.0\r\n\r\n';
  const first = parse(create, 8192, chunked + old);
  const expected = [
    'head 1.1 POST /check?q=1 ["Host","serval","Transfer-Encoding","chunked"] upgrade=false keepAlive=true',
    'body abc',
    'trailers ["X-Trailer","t"]',
    'complete',
    'head 1.0 GET /second [] upgrade=false keepAlive=false',
    'complete',
  ];
  if (first.result !== chunked.length + old.length || !same(first.lines, expected)) {
    return `a sample request gave ${JSON.stringify(first.lines)} (${String(first.result)})`;
  }

  const quiet = parse(create, 8192, 'GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n', (parser) =>
    parser.reportMessageComplete(false),
  );
  if (quiet.lines.filter((line) => line === 'complete').length !== 0 || quiet.lines.length !== 2) {
    return `reportMessageComplete(false) did not silence the message end: ${JSON.stringify(quiet.lines)}`;
  }

  const invalid = parse(create, 8192, 'GET / HTTP/1.1\r\nBad Header: x\r\n\r\n').result;
  if (typeof invalid === 'number' || invalid.code !== 'HPE_INVALID_HEADER_TOKEN') {
    return `an invalid header gave ${typeof invalid === 'number' ? invalid : invalid.code}, not HPE_INVALID_HEADER_TOKEN`;
  }
  const overflow = parse(create, 64, `GET / HTTP/1.1\r\nHost: x\r\nX-Long: ${'v'.repeat(100)}\r\n\r\n`).result;
  if (typeof overflow === 'number' || overflow.code !== 'HPE_HEADER_OVERFLOW') {
    return `a head above maxHeaderSize gave ${typeof overflow === 'number' ? overflow : overflow.code}, not HPE_HEADER_OVERFLOW`;
  }

  const upgrade = 'GET /ws HTTP/1.1\r\nHost: x\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n';
  const upgraded = parse(create, 8192, `${upgrade}GET /next HTTP/1.1\r\n\r\n`);
  if (upgraded.result !== upgrade.length || upgraded.lines[0]?.endsWith('upgrade=true keepAlive=true') !== true) {
    return `an Upgrade request was not reported as one, or parsing went past it: ${JSON.stringify(upgraded.lines)} (${String(upgraded.result)})`;
  }
  return null;
}

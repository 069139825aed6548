/**
 * Node's own HTTP/1.1 parser binding (llhttp, the parser behind node:http), driven directly instead of through
 * http.Server: the processor gets exactly the parse events and builds no IncomingMessage or ServerResponse
 * streams (architecture decision 1 keeps llhttp; measured in bench/RESULTS.md).
 *
 * `_http_common` is the internal module node:http takes the parser from; Node core means to stop exposing
 * the `_http_*` modules, and the callbacks live on numbered slots (kOnHeadersComplete…) whose meaning is not
 * a public contract. So it is only used after index.ts has checked it on a sample request, and
 * protocol/http11/public-parser.ts does the same work through public http.Server when it is not.
 */
import { METHODS } from 'node:http';
import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';
import { MAX_HEADER_SIZE, type LlhttpError, type LlhttpParser, type ParserEvents } from '../http-parser.js';

/** The libuv stream handle behind a net.Socket (`socket._handle`), as far as consuming it is concerned. */
interface StreamHandle {
  readonly isStreamBase?: boolean;
  /** Set while a parser reads this handle (node:http marks it the same way). */
  _consumed?: boolean;
}

interface ParserConstructor {
  new (): InternalParser;
  readonly REQUEST: number;
  readonly kOnHeaders: number;
  readonly kOnHeadersComplete: number;
  readonly kOnBody: number;
  readonly kOnMessageComplete: number;
  readonly kOnExecute: number;
  readonly kLenientNone: number;
}

interface InternalParser {
  initialize(type: number, resource: object, maxHeaderSize: number, lenient: number, connections: undefined): void;
  execute(data: Buffer): number | LlhttpError | undefined;
  finish(): number | LlhttpError | undefined;
  consume(handle: object): void;
  unconsume(): void;
  getCurrentBuffer(): Buffer;
  close(): void;
  free(): void;
  [slot: number]: unknown;
}

/** The parser binding and what this file derives from it. */
export interface BindingModule {
  readonly HTTPParser: ParserConstructor;
  /** llhttp's method numbers → names (the number the parser reports is an index here). */
  readonly methods: readonly string[];
}

/** Loads `_http_common`; throws (with the reason) when it is absent or lacks a piece used here. */
export function loadBinding(): BindingModule {
  const common = createRequire(__filename)('_http_common') as Partial<BindingModule> | undefined;
  const HTTPParser = common?.HTTPParser;
  if (typeof HTTPParser !== 'function') throw new Error('_http_common has no HTTPParser');
  for (const slot of [
    'REQUEST',
    'kOnHeaders',
    'kOnHeadersComplete',
    'kOnBody',
    'kOnMessageComplete',
    'kOnExecute',
    'kLenientNone',
  ] as const) {
    if (typeof HTTPParser[slot] !== 'number') throw new Error(`HTTPParser.${slot} is not a number`);
  }
  const prototype = HTTPParser.prototype as Record<string, unknown>;
  for (const method of ['initialize', 'execute', 'finish', 'close', 'free']) {
    if (typeof prototype[method] !== 'function') throw new Error(`HTTPParser.prototype.${method} is not a function`);
  }
  return { HTTPParser, methods: methodTable(HTTPParser) };
}

/**
 * llhttp's number for each method node:http supports (http.METHODS), learnt by parsing a request of each: the
 * binding reports methods by number, and `_http_common.methods` is not indexed by it (it leaves out the RTSP
 * methods and PRI, so QUERY, llhttp's 46, is not at 46: looked up there it read as no method at all).
 */
function methodTable(HTTPParser: ParserConstructor): string[] {
  const table: string[] = [];
  for (const name of METHODS) {
    const parser = new HTTPParser();
    let reported: unknown;
    try {
      parser.initialize(HTTPParser.REQUEST, {}, 8192, HTTPParser.kLenientNone, undefined);
      parser[HTTPParser.kOnHeaders] = () => undefined;
      parser[HTTPParser.kOnHeadersComplete] = (_major: number, _minor: number, _fields: unknown, method: unknown) => {
        reported = method;
        return 0;
      };
      parser[HTTPParser.kOnBody] = () => undefined;
      parser[HTTPParser.kOnMessageComplete] = () => undefined;
      parser.execute(Buffer.from(`${name} ${name === 'CONNECT' ? 'host:443' : '/'} HTTP/1.1\r\nHost: x\r\n\r\n`, 'latin1'));
    } finally {
      parser.close();
    }
    if (typeof reported !== 'number' || !Number.isInteger(reported) || reported < 0 || table[reported] !== undefined) {
      throw new Error(`the binding reported ${String(reported)} for method ${name}`);
    }
    table[reported] = name;
  }
  return table;
}

/** Whether parsers of this binding can read a socket's handle themselves (consumeSocket). */
export function canConsume(binding: BindingModule): string | null {
  const prototype = binding.HTTPParser.prototype as Record<string, unknown>;
  for (const method of ['consume', 'unconsume', 'getCurrentBuffer']) {
    if (typeof prototype[method] !== 'function') return `HTTPParser.prototype.${method} is not a function`;
  }
  return null;
}

/** One llhttp instance of the binding; `execute` returns the bytes consumed or the parse error. */
export class BindingParser implements LlhttpParser {
  readonly continuesAfterUpgrade = false;
  readonly #binding: BindingModule;
  readonly #parser: InternalParser;
  /** The onMessageComplete callback, kept while the binding is not asked to call it. */
  readonly #onMessageComplete: () => void;

  /** A strict (no lenient flags) request parser calling `events`; maxHeaderSize bounds the head in bytes. */
  constructor(binding: BindingModule, maxHeaderSize: number, events: ParserEvents) {
    this.#binding = binding;
    const HTTPParser = binding.HTTPParser;
    const methods = binding.methods;
    const parser = new HTTPParser();
    parser.initialize(HTTPParser.REQUEST, {}, Math.min(maxHeaderSize, MAX_HEADER_SIZE), HTTPParser.kLenientNone, undefined);
    parser[HTTPParser.kOnHeaders] = (fields: string[], url: string) => events.onHeaders(fields, url);
    parser[HTTPParser.kOnHeadersComplete] = (
      versionMajor: number,
      versionMinor: number,
      fields: string[] | undefined,
      method: number,
      url: string | undefined,
      _statusCode: unknown,
      _statusMessage: unknown,
      upgrade: boolean,
      shouldKeepAlive: boolean,
    ) => {
      events.onHeadersComplete(versionMajor, versionMinor, fields, methods[method] ?? '', url, upgrade, shouldKeepAlive);
      // 0: the body, if any, follows as the head's framing says (llhttp decides; nothing to skip).
      return 0;
    };
    parser[HTTPParser.kOnBody] = (chunk: Buffer) => events.onBody(chunk);
    this.#onMessageComplete = () => events.onMessageComplete();
    parser[HTTPParser.kOnMessageComplete] = this.#onMessageComplete;
    parser[HTTPParser.kOnExecute] = () => undefined;
    this.#parser = parser;
  }

  execute(data: Buffer): number | LlhttpError {
    // The binding returns undefined only when a callback threw, which ours never do on purpose.
    return this.#parser.execute(data) ?? 0;
  }

  finish(): number | LlhttpError | undefined {
    return this.#parser.finish();
  }

  /** The binding looks the callback up when the message ends, so a switch from onHeadersComplete applies to that message. */
  reportMessageComplete(report: boolean): void {
    this.#parser[this.#binding.HTTPParser.kOnMessageComplete] = report ? this.#onMessageComplete : undefined;
  }

  close(): void {
    this.#parser.close();
  }

  free(): void {
    this.#parser.free();
  }

  /** Stops reading the stream handle given to consumeSocket (a no-op when it reads none). */
  unconsume(): void {
    this.#parser.unconsume();
  }

  /** A copy of the bytes of the read being executed; only valid inside consumeSocket's onExecute. */
  getCurrentBuffer(): Buffer {
    return this.#parser.getCurrentBuffer();
  }

  /**
   * Makes the parser read the socket's handle itself, as node:http does: each read goes from libuv straight
   * into llhttp, with no Buffer, 'data' event or Readable bookkeeping in between (a third of what a bare
   * llhttp hello server costs: 25.7k → 17.4k instructions per request, bench/RESULTS.md). After each read
   * `onExecute` gets what `execute` would have returned. End of stream and read errors still reach the socket
   * ('end', 'error'), but pause() no longer stops reading: releaseSocket() first.
   *
   * Returns false when the socket must be read through 'data' events instead: its handle is not a libuv
   * stream, something already consumes it, or bytes are already buffered in the socket (they would be skipped).
   */
  consumeSocket(socket: Readable, onExecute: (result: number | LlhttpError) => void): boolean {
    const handle = handleOf(socket);
    if (handle === null || handle.isStreamBase !== true || handle._consumed === true || socket.readableLength > 0) return false;
    this.#parser[this.#binding.HTTPParser.kOnExecute] = onExecute;
    handle._consumed = true;
    this.#parser.consume(handle);
    return true;
  }

  /** Gives the socket's reads back to the socket (its 'data' events); safe inside the parser's callbacks. */
  releaseSocket(socket: Readable): void {
    this.#parser.unconsume();
    const handle = handleOf(socket);
    if (handle !== null) handle._consumed = false;
  }
}

function handleOf(socket: Readable): StreamHandle | null {
  return (socket as unknown as { _handle?: StreamHandle | null })._handle ?? null;
}

/**
 * Typed access to node's own HTTP/1.1 parser binding (llhttp, the parser behind node:http), used directly
 * instead of through http.Server: the processor gets exactly the parse events and builds no IncomingMessage
 * or ServerResponse streams (architecture decision 1 keeps llhttp; measured in bench/RESULTS.md).
 *
 * `_http_common` is the module node:http itself takes the parser from; it is public in every Node release
 * this project supports (engines: node >= 20). Its callbacks live on numbered slots (kOnHeadersComplete…).
 */
import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';

/**
 * The parser's callbacks, in the order llhttp calls them for one message.
 *
 * No callback marks a message's first byte: the binding enters JavaScript for every callback that is set
 * (a callback scope and a function call, ~1.7k instructions per request at 1 KB, bench/RESULTS.md), and the
 * processor learns what it needs from the head and from each read instead. onMessageComplete is only called
 * while reportMessageComplete() asks for it, for the same reason: a request without a body is complete with
 * its head.
 */
export interface ParserEvents {
  /**
   * Header fields that did not fit the parser's batch of 32, delivered before onHeadersComplete; after the
   * head they carry the trailer section of a chunked body (RFC 9112 §7.1.2).
   */
  onHeaders(fields: string[], url: string): void;
  /** The head is complete. `fields` and `url` are empty when they came through onHeaders already. */
  onHeadersComplete(
    versionMajor: number,
    versionMinor: number,
    fields: string[] | undefined,
    method: number,
    url: string | undefined,
    upgrade: boolean,
    shouldKeepAlive: boolean,
  ): void;
  /** A piece of the body, decoded from its framing; the buffer is the parser's own copy. */
  onBody(chunk: Buffer): void;
  onMessageComplete(): void;
}

/** One llhttp instance; `execute` returns the bytes consumed or the parse error. */
export interface LlhttpParser {
  execute(data: Buffer): number | LlhttpError;
  finish(): number | LlhttpError | undefined;
  close(): void;
  free(): void;
  /** Stops reading the stream handle given to consumeSocket (a no-op when it reads none). */
  unconsume(): void;
  /** A copy of the bytes of the read being executed; only valid inside consumeSocket's onExecute. */
  getCurrentBuffer(): Buffer;
}

/** Where a parser keeps its onMessageComplete callback while the binding is not asked to call it. */
const MESSAGE_COMPLETE = Symbol('onMessageComplete');

/** A parse error as the binding reports it: llhttp's code (HPE_…) and reason. */
export interface LlhttpError extends Error {
  readonly code: string;
  readonly reason?: string;
  readonly bytesParsed?: number;
}

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

type InternalParser = LlhttpParser & {
  initialize(type: number, resource: object, maxHeaderSize: number, lenient: number, connections: undefined): void;
  consume(handle: object): void;
  [slot: number]: unknown;
  [MESSAGE_COMPLETE]: () => void;
};

const common = createRequire(__filename)('_http_common') as { HTTPParser: ParserConstructor; methods: readonly string[] };
const HTTPParser = common.HTTPParser;

/** llhttp's method numbers → names (the index the parser reports). */
export const METHOD_NAMES: readonly string[] = common.methods;

/** The largest header limit the binding accepts (an unsigned 32-bit count): "unlimited". */
export const MAX_HEADER_SIZE = 0x7fffffff;

/** A strict (no lenient flags) request parser calling `events`; maxHeaderSize bounds the head in bytes. */
export function createRequestParser(maxHeaderSize: number, events: ParserEvents): LlhttpParser {
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
    events.onHeadersComplete(versionMajor, versionMinor, fields, method, url, upgrade, shouldKeepAlive);
    // 0: the body, if any, follows as the head's framing says (llhttp decides; nothing to skip).
    return 0;
  };
  parser[HTTPParser.kOnBody] = (chunk: Buffer) => events.onBody(chunk);
  parser[MESSAGE_COMPLETE] = () => events.onMessageComplete();
  parser[HTTPParser.kOnMessageComplete] = parser[MESSAGE_COMPLETE];
  parser[HTTPParser.kOnExecute] = () => undefined;
  return parser;
}

/**
 * Whether the parser calls onMessageComplete (it does when created). Called from onHeadersComplete, it applies
 * to that message already: the binding looks the callback up when the message ends.
 */
export function reportMessageComplete(parser: LlhttpParser, report: boolean): void {
  const internal = parser as InternalParser;
  internal[HTTPParser.kOnMessageComplete] = report ? internal[MESSAGE_COMPLETE] : undefined;
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
export function consumeSocket(parser: LlhttpParser, socket: Readable, onExecute: (result: number | LlhttpError) => void): boolean {
  const handle = handleOf(socket);
  if (handle === null || handle.isStreamBase !== true || handle._consumed === true || socket.readableLength > 0) return false;
  const internal = parser as InternalParser;
  internal[HTTPParser.kOnExecute] = onExecute;
  handle._consumed = true;
  internal.consume(handle);
  return true;
}

/** Gives the socket's reads back to the socket (its 'data' events); safe inside the parser's callbacks. */
export function releaseSocket(parser: LlhttpParser, socket: Readable): void {
  parser.unconsume();
  const handle = handleOf(socket);
  if (handle !== null) handle._consumed = false;
}

function handleOf(socket: Readable): StreamHandle | null {
  return (socket as unknown as { _handle?: StreamHandle | null })._handle ?? null;
}

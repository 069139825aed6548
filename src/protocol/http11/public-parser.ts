/**
 * The HTTP/1.1 parser on public APIs only: a private node:http Server (never listening) parses each connection
 * through an in-memory stream handed to it with `emit('connection', stream)`. It is the same llhttp, strict, as
 * the binding parser (net/node-internals/llhttp-binding.ts), which is used instead whenever this Node's binding
 * passes its startup check; this one runs when it does not, or when SERVAL_PUBLIC_HTTP_PARSER=1 asks for it.
 *
 * node:http reports a connection's messages as objects: 'request' (an IncomingMessage carrying the head, whose
 * body and trailers follow through its stream), 'upgrade' / 'connect', and 'clientError' carrying llhttp's own
 * error (code HPE_…, reason, rawPacket). They are turned back into the reader's ParserEvents in byte order: a
 * message's buffered body, trailers and completion are delivered before anything that follows it. node:http also
 * builds a ServerResponse per request; it is ended at once and whatever it writes to the stream is discarded.
 *
 * Events usually come inside execute() (the stream delivers a push synchronously once it flows), but not always
 * (node:http pauses its stream under some conditions and resumes on a later tick): the reader relies on neither.
 */
import http from 'node:http';
import { Duplex } from 'node:stream';
import { MAX_HEADER_SIZE, type LlhttpError, type LlhttpParser, type ParserEvents } from '../../net/http-parser.js';

/**
 * The connection node:http parses: reads are what execute() pushes; writes (its ServerResponses) go nowhere.
 * Its write buffer never fills, so node never holds parsing back for unsent responses. node may end it after a
 * response framed to close; llhttp refuses any later byte on such a connection anyway (HPE_CLOSED_CONNECTION).
 */
class ParserStream extends Duplex {
  constructor() {
    super({ allowHalfOpen: true, writableHighWaterMark: 1 << 20 });
  }

  override _read(): void {}

  override _write(_chunk: unknown, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    done();
  }
}

/** One private http.Server per header limit; each only ever sees connections handed to it. */
const servers = new Map<number, http.Server>();

/** What each stream's parser reports to, looked up by the server's listeners. */
const parsers = new WeakMap<Duplex, PublicParser>();

function serverFor(maxHeaderSize: number): http.Server {
  const limit = Math.min(maxHeaderSize, MAX_HEADER_SIZE);
  let server = servers.get(limit);
  if (server !== undefined) return server;
  server = http.createServer({
    maxHeaderSize: limit,
    // Never lenient, whatever --insecure-http-parser says (the binding parser is created strict too).
    insecureHTTPParser: false,
    // The processor answers a missing Host itself (RFC 9112 §3.2), with its own response and log line.
    requireHostHeader: false,
    joinDuplicateHeaders: false,
    // No timers of node's own: the processor keeps every timeout (they only run on a listening server anyway).
    keepAliveTimeout: 0,
    requestTimeout: 0,
    headersTimeout: 0,
  });
  // Every field reaches rawHeaders (node keeps 2000 by default); maxHeaderCount is the processor's.
  server.maxHeadersCount = 0;
  server.on('request', (request: http.IncomingMessage, response: http.ServerResponse) => parserOf(request)?.onRequest(request, response));
  // Without these two, node would answer Expect itself (100 Continue, or 417) instead of reporting the request.
  server.on('checkContinue', (request: http.IncomingMessage, response: http.ServerResponse) =>
    parserOf(request)?.onRequest(request, response),
  );
  server.on('checkExpectation', (request: http.IncomingMessage, response: http.ServerResponse) =>
    parserOf(request)?.onRequest(request, response),
  );
  // With an 'upgrade' listener node stops at the end of an Upgrade head and hands over what follows; without
  // one it would parse on in a state that hides later errors (see PublicParser.onUpgrade).
  server.on('upgrade', (request: http.IncomingMessage, stream: Duplex, rest: Buffer) => parsers.get(stream)?.onUpgrade(request, rest));
  server.on('connect', (request: http.IncomingMessage, stream: Duplex, rest: Buffer) => parsers.get(stream)?.onUpgrade(request, rest));
  server.on('clientError', (error: Error, stream: Duplex) => parsers.get(stream)?.onClientError(error));
  servers.set(limit, server);
  return server;
}

function parserOf(request: http.IncomingMessage): PublicParser | undefined {
  return parsers.get(request.socket);
}

/** A parser on node:http's public server (see the top of this file). */
export function createPublicParser(maxHeaderSize: number, events: ParserEvents): LlhttpParser {
  return new PublicParser(serverFor(maxHeaderSize), events);
}

class PublicParser implements LlhttpParser {
  readonly continuesAfterUpgrade = true;
  readonly #server: http.Server;
  readonly #events: ParserEvents;
  #stream: ParserStream;
  /** The message whose body or end is still to be delivered; null between messages. */
  #current: http.IncomingMessage | null = null;
  /** The next message on the current stream carries the body of an Upgrade request (see onUpgrade). */
  #bodyOfUpgrade = false;
  #reportComplete = true;
  #failed = false;
  #closed = false;

  constructor(server: http.Server, events: ParserEvents) {
    this.#server = server;
    this.#events = events;
    this.#stream = this.#connect();
  }

  execute(data: Buffer): number {
    if (!this.#failed && !this.#closed) this.#stream.push(data);
    return data.length;
  }

  reportMessageComplete(report: boolean): void {
    this.#reportComplete = report;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#current = null;
    this.#stream.destroy();
  }

  /** A new stream handed to the server, parsed from its first byte by a fresh llhttp. */
  #connect(): ParserStream {
    const stream = new ParserStream();
    parsers.set(stream, this);
    this.#server.emit('connection', stream);
    // One read(0) ends the stream's initial "synchronous" state, so that later pushes reach node:http's 'data'
    // listener at once rather than on the next tick.
    stream.read(0);
    // Runs after node:http's own listener has parsed each read: the body it pushed is delivered now.
    stream.on('data', () => this.#pump());
    return stream;
  }

  onRequest(request: http.IncomingMessage, response: http.ServerResponse): void {
    // node:http's response is never used; ended at once, it writes into the stream and is forgotten.
    const keepAlive = response.shouldKeepAlive;
    response.end();
    if (this.#closed || this.#failed) return;
    this.#finishCurrent();
    if (this.#closed) return;
    this.#current = request;
    if (this.#bodyOfUpgrade) {
      // Not a request of the client's: the framing head made up for an Upgrade request's body (onUpgrade).
      this.#bodyOfUpgrade = false;
    } else {
      this.#events.onHeadersComplete(
        request.httpVersionMajor,
        request.httpVersionMinor,
        request.rawHeaders,
        request.method ?? '',
        request.url ?? '',
        false,
        keepAlive,
      );
    }
    // Reading marks the message as consumed, so node never discards its body unread ("dumps" it).
    this.#pump();
  }

  /**
   * An Upgrade (or CONNECT) request's head. No upgrade is offered, so it is an ordinary request whose
   * connection goes on in HTTP/1.1 (the binding parser's reader does the same with a fresh parser). node stops
   * at the end of the head and gives up the stream, with the bytes after the head in `rest`; they go to a new
   * stream. node does not read an Upgrade request's body: when the head frames one (RFC 9112 §6.3, as llhttp
   * decides: chunked, or a Content-Length above 0), the new stream starts with a made-up head of the same
   * framing (no Host: node:http is told not to require one), so that llhttp decodes the body exactly as it
   * would have, and that message's body and trailers are delivered as this request's.
   */
  onUpgrade(request: http.IncomingMessage, rest: Buffer): void {
    if (this.#closed || this.#failed) return;
    this.#finishCurrent();
    if (this.#closed) return;
    // node has let go of the stream; reads pushed after the one that ended the head may still wait in it.
    const retired = this.#stream;
    retired.removeAllListeners('data');
    parsers.delete(retired);
    const pending: Buffer[] = [rest];
    for (let chunk = retired.read() as Buffer | null; chunk !== null; chunk = retired.read() as Buffer | null) pending.push(chunk);
    retired.destroy();

    const raw = request.rawHeaders;
    const major = request.httpVersionMajor;
    const minor = request.httpVersionMinor;
    const framing = request.method === 'CONNECT' ? null : bodyFraming(raw);
    this.#stream = this.#connect();
    this.#events.onHeadersComplete(major, minor, raw, request.method ?? '', request.url ?? '', true, keepAliveOf(major, minor, raw));
    if (this.#closed) return;
    if (framing === null) {
      if (this.#reportComplete) this.#events.onMessageComplete();
    } else {
      this.#bodyOfUpgrade = true;
      this.#stream.push(Buffer.from(`POST / HTTP/1.1\r\n${framing}\r\n`, 'latin1'));
    }
    for (const chunk of pending) {
      if (this.#closed || this.#failed) return;
      if (chunk.length > 0) this.#stream.push(chunk);
    }
  }

  onClientError(error: Error): void {
    if (this.#closed || this.#failed) return;
    const code = (error as Partial<LlhttpError>).code;
    // Only llhttp's own errors describe the client's bytes; anything else would concern this private stream.
    if (typeof code !== 'string' || !code.startsWith('HPE_')) return;
    this.#failed = true;
    this.#finishCurrent();
    if (this.#closed) return;
    const packet = (error as { rawPacket?: unknown }).rawPacket;
    this.#events.onError(error as LlhttpError, Buffer.isBuffer(packet) ? packet : undefined);
  }

  /** Delivers the body node has buffered for the current message; if it is complete, its trailers and its end. */
  #pump(): void {
    const request = this.#current;
    if (request === null || this.#closed) return;
    for (let chunk = request.read() as Buffer | null; chunk !== null; chunk = request.read() as Buffer | null) {
      this.#events.onBody(chunk);
      if (this.#closed || this.#current !== request) return;
    }
    if (!request.complete) return;
    this.#current = null;
    const trailers = request.rawTrailers;
    if (trailers.length > 0) this.#events.onHeaders(trailers, '');
    if (this.#reportComplete && !this.#closed) this.#events.onMessageComplete();
  }

  /** The message before the one node reports now is complete: everything of it is delivered first. */
  #finishCurrent(): void {
    if (this.#current !== null) this.#pump();
  }
}

/**
 * The body framing llhttp gives a request head, as the header lines of a made-up head; null for none. llhttp
 * has already refused the heads it would not frame (Content-Length with Transfer-Encoding, `chunked` not last,
 * an invalid Content-Length), so what reaches here is either chunked (its last coding), a length, or nothing.
 */
function bodyFraming(raw: readonly string[]): string | null {
  let transferEncoding: string | undefined;
  let contentLength: string | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    const value = raw[i + 1] as string;
    if (name === 'transfer-encoding') transferEncoding = transferEncoding === undefined ? value : `${transferEncoding},${value}`;
    else if (name === 'content-length') contentLength = value.trim();
  }
  if (transferEncoding !== undefined) {
    const codings = transferEncoding.split(',').map((coding) => coding.trim().toLowerCase());
    return codings.filter((coding) => coding !== '').at(-1) === 'chunked' ? 'Transfer-Encoding: chunked\r\n' : null;
  }
  if (contentLength !== undefined && /^[0-9]+$/.test(contentLength) && Number(contentLength) > 0)
    return `Content-Length: ${contentLength}\r\n`;
  return null;
}

/**
 * llhttp's keep-alive verdict for a request (node:http gives it with the response, which an Upgrade request does
 * not get): HTTP/1.1 stays open unless a Connection token says `close`; HTTP/1.0 closes unless one says
 * `keep-alive` (RFC 9112 §9.3).
 */
function keepAliveOf(major: number, minor: number, raw: readonly string[]): boolean {
  let close = false;
  let keepAlive = false;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if ((raw[i] as string).toLowerCase() !== 'connection') continue;
    for (const token of (raw[i + 1] as string).split(',')) {
      const option = token.trim().toLowerCase();
      if (option === 'close') close = true;
      else if (option === 'keep-alive') keepAlive = true;
    }
  }
  return major > 0 && minor > 0 ? !close : keepAlive;
}

/**
 * MessageReader: one connection's requests as its llhttp parser reads them. It gathers a head's fields across
 * the parser's batches, hands the body and trailers to the exchange, and knows where each message begins and
 * ends without a message-begin callback (net/http-parser.ts says why there is none). What a message means is
 * the processor's business (MessageSink).
 *
 * The parser's events may come inside execute() or later (the public parser's may): nothing here assumes a
 * read's head is reported before execute() returns.
 */
import type { HttpExchange } from './http-exchange.js';
import type { Http11Connection } from './http11-connection.js';
import {
  createRequestParser,
  currentRead,
  reportMessageComplete,
  type LlhttpError,
  type LlhttpParser,
  type ParserEvents,
} from './llhttp-parser.js';
import type { RequestBody } from './request-body.js';

/** What the reader tells the processor. */
export interface MessageSink {
  /** A complete head: returns the exchange its body goes to, or null when the request is ignored. */
  onRequest(
    connection: Http11Connection,
    major: number,
    minor: number,
    raw: string[],
    method: string,
    target: string,
    upgrade: boolean,
    keepAlive: boolean,
    startedAtMs: number,
  ): HttpExchange | null;
  /**
   * The parser failed (malformed bytes, a head too large); `packet` is the read it failed in, when known.
   * `inBody`: the failure came after a complete head, in that request's body or trailer section.
   */
  onClientError(connection: Http11Connection, error: LlhttpError, packet: Buffer | undefined, inBody: boolean): void;
  /** The whole body of `exchange` has arrived, trailers included. */
  onBodyComplete(connection: Http11Connection, exchange: HttpExchange, body: RequestBody): void;
}

/** What a read that the parser neither consumed nor refused is reported as (see MessageReader.onData). */
const NO_PROGRESS: LlhttpError = Object.assign(new Error('The parser made no progress on the bytes read'), {
  code: 'HPE_NO_PROGRESS',
  reason: 'The parser made no progress on the bytes read',
});

export class MessageReader {
  readonly #connection: Http11Connection;
  readonly #sink: MessageSink;
  readonly #maxHeaderSize: number;
  readonly #events: ParserEvents;
  #parser: LlhttpParser;
  #fields: string[] = [];
  #url = '';
  /** The exchange whose body the parser is delivering; null when the request is being ignored. */
  #exchange: HttpExchange | null = null;
  #headComplete = false;
  #upgrade = false;
  /**
   * A request asking for an Upgrade was read to its end. llhttp then treats what follows as another protocol,
   * and node's binding stops reporting parse errors until a later head completes (its execute() returns a
   * byte count, possibly 0 or negative, instead of the error): a parser in that state would spin on garbage or
   * let a malformed request through. No upgrade is offered, so the next request is read by a fresh parser
   * (a parser that continuesAfterUpgrade does that itself).
   */
  #upgraded = false;
  /** A request head was completed by the read being parsed (see #afterRead). */
  #headInRead = false;
  /** Whether the parser calls onMessageComplete (reportMessageComplete); it does when created. */
  #reportsComplete = true;

  constructor(connection: Http11Connection, maxHeaderSize: number, sink: MessageSink) {
    this.#connection = connection;
    this.#sink = sink;
    this.#maxHeaderSize = maxHeaderSize;
    this.#events = {
      onHeaders: (fields, url) => this.#onHeaders(fields, url),
      onHeadersComplete: (major, minor, fields, method, url, upgrade, keepAlive) =>
        this.#onHeadersComplete(major, minor, fields, method, url, upgrade, keepAlive),
      onBody: (chunk) => {
        connection.cork();
        this.#exchange?.requestBody?.deliver(chunk);
      },
      onMessageComplete: () => this.#onMessageComplete(),
      onError: (error, packet) => {
        if (connection.parser !== null) this.#sink.onClientError(connection, error, packet, this.#headComplete);
      },
    };
    this.#parser = createRequestParser(maxHeaderSize, this.#events);
  }

  /** The parser reading this connection now (replaced after an Upgrade request, see #upgraded). */
  get parser(): LlhttpParser {
    return this.#parser;
  }

  /** A read the parser took from the socket's handle itself (consumeSocket) has been parsed. */
  onExecute(result: number | LlhttpError): void {
    const connection = this.#connection;
    const socket = connection.socket;
    const parser = connection.parser;
    if (parser === null) return;
    if (typeof result !== 'number') {
      this.#sink.onClientError(connection, result, currentRead(parser), this.#headComplete);
      return;
    }
    if (this.#upgraded) {
      // The rest of this read, if any, goes to a fresh parser, and later reads come through 'data' events:
      // this parser is inside its own read callback, and it reads the socket's handle.
      const read = currentRead(parser) ?? Buffer.alloc(0);
      connection.readThroughDataEvents();
      this.#replaceParser();
      if (result >= 0 && result < read.length && !connection.rejected && !socket.destroyed) {
        this.#headInRead = false;
        this.onData(read.subarray(result));
        return;
      }
    }
    // The read's bytes are copied out only when no head completed in it (a head trickling in: rare).
    this.#afterRead(() => (result > 0 ? currentRead(parser) : undefined));
    // No 'data' event refreshed the idle timer for this read. It is refreshed while a message stays open (a head
    // or a body still arriving); a request that came whole is answered, and the response's writes refresh it
    // (net.Socket does on every write). A refresh re-queues the timer: ~700 instructions per request.
    if (connection.inMessage) connection.clock.refreshIdle(socket);
  }

  /** A read that came through the socket's 'data' events. */
  onData(chunk: Buffer): void {
    const connection = this.#connection;
    if (connection.parser === null || connection.rejected) return;
    connection.cork();
    let data = chunk;
    for (;;) {
      const result = this.#parser.execute(data);
      if (typeof result !== 'number') {
        this.#sink.onClientError(connection, result, chunk, this.#headComplete);
        return;
      }
      if (this.#upgraded) this.#replaceParser();
      else if (result < data.length && result <= 0) {
        // A strict parser either consumes bytes or fails; a read that makes no progress would loop forever.
        this.#sink.onClientError(connection, NO_PROGRESS, chunk, this.#headComplete);
        return;
      }
      if (result >= data.length || connection.rejected || connection.socket.destroyed) break;
      data = data.subarray(result);
    }
    this.#afterRead(() => chunk);
  }

  /** After an Upgrade request: the next byte is read by a new strict parser (see #upgraded). */
  #replaceParser(): void {
    this.#upgraded = false;
    const retired = this.#parser;
    this.#parser = createRequestParser(this.#maxHeaderSize, this.#events);
    this.#reportsComplete = true;
    this.#connection.parser = this.#parser;
    // Freed once its own callback has returned: closing a parser inside its execute() frees it under the caller.
    setImmediate(() => retired.close());
  }

  #onHeaders(fields: string[], url: string): void {
    if (this.#headComplete) {
      // The trailer section of a chunked body.
      this.#exchange?.requestBody?.addTrailers(fields);
      return;
    }
    for (const field of fields) this.#fields.push(field);
    this.#url += url;
  }

  #onHeadersComplete(
    major: number,
    minor: number,
    fields: string[] | undefined,
    method: string,
    url: string | undefined,
    upgrade: boolean,
    keepAlive: boolean,
  ): void {
    const connection = this.#connection;
    // A parser whose events come in bursts may report heads that follow a rejection: nothing more is read.
    if (connection.rejected) return;
    // Responses produced while this read is parsed (pipelining, synchronous servlets) leave together.
    connection.cork();
    connection.inMessage = true;
    this.#headInRead = true;
    this.#headComplete = true;
    this.#upgrade = upgrade;
    // A head that began in an earlier read was noted then (#afterRead); one read brought this one whole.
    const startedAtMs = connection.headStartedAt !== 0 ? connection.headStartedAt : connection.clock.now();
    connection.headStartedAt = 0;
    const raw = fields === undefined || this.#fields.length > 0 ? [...this.#fields, ...(fields ?? [])] : fields;
    const target = url === undefined || this.#url !== '' ? this.#url + (url ?? '') : url;
    const exchange = this.#sink.onRequest(connection, major, minor, raw, method, target, upgrade, keepAlive, startedAtMs);
    // Without a body (no Content-Length above 0, no Transfer-Encoding) the message ends with its head: it is
    // completed here, and the parser need not call back for it.
    const bodiless = exchange !== null && exchange.requestBody === null && !upgrade;
    const parser = connection.parser;
    if (parser !== null && this.#reportsComplete === bodiless) {
      this.#reportsComplete = !bodiless;
      reportMessageComplete(parser, !bodiless);
    }
    if (bodiless) this.#messageDone();
    else this.#exchange = exchange;
  }

  #onMessageComplete(): void {
    const exchange = this.#exchange;
    this.#messageDone();
    const body = exchange?.requestBody;
    if (exchange === null || body === null || body === undefined) return;
    this.#sink.onBodyComplete(this.#connection, exchange, body);
  }

  /** The message being parsed is complete: the next byte begins another. */
  #messageDone(): void {
    this.#connection.inMessage = false;
    if (this.#fields.length > 0) this.#fields = [];
    this.#url = '';
    this.#exchange = null;
    this.#headComplete = false;
    if (this.#upgrade && !this.#parser.continuesAfterUpgrade) this.#upgraded = true;
  }

  /**
   * After each read: a read that completed no head and came while no message was open began a new one
   * (unless it held only the empty lines RFC 9112 §2.2 lets a client send between requests). From then on
   * the head is under the header timeout, and %t is this moment. A head that begins after another message
   * in the same read is noticed with the next read: until then the connection counts as idle, under
   * keepAliveTimeout.
   */
  #afterRead(read: () => Buffer | undefined): void {
    if (this.#headInRead) {
      this.#headInRead = false;
      return;
    }
    const connection = this.#connection;
    if (connection.inMessage || connection.rejected) return;
    const bytes = read();
    if (bytes === undefined || onlyLineBreaks(bytes)) return;
    connection.inMessage = true;
    connection.headStartedAt = connection.clock.now();
  }
}

/** Whether a read holds nothing but CR and LF: the empty lines a server ignores before a request line (RFC 9112 §2.2). */
function onlyLineBreaks(bytes: Buffer): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (byte !== 0x0d && byte !== 0x0a) return false;
  }
  return true;
}

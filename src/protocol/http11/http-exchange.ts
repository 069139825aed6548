/**
 * One HTTP/1.1 request and its response as a protocol-neutral Exchange, written straight to the connection:
 * the head is serialised here (RFC 9112 §4), the body framed by Content-Length or chunked (§6, §7.1) or by
 * closing (HTTP/1.0), compressed when negotiated; pipelined responses wait for their turn.
 * Long because it still holds every concern of the response (head, framing, pipelining order, compression,
 * 100-continue, body swallowing, write shaping): issue #19 asks for it to be split, and a first split cost 2.4 %
 * more instructions per request, so it waits for one that keeps the speed.
 */
import type { Readable } from 'node:stream';
import { ContainerError, type ProtocolError } from '../../errors/container-error.js';
import type { Exchange, FieldValidation, HeaderList } from '../exchange.js';
import { tlsInfoOf, type TlsInfo } from '../../net/tls-info.js';
import { CompressedBody, type CompressedBodyOutput } from './compressed-body.js';
import { applyCompression, WHOLE_BODY_MAX_BYTES, type CompressionConfig } from './compression.js';
import type { Http11Connection } from './http11-connection.js';
import { RequestBody } from './request-body.js';
import { isFieldName } from './field-name.js';
import { fieldBlock } from './field-block.js';
import { dateHeaderLine, headerLine, statusLine } from './response-head.js';

export interface ExchangeSettings {
  readonly scheme: 'http' | 'https';
  readonly secure: boolean;
  /** Value of `Keep-Alive: timeout=` sent when the client asked for keep-alive; undefined = no such header. */
  readonly keepAliveTimeoutSeconds: number | undefined;
  /** null = compression off. */
  readonly compression: CompressionConfig | null;
  /** continueResponseTiming=onRead: `100 Continue` waits until the application reads the body. */
  readonly continueOnRead: boolean;
  /** allowedTrailerHeaders, lower-case: request trailers outside it never reach the application. */
  readonly allowedTrailers: ReadonlySet<string>;
  /** Unread body bytes read and discarded after the response before the connection is given up. */
  readonly maxSwallowSize: number;
}

/** The processor's hooks, one object shared by every exchange (nothing is allocated per request). */
export interface ExchangeEvents {
  /** The client stopped taking response bytes (the connection's buffer is full). */
  writeStalled(connection: Http11Connection): void;
  /** The response finished or the connection closed under it; called once, in a microtask. */
  settled(connection: Http11Connection, exchange: HttpExchange): void;
}

/** The request head as the processor parsed and checked it. */
export interface RequestHead {
  readonly method: string;
  readonly target: string;
  readonly versionMinor: number;
  readonly rawHeaders: string[];
  /** llhttp's verdict from the version and the Connection field (RFC 9112 §9.3). */
  readonly shouldKeepAlive: boolean;
  /** The Connection field (repeated fields joined with ', '), undefined when absent. */
  readonly connection: string | undefined;
  readonly acceptEncoding: string | undefined;
  readonly userAgent: string | undefined;
  /** The request carries a body: Content-Length > 0 or chunked. */
  readonly hasBody: boolean;
  /** Content-Length of the body; undefined when chunked or absent. */
  readonly contentLength: number | undefined;
  /** The request carried `Expect: 100-continue` (HTTP/1.1 only; RFC 9110 §10.1.1). */
  readonly expectContinue: boolean;
  /** The clock's now() when the parser began this request's head (the processor reads the clock there anyway). */
  readonly startedAtMs: number;
}

export interface ExchangeOptions {
  /** maxKeepAliveRequests reached (or keep-alive disabled): this response is the connection's last. */
  readonly lastOnConnection: boolean;
  readonly events: ExchangeEvents;
}

type Framing = 'length' | 'chunked' | 'close' | 'none';

const KEEP_ALIVE_TOKEN = /(?:^|,)\s*keep-alive\s*(?:,|$)/i;
const CLOSE_TOKEN = /(?:^|,)\s*close\s*(?:,|$)/i;
const CRLF = '\r\n';
/**
 * Beside a body buffer, the head and the chunk framing go as bytes too: a writev of buffers only is passed to
 * libuv as it is, while one that mixes in strings makes node's binding read every element and its encoding
 * back through the V8 API and encode the strings into a separate allocation (100 KB response: ~3k
 * instructions, bench/RESULTS.md 2026-11-22 07:35).
 */
const CRLF_BYTES = Buffer.from(CRLF, 'latin1');
const LAST_CHUNK = '0\r\n\r\n';
const LAST_CHUNK_BYTES = Buffer.from(LAST_CHUNK, 'latin1');
const CONTINUE = 'HTTP/1.1 100 Continue\r\n\r\n';
/** A head and a body chunk up to this size leave as one buffer (one copy beats a second iovec). */
const COALESCE_MAX_BYTES = 16 * 1024;
/**
 * A response larger than one TCP segment of 64 KiB (the most one TSO/GSO send carries) leaves in two writes: the
 * head with the body up to this size, at once, then the rest. As one writev, the kernel's pacing (BBR on the
 * bench host) held the rest of most responses on connections younger than a few hundred responses behind a
 * timer interrupt, and its bandwidth estimate stayed low; as two writes the estimate rose tenfold and the timers
 * all but went (bench/RESULTS.md 2026-11-22 05:12: 0.4–0.6 → 0.02 timers per 100 KB response, +30% req/s). Servers
 * that sendfile (Tomcat, nginx) write a file's head and body in separate calls too.
 */
const FIRST_WRITE_BYTES = 64 * 1024;
/** Bytes a pipelined response may hold while waiting for its turn before its writer is told to wait. */
const QUEUED_HIGH_WATER = 64 * 1024;
const EMPTY = Buffer.alloc(0);
const SETTLED = Promise.resolve();

export class HttpExchange implements Exchange {
  /** The clock's hrtime() when the request head was complete. */
  readonly startTime: bigint;
  readonly settled: Promise<void>;
  readonly #head: RequestHead;
  /** The response fields were checked by the caller of writeHead (see Exchange.writeHead). */
  #fieldValidation: FieldValidation = 'unvalidated';
  readonly #connection: Http11Connection;
  readonly #settings: ExchangeSettings;
  readonly #options: ExchangeOptions;
  #body: RequestBody | null = null;
  #settle!: () => void;
  #done = false;
  /** Who waits to hear that the client went away (onAbort); null while nobody does, so a request costs nothing. */
  #abortListeners: Array<() => void> | null = null;
  #aborted = false;
  #ended = false;
  #hasBody = true;
  #headersSent = false;
  /** The serialised head, held until the first body bytes or the end so both leave in one write. */
  #pendingHead: string | null = null;
  #framing: Framing = 'none';
  /** HEAD where GET would be compressed whole: neither Content-Length nor chunked is announced. */
  #omitHeadLength = false;
  /** Content-Length framing: body bytes still allowed. */
  #remaining = 0;
  #bytesWritten = 0;
  #closeRequested = false;
  #committedClose: boolean | undefined;
  /** The processor answered on the application's behalf (e.g. 408): later calls from the adapter are dropped. */
  #takenOver = false;
  #drainWaiters: Array<() => void> = [];
  #continueSent = false;
  /** The body's compression, when negotiated. */
  #compressed: CompressedBody | null = null;
  /** The connection refused response bytes and has not drained since. */
  #stalled = false;
  /** Output produced before this response's turn (pipelining), in order. */
  #queue: Array<string | Uint8Array> | null = null;
  #queuedBytes = 0;
  /** All output, including the last bytes, has been produced (handed over or queued). */
  #outputEnded = false;
  /** Every byte of a Content-Length body went out with the completion callback: nothing more is written. */
  #lengthComplete = false;
  #afterFinish: (() => void) | null = null;

  constructor(head: RequestHead, connection: Http11Connection, settings: ExchangeSettings, options: ExchangeOptions) {
    this.startTime = connection.clock.hrtime();
    this.#head = head;
    this.#connection = connection;
    this.#settings = settings;
    this.#options = options;
    this.settled = new Promise((resolve) => {
      this.#settle = resolve;
    });
    if (head.hasBody) {
      this.#body = new RequestBody(connection, head.contentLength);
      if (head.expectContinue && settings.continueOnRead) this.#body.onFirstRead(() => this.sendContinue());
    }
  }

  get protocol(): string {
    return this.#head.versionMinor === 0 ? 'HTTP/1.0' : 'HTTP/1.1';
  }

  get method(): string {
    return this.#head.method;
  }

  get target(): string {
    return this.#head.target;
  }

  get startTimeMs(): number {
    return this.#head.startedAtMs;
  }

  get rawHeaders(): readonly string[] {
    return this.#head.rawHeaders;
  }

  get remoteAddress(): string {
    return this.#connection.remoteAddress;
  }

  get remotePort(): number {
    return this.#connection.remotePort;
  }

  get localAddress(): string {
    return this.#connection.localAddress;
  }

  get localPort(): number {
    return this.#connection.localPort;
  }

  get secure(): boolean {
    return this.#settings.secure;
  }

  get scheme(): 'http' | 'https' {
    return this.#settings.scheme;
  }

  get tls(): TlsInfo | undefined {
    return tlsInfoOf(this.#connection.socket);
  }

  get connectionId(): string {
    return this.#connection.id;
  }

  /** The body stream; a request without a body gets an ended one, made only when asked for. */
  get body(): Readable {
    this.#body ??= RequestBody.empty(this.#connection);
    return this.#body;
  }

  /** The parser's body bytes for this request (the processor feeds them). */
  get requestBody(): RequestBody | null {
    return this.#body;
  }

  get bodyBytesRead(): number {
    return this.#body?.bodyBytes ?? 0;
  }

  /** Request trailer fields listed in allowedTrailerHeaders, once the body has ended: name, value, … */
  get rawTrailers(): readonly string[] {
    const raw = this.#body?.rawTrailers ?? [];
    const allowed: string[] = [];
    for (let i = 0; i + 1 < raw.length; i += 2) {
      if (this.#settings.allowedTrailers.has((raw[i] as string).toLowerCase())) allowed.push(raw[i] as string, raw[i + 1] as string);
    }
    return allowed;
  }

  /** True while the connection holds response bytes the client has not taken. */
  get writeStalled(): boolean {
    return !this.#done && this.#stalled;
  }

  /** Sends the interim `100 Continue` once, and only before the final response (RFC 9110 §15.2.1). */
  sendContinue(): void {
    if (!this.#head.expectContinue || this.#continueSent || this.#done || this.#headersSent || this.bodyComplete) return;
    this.#continueSent = true;
    this.#send(CONTINUE);
  }

  /** True once the whole request body has arrived. */
  get bodyComplete(): boolean {
    return this.#body === null || this.#body.isComplete;
  }

  get headersSent(): boolean {
    return this.#headersSent;
  }

  get bytesWritten(): number {
    return this.#bytesWritten;
  }

  get aborted(): boolean {
    return this.#aborted;
  }

  /** True once the response finished or the connection closed under it. */
  get done(): boolean {
    return this.#done;
  }

  get willClose(): boolean {
    if (this.#closeRequested) return true;
    if (this.#committedClose !== undefined) return this.#committedClose;
    return this.#options.lastOnConnection || this.#connection.draining || !this.#head.shouldKeepAlive;
  }

  writeHead(status: number, reason: string | null, headers: HeaderList, fields: FieldValidation = 'unvalidated'): void {
    if (this.#takenOver || this.#done) return;
    if (this.#headersSent) throw new ContainerError('SV_ERR_RESPONSE_COMMITTED', { action: 'send the headers' });
    // A flat [name, value, …] list keeps repeated fields (Set-Cookie) as separate lines.
    const flat: string[] = [];
    for (let i = 0; i < headers.length; i++) {
      const [name, value] = headers[i] as readonly [string, string];
      // Connection management is the processor's (RFC 9112 §9): the application may only ask to close.
      if (name.length === 10) {
        if (isFieldName(name, 'connection', 'Connection')) {
          if (CLOSE_TOKEN.test(value)) this.#closeRequested = true;
          continue;
        }
        if (isFieldName(name, 'keep-alive', 'Keep-Alive')) continue;
      }
      flat.push(name, value);
    }
    // The client was told nothing about its body: it may send it now or never, so the stream cannot be
    // reused safely (RFC 9110 §10.1.1: the server must say whether it closes).
    if (this.#head.expectContinue && !this.#continueSent && !this.bodyComplete) this.#closeRequested = true;
    const bodiless = status === 204 || status === 304 || (status >= 100 && status < 200);
    this.#hasBody = !(this.#head.method === 'HEAD' || bodiless);
    this.#frame(status, flat, bodiless);
    // Validated before anything is committed, so a bad field reaches the caller as an error.
    this.#headersSent = true;
    try {
      const compressed = this.#compressed;
      this.#fieldValidation = fields;
      if (compressed !== null && compressed.holdingHead) {
        if (fields === 'unvalidated') for (let i = 0; i < flat.length; i += 2) headerLine(flat[i] as string, flat[i + 1] as string);
        compressed.holdHead(status, reason, flat);
        return;
      }
      this.#pendingHead = this.#serializeHead(status, reason, flat);
    } catch (error) {
      this.#headersSent = false;
      this.#compressed?.destroy();
      this.#compressed = null;
      throw error;
    }
  }

  /**
   * Compression and HEAD framing. A HEAD response gets exactly the headers its GET would (RFC 9110 §9.3.2):
   * the same compression decision and, where GET would be chunked, `Transfer-Encoding: chunked` too.
   */
  #frame(status: number, flat: string[], bodiless: boolean): void {
    const compression = this.#settings.compression;
    if (compression === null || bodiless) return;
    const { coding, contentLength } = applyCompression(compression, this.#head.acceptEncoding, this.#head.userAgent, status, flat);
    // A body of known, modest length is encoded in one call when it ends (see CompressedBody).
    const whole = coding !== null && contentLength !== null && contentLength <= WHOLE_BODY_MAX_BYTES;
    if (coding !== null && this.#hasBody) {
      this.#compressed = new CompressedBody(coding, whole, this.#compressionOutput());
    } else if (whole && this.#head.method === 'HEAD') {
      // Where GET would be encoded whole, its Content-Length exists only once the body is encoded, so HEAD
      // leaves it out (RFC 9110 §9.3.2 allows omitting fields determined while generating the content).
      this.#omitHeadLength = true;
    }
  }

  /** Status line, the fields, the framing and connection fields the processor owns, Date, the empty line. */
  #serializeHead(status: number, reason: string | null, flat: string[]): string {
    const fields = fieldBlock(flat, this.#fieldValidation === 'validated');
    let head = statusLine(status, reason) + fields.lines;
    const { contentLength, chunked, hasDate } = fields;
    const bodiless = status === 204 || status === 304 || (status >= 100 && status < 200);
    const http10 = this.#head.versionMinor === 0;
    let framing: Framing;
    let addChunked = false;
    if (bodiless || this.#omitHeadLength) {
      framing = 'none';
    } else if (contentLength !== undefined && !chunked) {
      framing = 'length';
      this.#remaining = Number(contentLength);
      if (!Number.isSafeInteger(this.#remaining) || this.#remaining < 0) {
        throw new ContainerError('SV_ERR_HTTP_INVALID_HEADER_VALUE', { name: 'Content-Length' });
      }
    } else if (!http10) {
      framing = 'chunked';
      addChunked = true;
    } else {
      // HTTP/1.0 has no chunked coding: the end of the body is the end of the connection (RFC 9112 §6.3).
      framing = this.#hasBody ? 'close' : 'none';
    }
    if (!this.#hasBody) {
      // HEAD keeps the framing fields its GET would have; no body follows in any case.
      this.#framing = 'none';
    } else {
      this.#framing = framing;
    }
    if (contentLength !== undefined && (framing === 'length' || (bodiless && !chunked)))
      head += headerLine('Content-Length', contentLength);
    if (framing === 'close') this.#closeRequested = true;
    const close = this.willClose;
    this.#committedClose = close;
    if (close) {
      head += 'Connection: close\r\n';
      this.#connection.markClosing();
    } else if (http10 || (this.#head.connection !== undefined && KEEP_ALIVE_TOKEN.test(this.#head.connection))) {
      // Only a client that asked for keep-alive is told about it, as Tomcat does.
      head += 'Connection: keep-alive\r\n';
      const seconds = this.#settings.keepAliveTimeoutSeconds;
      if (seconds !== undefined) head += `Keep-Alive: timeout=${seconds}\r\n`;
    }
    if (addChunked) head += 'Transfer-Encoding: chunked\r\n';
    if (!hasDate) head += dateHeaderLine();
    return head + CRLF;
  }

  /**
   * The exchange as a compressed body sees it (made once, only for compressed responses). Plain function
   * properties only: a getter in an object literal puts its closure into the object's hidden class, which V8
   * keeps outside the young generation, so every exchange stayed reachable from there until the next full
   * collection (bench/RESULTS.md 2026-11-22 03:53: 1.5 KB promoted per compressed response, a mark-compact
   * every second; none without the getter). test/unit/architecture/object-literals.test.ts keeps it that way.
   */
  #compressionOutput(): CompressedBodyOutput {
    return {
      commitHead: (status, reason, fields) => {
        this.#pendingHead = this.#serializeHead(status, reason, fields);
      },
      writeEncoded: (chunk) => this.#writeBody(chunk),
      drained: () => this.#wakeDrainWaiters(),
      fail: (error) => this.abort(error),
      isClosed: () => this.done,
    };
  }

  write(chunk: Uint8Array): boolean {
    if (this.#takenOver || this.#done || this.#ended) return true;
    if (!this.#headersSent) this.writeHead(200, null, []);
    const compressed = this.#compressed;
    if (compressed !== null) return compressed.write(chunk);
    return this.#writeBody(chunk);
  }

  /** Frames body bytes (with the pending head in front) and hands them on; false = wait for drain(). */
  #writeBody(chunk: Uint8Array): boolean {
    if (this.#lengthComplete) return !this.#stalled;
    let size = chunk.byteLength;
    switch (this.#framing) {
      case 'none':
        return this.#flushHead();
      case 'length':
        // Bytes beyond the declared length would be read as the next response: they are dropped.
        if (size > this.#remaining) {
          chunk = chunk.subarray(0, this.#remaining);
          size = chunk.byteLength;
        }
        this.#remaining -= size;
        break;
      case 'chunked':
        if (size === 0) return this.#flushHead();
        break;
      case 'close':
        break;
    }
    this.#bytesWritten += size;
    // The declared length is reached: the response is complete (Servlet 6.0 §5.6), and these bytes carry
    // the completion callback, so end() has nothing left to write (no empty write, no extra iovec).
    const last = this.#framing === 'length' && this.#remaining === 0;
    if (last) this.#lengthComplete = true;
    const prefix = this.#framing === 'chunked' ? `${this.#takeHead()}${size.toString(16)}\r\n` : this.#takeHead();
    const suffix = this.#framing === 'chunked' ? 2 : 0;
    if (prefix.length + size + suffix <= COALESCE_MAX_BYTES) {
      const buffer = Buffer.allocUnsafe(prefix.length + size + suffix);
      buffer.write(prefix, 0, 'latin1');
      buffer.set(chunk, prefix.length);
      if (suffix !== 0) buffer.write(CRLF, prefix.length + size, 'latin1');
      return this.#send(buffer, last);
    }
    if (prefix !== '') {
      const prefixBytes = Buffer.from(prefix, 'latin1');
      if (
        suffix === 0 &&
        prefix.length < FIRST_WRITE_BYTES &&
        prefix.length + size > FIRST_WRITE_BYTES &&
        this.#connection.isWriter(this)
      ) {
        const first = FIRST_WRITE_BYTES - prefix.length;
        this.#send(prefixBytes);
        this.#send(chunk.subarray(0, first));
        this.#connection.flushCorked();
        chunk = chunk.subarray(first);
      } else {
        this.#send(prefixBytes);
      }
    }
    const accepted = this.#send(chunk, last);
    return suffix !== 0 ? this.#send(CRLF_BYTES) && accepted : accepted;
  }

  #takeHead(): string {
    const head = this.#pendingHead;
    if (head === null) return '';
    this.#pendingHead = null;
    return head;
  }

  #flushHead(): boolean {
    const head = this.#takeHead();
    return head === '' ? !this.#stalled : this.#send(head);
  }

  /** Hands bytes to the socket when it is this response's turn, else keeps them in order. */
  #send(data: string | Uint8Array, last = false): boolean {
    const connection = this.#connection;
    if (!connection.isWriter(this)) {
      (this.#queue ??= []).push(data);
      this.#queuedBytes += data.length;
      if (last) this.#outputEnded = true;
      return this.#queuedBytes < QUEUED_HIGH_WATER;
    }
    const socket = connection.socket;
    if (socket.destroyed) return true;
    connection.cork();
    let accepted: boolean;
    if (last) {
      this.#outputEnded = true;
      accepted = typeof data === 'string' ? socket.write(data, 'latin1') : socket.write(data);
      connection.afterWrites(this);
      connection.outputDone(this);
    } else {
      accepted = typeof data === 'string' ? socket.write(data, 'latin1') : socket.write(data);
    }
    if (!accepted) this.#stall();
    return accepted;
  }

  /** The socket handed this response's last bytes to the kernel (Http11Connection.afterWrites). */
  outputWritten(): void {
    this.#finish(false);
  }

  /** Every response before this one went out: the queued output follows now. */
  takeTurn(): void {
    const queue = this.#queue;
    this.#queue = null;
    this.#queuedBytes = 0;
    const ended = this.#outputEnded;
    this.#outputEnded = false;
    if (this.#done) return;
    if (queue !== null) {
      for (let i = 0; i < queue.length; i++) this.#send(queue[i] as string | Uint8Array, ended && i === queue.length - 1);
    }
    this.#wakeDrainWaiters();
  }

  #stall(): void {
    if (this.#stalled) return;
    this.#stalled = true;
    this.#connection.socket.once('drain', () => {
      this.#stalled = false;
      this.#compressed?.resume();
      this.#wakeDrainWaiters();
    });
    this.#options.events.writeStalled(this.#connection);
  }

  drain(): Promise<void> {
    if (this.#done) return Promise.resolve();
    const compressed = this.#compressed;
    const blocked = compressed !== null ? compressed.needsDrain : this.#stalled || this.#queuedBytes >= QUEUED_HIGH_WATER;
    if (!blocked) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  end(trailers?: HeaderList): Promise<void> {
    // A Content-Length body may have completed (and settled) before end(): an unread request body is
    // still to be swallowed then, so the connection can carry the next request.
    if (this.#takenOver || this.#ended || (this.#done && !this.#lengthComplete)) return this.settled;
    if (!this.#headersSent) this.writeHead(200, null, []);
    this.#ended = true;
    const hasTrailers = trailers !== undefined && trailers.length > 0;
    let trailerBlock = '';
    if (hasTrailers) {
      // Checked before anything more is written: a bad trailer fails the caller, not the wire.
      for (const [name, value] of trailers) trailerBlock += headerLine(name, value);
    }
    this.#swallowUnreadBody();
    const finish = (): void => {
      if (this.#done) return;
      this.#sendLast(trailerBlock);
    };
    const compressed = this.#compressed;
    if (compressed === null) finish();
    else compressed.end(hasTrailers, finish);
    return this.settled;
  }

  /** The end of the body: the last chunk and trailers, or nothing; a short fixed-length body closes. */
  #sendLast(trailerBlock: string): void {
    if (this.#lengthComplete) return;
    const head = this.#takeHead();
    switch (this.#framing) {
      case 'chunked':
        // Trailer fields follow the last chunk (RFC 9112 §7.1.2). After body chunks it is bytes too (CRLF_BYTES).
        if (trailerBlock === '' && head === '') this.#send(LAST_CHUNK_BYTES, true);
        else this.#send(trailerBlock === '' ? head + LAST_CHUNK : `${head}0\r\n${trailerBlock}\r\n`, true);
        return;
      case 'length':
        if (this.#remaining > 0) {
          // Fewer bytes than declared: the client would wait for the rest forever; only closing ends it.
          this.#closeRequested = true;
          this.#committedClose = true;
          this.#connection.markClosing();
        }
        break;
      case 'close':
      case 'none':
        break;
    }
    this.#send(head === '' ? EMPTY : head, true);
  }

  /**
   * A body nobody read is read here and thrown away so the connection can carry the next request; the
   * connection is given up beyond maxSwallowSize (Tomcat's swallow limit).
   */
  #swallowUnreadBody(): void {
    const body = this.#body;
    if (body === null || body.isComplete || body.destroyed || body.listenerCount('data') > 0) return;
    const remaining = body.bodyBytesRemaining;
    // A known rest too large to be worth reading: the processor closes instead (see #onExchangeDone).
    if (remaining !== undefined && remaining > this.#settings.maxSwallowSize) return;
    body.swallow(this.#settings.maxSwallowSize, () => this.#connection.destroy());
  }

  /** An explicit flush by the application: held bytes and a compressor's pending block go out now. */
  flush(): void {
    const compressed = this.#compressed;
    if (compressed !== null && !this.#ended) compressed.flush();
    if (this.#headersSent && !(compressed?.holdingHead ?? false) && !this.#ended) this.#flushHead();
  }

  get ended(): boolean {
    return this.#ended || this.#takenOver;
  }

  closeAfterResponse(): void {
    this.#closeRequested = true;
    if (this.#headersSent) this.#connection.markClosing();
  }

  abort(error?: Error): void {
    if (this.#done) return;
    this.#aborted = true;
    this.#connection.destroy(error);
  }

  /** Answers with a bodiless status (and `Connection: close` unless told to keep) on the adapter's behalf; false when too late. */
  respondAndClose(status: number, keepConnection = false, headers: HeaderList = []): boolean {
    if (this.#done || this.#headersSent) return false;
    if (!keepConnection) this.closeAfterResponse();
    this.writeHead(status, null, [...headers, ['Content-Length', '0']]);
    this.#ended = true;
    if (keepConnection) this.#swallowUnreadBody();
    this.#sendLast('');
    return true;
  }

  /**
   * The client stopped sending the body for connectionTimeout (or its framing broke): answer with the
   * error's status if nothing was sent, then fail the body stream so an application waiting on it sees it.
   */
  failBody(error: ProtocolError): void {
    if (this.#done) return;
    const answered = !this.#ended && this.respondAndClose(error.status ?? 408);
    this.#takenOver = true;
    if (answered) {
      this.#afterFinish = () => this.#body?.destroy(error);
    } else {
      this.abort(error);
      this.#body?.destroy(error);
    }
  }

  onAbort(listener: () => void): () => void {
    if (this.#done) {
      if (this.#aborted) listener();
      return () => undefined;
    }
    (this.#abortListeners ??= []).push(listener);
    return () => {
      const listeners = this.#abortListeners;
      const index = listeners?.indexOf(listener) ?? -1;
      if (index >= 0) listeners!.splice(index, 1);
    };
  }

  /** The connection closed before this response could finish (including responses still queued behind others). */
  connectionClosed(): void {
    const body = this.#body;
    if (body !== null && !body.isComplete && !body.destroyed) {
      body.destroy(new ContainerError('SV_ERR_HTTP_CLIENT_ABORT', { protocol: this.protocol, connectionId: this.connectionId }));
    }
    this.#finish(true);
  }

  #finish(aborted: boolean): void {
    if (this.#done) return;
    this.#done = true;
    this.#queue = null;
    if (aborted) {
      this.#aborted = true;
      this.#compressed?.destroy();
    }
    const abortListeners = this.#abortListeners;
    if (abortListeners !== null) {
      this.#abortListeners = null;
      if (aborted) for (const listener of abortListeners) listener();
    }
    this.#wakeDrainWaiters();
    const after = this.#afterFinish;
    if (after !== null) {
      this.#afterFinish = null;
      after();
    }
    // Queued before the promise reactions, so the processor is done with the connection before the
    // adapter continues (the order a `settled.then` registered at construction had). A reaction on a
    // settled promise is the same microtask as queueMicrotask without its async-hooks wrapper.
    void SETTLED.then(() => this.#options.events.settled(this.#connection, this));
    this.#settle();
  }

  #wakeDrainWaiters(): void {
    const waiters = this.#drainWaiters;
    if (waiters.length === 0) return;
    this.#drainWaiters = [];
    for (const wake of waiters) wake();
  }
}

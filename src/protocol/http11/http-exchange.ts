/**
 * One HTTP/1.1 request and its response as a protocol-neutral Exchange: the lifecycle (one state field), the
 * request side (body, 100-continue, swallowing an unread body) and the decisions only the exchange can make
 * (connection persistence, compression). Each concern of the response lives in a file of its own:
 * - response-head.ts: the head on the wire (RFC 9112 §4), field-block.ts: the application's fields;
 * - body-framing.ts: Content-Length, chunked, close-delimited or no body (RFC 9112 §6, §7), a strategy per kind;
 *   compressed-body.ts sits in front of one when compression is negotiated;
 * - write-shaping.ts: how framed bytes are cut into socket writes;
 * - response-output.ts: pipelined responses leave in request order (RFC 9112 §9.3.2), and flow control.
 * Long because what is left is mostly the Exchange interface's two dozen accessors.
 */
import type { Readable } from 'node:stream';
import { ContainerError, type ProtocolError } from '../../errors/container-error.js';
import type { Exchange, FieldValidation, HeaderList } from '../exchange.js';
import { tlsInfoOf, type TlsInfo } from '../../net/tls-info.js';
import { announcedFraming, bodyFraming, isBodilessStatus, NO_BODY, type BodyFraming, type LengthField } from './body-framing.js';
import { CompressedBody, type CompressedBodyOutput } from './compressed-body.js';
import { applyCompression, WHOLE_BODY_MAX_BYTES, type CompressionConfig } from './compression.js';
import type { Http11Connection } from './http11-connection.js';
import { RequestBody } from './request-body.js';
import { isFieldName } from './field-name.js';
import { fieldBlock } from './field-block.js';
import { headerLine, serializeResponseHead, type ConnectionField } from './response-head.js';
import { ResponseOutput, type OutputOwner } from './response-output.js';
import { writeFramed, writeLast } from './write-shaping.js';

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

/** A connection whose exchanges are HttpExchanges: the processor's and the message reader's view. */
export type ExchangeConnection = Http11Connection<HttpExchange>;

/** The processor's hooks, one object shared by every exchange (nothing is allocated per request). */
export interface ExchangeEvents {
  /** The client stopped taking response bytes (the connection's buffer is full). */
  writeStalled(connection: ExchangeConnection): void;
  /** The response finished or the connection closed under it; called once, in a microtask. */
  settled(connection: ExchangeConnection, exchange: HttpExchange): void;
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
  /** Date.now() when the parser began this request's head (the processor reads the clock there anyway). */
  readonly startedAtMs: number;
}

export interface ExchangeOptions {
  /** maxKeepAliveRequests reached (or keep-alive disabled): this response is the connection's last. */
  readonly lastOnConnection: boolean;
  readonly events: ExchangeEvents;
}

/**
 * The exchange's lifecycle. The head is committed by the first writeHead/write/end; a Content-Length body can
 * be complete on the wire (and the exchange settled) before the application calls end().
 *
 *   head-pending ─→ streaming ─→ ending ─────────────→ complete
 *                       │          └→ answered ───────↗ (the processor answered for the application: failBody)
 *                       └→ written ─(end)───────────→ complete
 *   any unsettled ─(abort)→ aborting ─(socket closed)→ aborted;  any unsettled ─(socket closed)→ aborted
 */
type ExchangeState =
  /** Nothing committed: writeHead may still be called, `100 Continue` may still be sent. */
  | 'head-pending'
  /** The head is committed (it may still wait in front of the first body bytes): the body is being written. */
  | 'streaming'
  /** end() was called, or a bodiless answer given: the last bytes are produced or on their way. */
  | 'ending'
  /** The processor answered on the application's behalf (e.g. 408): the application's later calls are dropped. */
  | 'answered'
  /** abort() was called: the connection is being destroyed; the exchange settles when it has closed. */
  | 'aborting'
  /** Settled: a Content-Length body went out in full before end(); end() only swallows the unread request body. */
  | 'written'
  /** Settled: the response's last byte was handed to the kernel. */
  | 'complete'
  /** Settled: the connection closed before the response was complete. */
  | 'aborted';

/** `Expect: 100-continue` (RFC 9110 §10.1.1): whether the interim response is owed, or was sent. */
type ContinueState = 'not-expected' | 'owed' | 'sent';

/**
 * Whether the connection outlives this response (RFC 9112 §9.3, §9.6): undecided until the head is committed,
 * then what the head said; 'close' also when asked to close at any time (closeAfterResponse, a short body).
 */
type Persistence = 'undecided' | 'keep' | 'close';

/** How an answer given on the application's behalf leaves the connection. */
export type AfterAnswer = 'close' | 'reuse';

/** How the socket's writes for the response ended. */
type Outcome = 'written' | 'closed';

const KEEP_ALIVE_TOKEN = /(?:^|,)\s*keep-alive\s*(?:,|$)/i;
const CLOSE_TOKEN = /(?:^|,)\s*close\s*(?:,|$)/i;
const CONTINUE = 'HTTP/1.1 100 Continue\r\n\r\n';
const SETTLED = Promise.resolve();

export class HttpExchange implements Exchange, OutputOwner {
  readonly startTime = process.hrtime.bigint();
  readonly settled: Promise<void>;
  readonly #request: RequestHead;
  readonly #connection: ExchangeConnection;
  readonly #settings: ExchangeSettings;
  readonly #options: ExchangeOptions;
  readonly #output: ResponseOutput;
  #state: ExchangeState = 'head-pending';
  #continue: ContinueState;
  #persistence: Persistence = 'undecided';
  #body: RequestBody | null = null;
  #settle!: () => void;
  /** Set when the head is committed. */
  #framing: BodyFraming = NO_BODY;
  /** The serialised head, held until the first body bytes or the end so both leave in one write. */
  #pendingHead: string | null = null;
  /** Whether the response fields still need checking (see Exchange.writeHead), for a head a compressor holds. */
  #fieldValidation: FieldValidation = 'unvalidated';
  #bytesWritten = 0;
  /** The body's compression, when negotiated. */
  #compressed: CompressedBody | null = null;
  /** Runs once settled (failBody fails the request body only after its answer went out). */
  #afterFinish: (() => void) | null = null;

  constructor(request: RequestHead, connection: ExchangeConnection, settings: ExchangeSettings, options: ExchangeOptions) {
    this.#request = request;
    this.#connection = connection;
    this.#settings = settings;
    this.#options = options;
    this.#output = new ResponseOutput(connection, this);
    this.#continue = request.expectContinue ? 'owed' : 'not-expected';
    this.settled = new Promise((resolve) => {
      this.#settle = resolve;
    });
    if (request.hasBody) {
      this.#body = new RequestBody(connection, request.contentLength);
      if (request.expectContinue && settings.continueOnRead) this.#body.onFirstRead(() => this.sendContinue());
    }
  }

  get protocol(): string {
    return this.#request.versionMinor === 0 ? 'HTTP/1.0' : 'HTTP/1.1';
  }

  get method(): string {
    return this.#request.method;
  }

  get target(): string {
    return this.#request.target;
  }

  get startTimeMs(): number {
    return this.#request.startedAtMs;
  }

  get rawHeaders(): readonly string[] {
    return this.#request.rawHeaders;
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
    return !this.done && this.#output.stalled;
  }

  /** Sends the interim `100 Continue` once, and only before the final response (RFC 9110 §15.2.1). */
  sendContinue(): void {
    if (this.#continue !== 'owed' || this.#state !== 'head-pending' || this.bodyComplete) return;
    this.#continue = 'sent';
    this.#output.send(CONTINUE);
  }

  /** True once the whole request body has arrived. */
  get bodyComplete(): boolean {
    return this.#body === null || this.#body.isComplete;
  }

  /** True once the head is committed; false again once aborted (nothing more is sent either way). */
  get headersSent(): boolean {
    const state = this.#state;
    return state !== 'head-pending' && state !== 'aborting' && state !== 'aborted';
  }

  get bytesWritten(): number {
    return this.#bytesWritten;
  }

  get aborted(): boolean {
    return this.#state === 'aborting' || this.#state === 'aborted';
  }

  /** True once the response finished or the connection closed under it (the exchange has settled). */
  get done(): boolean {
    const state = this.#state;
    return state === 'written' || state === 'complete' || state === 'aborted';
  }

  /** True once nothing the application does can add to the response: it ended, was answered for it, or aborted. */
  get ended(): boolean {
    const state = this.#state;
    return state === 'ending' || state === 'answered' || state === 'aborting' || state === 'complete' || state === 'aborted';
  }

  get willClose(): boolean {
    const persistence = this.#persistence;
    if (persistence !== 'undecided') return persistence === 'close';
    return this.#options.lastOnConnection || this.#connection.draining || !this.#request.shouldKeepAlive;
  }

  writeHead(status: number, reason: string | null, headers: HeaderList, fields: FieldValidation = 'unvalidated'): void {
    const state = this.#state;
    if (state !== 'head-pending') {
      if (state === 'streaming' || state === 'ending')
        throw new ContainerError('SV_ERR_RESPONSE_COMMITTED', { action: 'send the headers' });
      return;
    }
    // A flat [name, value, …] list keeps repeated fields (Set-Cookie) as separate lines.
    const flat: string[] = [];
    for (let i = 0; i < headers.length; i++) {
      const [name, value] = headers[i] as readonly [string, string];
      // Connection management is the processor's (RFC 9112 §9): the application may only ask to close. The
      // length test skips the two name comparisons for every field not 10 characters long (both names are).
      if (name.length === 10) {
        if (isFieldName(name, 'connection', 'Connection')) {
          if (CLOSE_TOKEN.test(value)) this.#persistence = 'close';
          continue;
        }
        if (isFieldName(name, 'keep-alive', 'Keep-Alive')) continue;
      }
      flat.push(name, value);
    }
    // The client was told nothing about its body: it may send it now or never, so the stream cannot be
    // reused safely (RFC 9110 §10.1.1: the server must say whether it closes).
    if (this.#continue === 'owed' && !this.bodyComplete) this.#persistence = 'close';
    const lengthField = this.#negotiateCompression(status, flat);
    // Validated before anything is committed, so a bad field reaches the caller as an error.
    this.#state = 'streaming';
    this.#fieldValidation = fields;
    try {
      const compressed = this.#compressed;
      if (compressed !== null && compressed.holdingHead) {
        if (fields === 'unvalidated') for (let i = 0; i < flat.length; i += 2) headerLine(flat[i] as string, flat[i + 1] as string);
        compressed.holdHead(status, reason, flat);
        return;
      }
      this.#commitHead(status, reason, flat, lengthField);
    } catch (error) {
      this.#state = 'head-pending';
      this.#compressed?.destroy();
      this.#compressed = null;
      throw error;
    }
  }

  /**
   * Compression, when negotiated, wraps the body framing. A HEAD response gets exactly the headers its GET would
   * (RFC 9110 §9.3.2): the same compression decision and, where GET would be chunked, `Transfer-Encoding: chunked`.
   */
  #negotiateCompression(status: number, flat: string[]): LengthField {
    const compression = this.#settings.compression;
    if (compression === null || isBodilessStatus(status)) return 'as-given';
    const request = this.#request;
    const { coding, contentLength } = applyCompression(compression, request.acceptEncoding, request.userAgent, status, flat);
    // A body of known, modest length is encoded in one call when it ends (see CompressedBody).
    const whole = coding !== null && contentLength !== null && contentLength <= WHOLE_BODY_MAX_BYTES;
    if (coding !== null && request.method !== 'HEAD') {
      this.#compressed = new CompressedBody(coding, whole, this.#compressionOutput());
      return 'as-given';
    }
    // Where GET would be encoded whole, its Content-Length exists only once the body is encoded, so HEAD
    // leaves it out (RFC 9110 §9.3.2 allows omitting fields determined while generating the content).
    return whole && request.method === 'HEAD' ? 'omitted' : 'as-given';
  }

  /** Decides the framing and whether the connection stays open, and serialises the head to go out with the first body bytes. */
  #commitHead(status: number, reason: string | null, flat: string[], lengthField: LengthField): void {
    const fields = fieldBlock(flat, this.#fieldValidation);
    const request = this.#request;
    const kind = announcedFraming(status, fields, request, lengthField);
    this.#framing = bodyFraming(kind, fields, request);
    if (kind === 'close-delimited') this.#persistence = 'close';
    const close = this.willClose;
    this.#persistence = close ? 'close' : 'keep';
    let connectionField: ConnectionField = 'none';
    if (close) {
      connectionField = 'close';
      this.#connection.markClosing();
    } else if (request.versionMinor === 0 || (request.connection !== undefined && KEEP_ALIVE_TOKEN.test(request.connection))) {
      // Only a client that asked for keep-alive is told about it, as Tomcat does (HTTP/1.0 must ask to keep it).
      connectionField = 'keep-alive';
    }
    this.#pendingHead = serializeResponseHead(status, reason, fields, kind, connectionField, this.#settings.keepAliveTimeoutSeconds);
  }

  /**
   * The exchange as a compressed body sees it (made once, only for compressed responses). Plain function
   * properties only: a getter in an object literal puts its closure into the object's hidden class, which V8
   * keeps outside the young generation, so every exchange stayed reachable from there until the next full
   * collection (bench/RESULTS.md 2026-11-22 03:53: 1.5 KB promoted per compressed response, a mark-compact
   * every second; none without the getter). test/shape/object-literals.test.ts keeps it that way.
   */
  #compressionOutput(): CompressedBodyOutput {
    return {
      commitHead: (status, reason, fields) => this.#commitHead(status, reason, fields, 'as-given'),
      writeEncoded: (chunk) => this.#writeBody(chunk),
      drained: () => this.#output.wakeDrainWaiters(),
      fail: (error) => this.abort(error),
      isClosed: () => this.done,
    };
  }

  write(chunk: Uint8Array): boolean {
    const state = this.#state;
    if (state === 'head-pending') this.writeHead(200, null, []);
    else if (state !== 'streaming') return true;
    const compressed = this.#compressed;
    if (compressed !== null) return compressed.write(chunk);
    return this.#writeBody(chunk);
  }

  /** Frames body bytes (with the pending head in front) and hands them on; false = wait for drain(). */
  #writeBody(chunk: Uint8Array): boolean {
    const framing = this.#framing;
    // Every declared byte already went, with the completion: nothing more is written (no empty write either).
    if (framing.complete) return !this.#output.stalled;
    const admitted = framing.admit(chunk);
    if (admitted === null) return this.#flushHead();
    const size = admitted.byteLength;
    this.#bytesWritten += size;
    // The bytes that complete a Content-Length body carry the completion, so end() has nothing left to write.
    const end = framing.complete ? 'last' : 'more-follows';
    return writeFramed(this.#output, this.#takeHead() + framing.chunkPrefix(size), admitted, framing.chunkSuffixLength, end);
  }

  #takeHead(): string {
    const head = this.#pendingHead;
    if (head === null) return '';
    this.#pendingHead = null;
    return head;
  }

  #flushHead(): boolean {
    const head = this.#takeHead();
    return head === '' ? !this.#output.stalled : this.#output.send(head);
  }

  /** OutputOwner: every response before this one went out. */
  takeTurn(): void {
    this.#output.takeTurn();
  }

  /** OutputOwner: the socket handed this response's last bytes to the kernel (Http11Connection.afterWrites). */
  outputWritten(): void {
    this.#finish('written');
  }

  /** OutputOwner: the socket refused bytes. */
  outputStalled(): void {
    this.#options.events.writeStalled(this.#connection);
  }

  /** OutputOwner: the socket drained after a stall. */
  outputDrained(): void {
    this.#compressed?.resume();
    this.#output.wakeDrainWaiters();
  }

  drain(): Promise<void> {
    if (this.done) return Promise.resolve();
    const compressed = this.#compressed;
    const mustWait = compressed !== null ? compressed.needsDrain : this.#output.mustWait;
    if (!mustWait) return Promise.resolve();
    return this.#output.whenWritable();
  }

  end(trailers?: HeaderList): Promise<void> {
    let state = this.#state;
    if (state === 'head-pending') {
      this.writeHead(200, null, []);
      state = this.#state;
    }
    if (state !== 'streaming' && state !== 'written') return this.settled;
    this.#state = state === 'written' ? 'complete' : 'ending';
    const hasTrailers = trailers !== undefined && trailers.length > 0;
    let trailerBlock = '';
    if (hasTrailers) {
      // Checked before anything more is written: a bad trailer fails the caller, not the wire.
      for (const [name, value] of trailers) trailerBlock += headerLine(name, value);
    }
    // A Content-Length body may have completed (and settled) before end(): an unread request body is
    // still to be swallowed then, so the connection can carry the next request.
    this.#swallowUnreadBody();
    if (state === 'written') return this.settled;
    const compressed = this.#compressed;
    if (compressed === null) this.#endBody(trailerBlock);
    else
      compressed.end(hasTrailers, () => {
        if (!this.done) this.#endBody(trailerBlock);
      });
    return this.settled;
  }

  /** The end of the body on the wire: the last chunk and trailers, or nothing; a short fixed-length body closes. */
  #endBody(trailerBlock: string): void {
    const framing = this.#framing;
    if (framing.complete) return;
    if (framing.short) {
      // Fewer bytes than declared: the client would wait for the rest forever; only closing ends it.
      this.#persistence = 'close';
      this.#connection.markClosing();
    }
    writeLast(this.#output, this.#takeHead(), framing.lastChunk(trailerBlock));
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
    if (this.#state !== 'streaming') return;
    const compressed = this.#compressed;
    if (compressed !== null) compressed.flush();
    if (!(compressed?.holdingHead ?? false)) this.#flushHead();
  }

  closeAfterResponse(): void {
    this.#persistence = 'close';
    if (this.headersSent) this.#connection.markClosing();
  }

  abort(error?: Error): void {
    if (this.done || this.#state === 'aborting') return;
    this.#state = 'aborting';
    this.#connection.destroy(error);
  }

  /**
   * Answers with `status` and an empty body on the application's behalf (a rejected request, a failed service,
   * `OPTIONS *`); `after` 'close' adds `Connection: close', 'reuse' discards an unread request body so the
   * connection can carry the next request. False when too late: the head was committed already.
   */
  sendEmptyResponse(status: number, after: AfterAnswer, headers: HeaderList = []): boolean {
    if (this.#state !== 'head-pending') return false;
    if (after === 'close') this.closeAfterResponse();
    this.writeHead(status, null, [...headers, ['Content-Length', '0']]);
    this.#state = 'ending';
    if (after === 'reuse') this.#swallowUnreadBody();
    this.#endBody('');
    return true;
  }

  /**
   * The client stopped sending the body for connectionTimeout (or its framing broke): answer with the
   * error's status if nothing was sent, then fail the body stream so an application waiting on it sees it.
   */
  failBody(error: ProtocolError): void {
    if (this.done) return;
    const answered = !this.ended && this.sendEmptyResponse(error.status ?? 408, 'close');
    if (answered) {
      if (this.#state === 'ending') this.#state = 'answered';
      this.#afterFinish = () => this.#body?.destroy(error);
    } else {
      this.abort(error);
      this.#body?.destroy(error);
    }
  }

  /** The connection closed before this response could finish (including responses still queued behind others). */
  connectionClosed(): void {
    const body = this.#body;
    if (body !== null && !body.isComplete && !body.destroyed) {
      body.destroy(new ContainerError('SV_ERR_HTTP_CLIENT_ABORT', { protocol: this.protocol, connectionId: this.connectionId }));
    }
    this.#finish('closed');
  }

  #finish(outcome: Outcome): void {
    const state = this.#state;
    if (state === 'written' || state === 'complete' || state === 'aborted') return;
    if (outcome === 'closed' || state === 'aborting') this.#state = 'aborted';
    else if (state === 'ending' || state === 'answered') this.#state = 'complete';
    // A Content-Length body went out in full before the application called end().
    else this.#state = 'written';
    if (outcome === 'closed') this.#compressed?.destroy();
    this.#output.close();
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
}

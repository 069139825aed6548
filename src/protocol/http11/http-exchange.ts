/** One HTTP/1.1 request and its response as a protocol-neutral Exchange, over node:http's IncomingMessage/ServerResponse. */
import { validateHeaderName, validateHeaderValue, type ServerResponse } from 'node:http';
import type { Readable, Transform } from 'node:stream';
import { ContainerError, type ProtocolError } from '../../errors/container-error.js';
import type { Exchange, HeaderList } from '../exchange.js';
import { tlsInfoOf, type TlsInfo } from '../../net/tls-info.js';
import {
  applyCompression,
  compressWhole,
  createEncoder,
  flushEncoder,
  WHOLE_BODY_MAX_BYTES,
  type CompressionConfig,
  type ContentCoding,
} from './compression.js';
import type { CountedIncomingMessage } from './counted-incoming-message.js';
import type { Http11Connection } from './http11-connection.js';

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
  /** Unread chunked body bytes read and discarded after the response before the connection is given up. */
  readonly maxSwallowSize: number;
}

/** The processor's hooks, one object shared by every exchange (nothing is allocated per request). */
export interface ExchangeEvents {
  /** The client stopped taking response bytes (the connection's buffer is full). */
  writeStalled(connection: Http11Connection): void;
  /** The response finished or the connection closed under it; called once, in a microtask. */
  settled(connection: Http11Connection, exchange: HttpExchange): void;
}

export interface ExchangeOptions {
  /** maxKeepAliveRequests reached (or keep-alive disabled): this response is the connection's last. */
  readonly lastOnConnection: boolean;
  /** The request carried `Expect: 100-continue` (HTTP/1.1 only; RFC 9110 §10.1.1). */
  readonly expectContinue: boolean;
  /** The request's Connection field (repeated fields joined with ', '), undefined when absent. */
  readonly connectionHeader: string | undefined;
  readonly events: ExchangeEvents;
}

/** A compressed response whose head waits for its whole body (see #frame). */
interface WholeBody {
  readonly coding: ContentCoding;
  status: number;
  reason: string | null;
  head: string[];
  readonly chunks: Uint8Array[];
  size: number;
}

const KEEP_ALIVE_TOKEN = /(?:^|,)\s*keep-alive\s*(?:,|$)/i;
const CLOSE_TOKEN = /(?:^|,)\s*close\s*(?:,|$)/i;

export class HttpExchange implements Exchange {
  /**
   * Response bytes produced during one turn of the event loop leave together at its end (setImmediate)
   * instead of one socket write per response as each is produced. Every write to a peer that sleeps
   * waiting for it costs a wake-up (on a loopback or virtualised host that dominated the whole request);
   * writing the responses of a turn back to back lets one wake-up serve many (Netty's flush
   * consolidation). An explicit flush() still sends at once.
   */
  static #batch: HttpExchange[] = [];
  static readonly #releaseBatch = (): void => {
    const batch = HttpExchange.#batch;
    HttpExchange.#batch = [];
    for (const exchange of batch) exchange.#release();
  };

  readonly startTime = process.hrtime.bigint();
  readonly settled: Promise<void>;
  readonly #req: CountedIncomingMessage;
  readonly #res: ServerResponse;
  readonly #connection: Http11Connection;
  readonly #settings: ExchangeSettings;
  readonly #options: ExchangeOptions;
  #settle!: () => void;
  #done = false;
  #aborted = false;
  #ended = false;
  #hasBody = true;
  #bytesWritten = 0;
  #closeRequested = false;
  #committedClose: boolean | undefined;
  /** The processor answered on the application's behalf (e.g. 408): later calls from the adapter are dropped. */
  #takenOver = false;
  #drainWaiters: Array<() => void> = [];
  /** The 'drain' listener is added only once a write was refused: most responses never need it. */
  #drainListening = false;
  #continueSent = false;
  /** The compressing stream between the application's bytes and the connection, when compressing. */
  #encoder: Transform | null = null;
  #coding: ContentCoding | null = null;
  /** A compressed response held until end() (one synchronous encode, Content-Length) or the end of the turn. */
  #whole: WholeBody | null = null;
  #flushScheduled = false;
  /** The connection refused response bytes and has not drained since. */
  #stalled = false;
  /** This exchange corked its socket until the end of the turn (see #batch). */
  #corked = false;
  #inBatch = false;
  /** end() waiting for the end of the turn. */
  #pendingFinish: (() => void) | null = null;

  constructor(
    req: CountedIncomingMessage,
    res: ServerResponse,
    connection: Http11Connection,
    settings: ExchangeSettings,
    options: ExchangeOptions,
  ) {
    this.#req = req;
    this.#res = res;
    this.#connection = connection;
    this.#settings = settings;
    this.#options = options;
    this.settled = new Promise((resolve) => {
      this.#settle = resolve;
    });
    // #finish runs once: 'close' after 'finish' (or alone, when the connection went first) is ignored.
    res.on('finish', () => this.#finish(false));
    res.on('close', () => this.#finish(!res.writableFinished));
    if (options.expectContinue && settings.continueOnRead) req.onFirstRead(() => this.sendContinue());
  }

  get protocol(): string {
    return `HTTP/${this.#req.httpVersion}`;
  }

  get method(): string {
    return this.#req.method ?? 'GET';
  }

  get target(): string {
    return this.#req.url ?? '/';
  }

  get rawHeaders(): readonly string[] {
    return this.#req.rawHeaders;
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

  get body(): Readable {
    return this.#req;
  }

  get bodyBytesRead(): number {
    return this.#req.bodyBytes;
  }

  /** Request trailer fields listed in allowedTrailerHeaders, once the body has ended: name, value, … */
  get rawTrailers(): readonly string[] {
    const raw = this.#req.rawTrailers;
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
    if (!this.#options.expectContinue || this.#continueSent || this.#done || this.#res.headersSent || this.#req.complete) return;
    this.#continueSent = true;
    this.#res.writeContinue();
  }

  /** True once the whole request body has arrived. */
  get bodyComplete(): boolean {
    return this.#req.complete;
  }

  get headersSent(): boolean {
    return this.#res.headersSent || this.#whole !== null;
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
    return this.#options.lastOnConnection || this.#connection.draining || !this.#res.shouldKeepAlive;
  }

  writeHead(status: number, reason: string | null, headers: HeaderList): void {
    if (this.#takenOver || this.#done) return;
    if (this.headersSent) throw new ContainerError('SV_ERR_RESPONSE_COMMITTED', { action: 'send the headers' });
    // A flat [name, value, …] array goes to node as is, so repeated fields (Set-Cookie) stay separate lines.
    const flat: string[] = [];
    for (const [name, value] of headers) {
      const lower = name.toLowerCase();
      // Connection management is the processor's (RFC 9112 §9): the application may only ask to close.
      if (lower === 'connection') {
        if (CLOSE_TOKEN.test(value)) this.#closeRequested = true;
        continue;
      }
      if (lower === 'keep-alive') continue;
      flat.push(name, value);
    }
    // The client was told nothing about its body: it may send it now or never, so the stream cannot be
    // reused safely (RFC 9110 §10.1.1: the server must say whether it closes).
    if (this.#options.expectContinue && !this.#continueSent && !this.#req.complete) this.#closeRequested = true;
    const close = this.willClose;
    this.#committedClose = close;
    if (close) {
      flat.push('Connection', 'close');
      this.#connection.markClosing();
    } else if (this.#req.httpVersionMinor === 0 || KEEP_ALIVE_TOKEN.test(this.#options.connectionHeader ?? '')) {
      // Only a client that asked for keep-alive is told about it, as Tomcat does.
      flat.push('Connection', 'keep-alive');
      const seconds = this.#settings.keepAliveTimeoutSeconds;
      if (seconds !== undefined) flat.push('Keep-Alive', `timeout=${seconds}`);
    } else {
      // Stops node from adding `Connection: keep-alive` to every HTTP/1.1 response.
      this.#res.removeHeader('Connection');
    }
    const bodiless = status === 204 || status === 304 || (status >= 100 && status < 200);
    this.#hasBody = !(this.method === 'HEAD' || bodiless);
    const final = this.#frame(status, flat, bodiless);
    const whole = this.#whole;
    if (whole !== null) {
      // Sent with the body; node's validation would come too late to reach this caller, so check here.
      for (let i = 0; i < final.length; i += 2) checkHeader(final[i] as string, final[i + 1] as string);
      whole.status = status;
      whole.reason = reason;
      whole.head = final;
      return;
    }
    try {
      // node validates every name and value here (the response facade already did): validated once more
      // would be the third time, so only node's rejection is translated into the container's error.
      this.#res.writeHead(status, reason ?? undefined, final);
    } catch (error) {
      for (let i = 0; i < final.length; i += 2) checkHeader(final[i] as string, final[i + 1] as string);
      throw error;
    }
  }

  /**
   * Compression and HEAD framing. A HEAD response gets exactly the headers its GET would (RFC 9110 §9.3.2):
   * the same compression decision and, where GET would be chunked, `Transfer-Encoding: chunked` too.
   */
  #frame(status: number, flat: string[], bodiless: boolean): string[] {
    const compression = this.#settings.compression;
    if (compression === null || bodiless) {
      if (this.method !== 'HEAD' || bodiless || this.#req.httpVersionMinor < 1) return flat;
      for (let i = 0; i < flat.length; i += 2) {
        const key = (flat[i] as string).toLowerCase();
        if (key === 'content-length' || key === 'transfer-encoding') return flat;
      }
      flat.push('Transfer-Encoding', 'chunked');
      return flat;
    }
    const headers = this.#req.headers;
    const { coding, contentLength } = applyCompression(compression, headers['accept-encoding'], headers['user-agent'], status, flat);
    // A body of known, modest length is encoded in one call when it ends (the common case: the response
    // finished within its buffer) and sent with a Content-Length; a zlib stream per response costs far more
    // than the compression itself. Longer or unknown bodies stream, chunked.
    const whole = coding !== null && contentLength !== null && contentLength <= WHOLE_BODY_MAX_BYTES;
    if (coding !== null && this.#hasBody) {
      if (whole) this.#whole = { coding, status, reason: null, head: flat, chunks: [], size: 0 };
      else this.#startEncoder(coding);
    }
    let framed = false;
    for (let i = 0; i < flat.length; i += 2) {
      const key = (flat[i] as string).toLowerCase();
      if (key === 'content-length' || key === 'transfer-encoding') framed = true;
    }
    // HEAD: where GET would be encoded whole, its Content-Length exists only once the body is encoded, so it
    // is left out (RFC 9110 §9.3.2 allows omitting fields determined while generating the content).
    if (this.method === 'HEAD' && !framed && !whole && !bodiless && this.#req.httpVersionMinor >= 1) {
      flat.push('Transfer-Encoding', 'chunked');
    }
    return flat;
  }

  /** Collects a whole-body response's bytes; too many for one encode and it streams after all. */
  #holdWhole(whole: WholeBody, chunk: Uint8Array): boolean {
    whole.chunks.push(chunk);
    whole.size += chunk.byteLength;
    if (whole.size > WHOLE_BODY_MAX_BYTES) {
      this.#streamWhole();
      return true;
    }
    // Not ended within this turn: the batch release streams it instead (a slow producer's bytes must flow).
    this.#joinBatch();
    return true;
  }

  /** Ends a whole-body response: one synchronous encode, the head with Content-Length, the bytes. */
  #sendWhole(whole: WholeBody): void {
    this.#whole = null;
    const chunks = whole.chunks;
    const body = chunks.length === 1 ? (chunks[0] as Uint8Array) : Buffer.concat(chunks, whole.size);
    let encoded: Buffer;
    try {
      encoded = compressWhole(whole.coding, body);
    } catch (error) {
      this.abort(error as Error);
      return;
    }
    whole.head.push('Content-Length', String(encoded.byteLength));
    this.#res.writeHead(whole.status, whole.reason ?? undefined, whole.head);
    this.#bytesWritten += encoded.byteLength;
    this.#holdUntilEndOfTurn();
    if (!this.#res.write(encoded)) this.#stall();
  }

  /** A whole-body response that did not end in time: its head goes out now (chunked) and a stream encodes. */
  #streamWhole(): void {
    const whole = this.#whole;
    if (whole === null) return;
    this.#whole = null;
    this.#res.writeHead(whole.status, whole.reason ?? undefined, whole.head);
    this.#startEncoder(whole.coding);
    const encoder = this.#encoder as Transform;
    for (const chunk of whole.chunks) encoder.write(chunk);
    this.#scheduleFlush();
  }

  #startEncoder(coding: ContentCoding): void {
    const encoder = createEncoder(coding);
    this.#encoder = encoder;
    this.#coding = coding;
    encoder.on('data', (data: Buffer) => {
      if (this.#done) return;
      this.#bytesWritten += data.byteLength;
      if (!this.#res.write(data)) {
        encoder.pause();
        this.#stall();
      }
    });
    encoder.on('drain', () => this.#wakeDrainWaiters());
    encoder.on('error', (error: Error) => this.abort(error));
  }

  write(chunk: Uint8Array): boolean {
    if (this.#takenOver || this.#done || this.#ended) return true;
    if (!this.headersSent) this.writeHead(200, null, []);
    const whole = this.#whole;
    if (whole !== null) return this.#holdWhole(whole, chunk);
    const encoder = this.#encoder;
    if (encoder !== null) {
      this.#scheduleFlush();
      return encoder.write(chunk);
    }
    if (this.#hasBody) this.#bytesWritten += chunk.byteLength;
    this.#holdUntilEndOfTurn();
    const accepted = this.#res.write(chunk);
    if (!accepted) this.#stall();
    return accepted;
  }

  #stall(): void {
    this.#stalled = true;
    this.#listenForDrain();
    this.#options.events.writeStalled(this.#connection);
  }

  #listenForDrain(): void {
    if (this.#drainListening) return;
    this.#drainListening = true;
    this.#res.on('drain', () => {
      this.#stalled = false;
      this.#encoder?.resume();
      this.#wakeDrainWaiters();
    });
  }

  drain(): Promise<void> {
    if (this.#done) return Promise.resolve();
    const encoder = this.#encoder;
    const blocked = encoder !== null ? encoder.writableNeedDrain : this.#res.writableNeedDrain;
    if (!blocked) return Promise.resolve();
    if (encoder === null) this.#listenForDrain();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  end(trailers?: HeaderList): Promise<void> {
    if (this.#takenOver || this.#done || this.#ended) return this.settled;
    if (!this.headersSent) this.writeHead(200, null, []);
    this.#ended = true;
    const whole = this.#whole;
    if (whole !== null) {
      // Trailers need chunked framing: only the streaming path has it.
      if (trailers !== undefined && trailers.length > 0) this.#streamWhole();
      else this.#sendWhole(whole);
    }
    if (trailers !== undefined && trailers.length > 0) {
      for (const [name, value] of trailers) checkHeader(name, value);
    }
    const finish = (): void => {
      if (this.#done) return;
      if (trailers !== undefined && trailers.length > 0) {
        this.#res.addTrailers(trailers.map(([name, value]): [string, string] => [name, value]));
      }
      this.#res.end();
    };
    this.#swallowUnreadBody();
    const encoder = this.#encoder;
    if (encoder === null) {
      // res.end() uncorks and writes at once; it runs with the other responses of this turn.
      this.#pendingFinish = finish;
      this.#joinBatch();
    } else {
      encoder.once('end', finish);
      encoder.end();
    }
    return this.settled;
  }

  /**
   * Corks the socket before node writes (node then adds no cork of its own with a flush on the next tick),
   * so the bytes wait for the end of the turn. A compressed response is left alone: its encoder writes later.
   */
  #holdUntilEndOfTurn(): void {
    if (this.#corked) return;
    const socket = this.#connection.socket;
    if (socket.writableCorked || socket.destroyed) return;
    socket.cork();
    this.#corked = true;
    this.#joinBatch();
  }

  #joinBatch(): void {
    if (this.#inBatch) return;
    this.#inBatch = true;
    if (HttpExchange.#batch.push(this) === 1) setImmediate(HttpExchange.#releaseBatch);
  }

  #release(): void {
    this.#inBatch = false;
    if (this.#whole !== null) this.#streamWhole();
    const finish = this.#pendingFinish;
    if (finish !== null) {
      this.#pendingFinish = null;
      // node's end() fully uncorks the socket itself.
      this.#corked = false;
      finish();
      return;
    }
    this.#uncork();
  }

  #uncork(): void {
    if (!this.#corked) return;
    this.#corked = false;
    const socket = this.#connection.socket;
    if (socket.writableCorked) socket.uncork();
  }

  /**
   * A chunked body nobody read: node would discard the rest silently and without limit, so it is read
   * here (flowing, counted, dropped) and the connection is given up beyond maxSwallowSize. A body with a
   * Content-Length is the processor's call: its remaining size is known before reading.
   */
  #swallowUnreadBody(): void {
    const req = this.#req;
    if (req.complete || req.destroyed || req.bodyBytesRemaining !== undefined || req.listenerCount('data') > 0) return;
    req.limitSwallow(this.#settings.maxSwallowSize, () => this.#connection.socket.destroy());
    req.on('data', () => undefined);
  }

  /**
   * zlib holds input until it has a block's worth; a response produced slowly (or flushed by the
   * application) must still reach the client, so whatever is pending is flushed once the current turn
   * of the event loop is over. A response written and ended in one go never pays for a flush.
   */
  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => {
      this.#flushScheduled = false;
      const encoder = this.#encoder;
      if (encoder !== null && this.#coding !== null && !this.#ended && !this.#done) flushEncoder(this.#coding, encoder);
    });
  }

  /** An explicit flush by the application: held bytes and a compressor's pending block go out now. */
  flush(): void {
    this.#streamWhole();
    this.#uncork();
    const encoder = this.#encoder;
    if (encoder !== null && this.#coding !== null && !this.#ended && !this.#done) flushEncoder(this.#coding, encoder);
  }

  get ended(): boolean {
    return this.#ended || this.#takenOver;
  }

  closeAfterResponse(): void {
    this.#closeRequested = true;
    if (this.#res.headersSent) this.#connection.markClosing();
  }

  abort(error?: Error): void {
    if (this.#done) return;
    this.#aborted = true;
    this.#connection.socket.destroy(error);
  }

  /** Answers with a bodiless status (and `Connection: close` unless told to keep) on the adapter's behalf; false when too late. */
  respondAndClose(status: number, keepConnection = false, headers: HeaderList = []): boolean {
    if (this.#done || this.headersSent) return false;
    if (!keepConnection) this.closeAfterResponse();
    this.writeHead(status, null, [...headers, ['Content-Length', '0']]);
    this.#ended = true;
    if (keepConnection) this.#swallowUnreadBody();
    this.#res.end();
    return true;
  }

  /**
   * The client stopped sending the body for connectionTimeout: answer 408 if nothing was sent, then fail
   * the body stream so an application waiting on it sees the error.
   */
  failBody(error: ProtocolError): void {
    if (this.#done) return;
    const answered = !this.#ended && this.respondAndClose(error.status ?? 408);
    this.#takenOver = true;
    if (answered) {
      this.#res.once('finish', () => this.#req.destroy(error));
    } else {
      this.abort(error);
      this.#req.destroy(error);
    }
  }

  /** The connection closed before this response could finish (including responses still queued behind others). */
  connectionClosed(): void {
    this.#finish(true);
  }

  #finish(aborted: boolean): void {
    if (this.#done) return;
    this.#done = true;
    this.#whole = null;
    if (aborted) this.#aborted = true;
    if (this.#encoder !== null && aborted) this.#encoder.destroy();
    this.#wakeDrainWaiters();
    // Queued before the promise reactions, so the processor is done with the connection before the
    // adapter continues (the order a `settled.then` registered at construction had).
    queueMicrotask(() => this.#options.events.settled(this.#connection, this));
    this.#settle();
  }

  #wakeDrainWaiters(): void {
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const wake of waiters) wake();
  }
}

function checkHeader(name: string, value: string): void {
  try {
    validateHeaderName(name);
  } catch (error) {
    throw new ContainerError('SV_ERR_HTTP_INVALID_HEADER_NAME', { name }, { cause: error });
  }
  try {
    validateHeaderValue(name, value);
  } catch (error) {
    throw new ContainerError('SV_ERR_HTTP_INVALID_HEADER_VALUE', { name }, { cause: error });
  }
}

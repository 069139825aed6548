/** One HTTP/1.1 request and its response as a protocol-neutral Exchange, over node:http's IncomingMessage/ServerResponse. */
import { validateHeaderName, validateHeaderValue, type ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { ContainerError, type ProtocolError } from '../../errors/container-error.js';
import type { Exchange, HeaderList } from '../exchange.js';
import type { CountedIncomingMessage } from './counted-incoming-message.js';
import type { Http11Connection } from './http11-connection.js';

export interface ExchangeSettings {
  readonly scheme: 'http' | 'https';
  readonly secure: boolean;
  /** Value of `Keep-Alive: timeout=` sent when the client asked for keep-alive; undefined = no such header. */
  readonly keepAliveTimeoutSeconds: number | undefined;
}

const KEEP_ALIVE_TOKEN = /(?:^|,)\s*keep-alive\s*(?:,|$)/i;
const CLOSE_TOKEN = /(?:^|,)\s*close\s*(?:,|$)/i;

export class HttpExchange implements Exchange {
  readonly startTime = process.hrtime.bigint();
  readonly settled: Promise<void>;
  readonly #req: CountedIncomingMessage;
  readonly #res: ServerResponse;
  readonly #connection: Http11Connection;
  readonly #settings: ExchangeSettings;
  /** maxKeepAliveRequests reached (or keep-alive disabled): this response is the connection's last. */
  readonly #lastOnConnection: boolean;
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

  constructor(
    req: CountedIncomingMessage,
    res: ServerResponse,
    connection: Http11Connection,
    settings: ExchangeSettings,
    lastOnConnection: boolean,
  ) {
    this.#req = req;
    this.#res = res;
    this.#connection = connection;
    this.#settings = settings;
    this.#lastOnConnection = lastOnConnection;
    this.settled = new Promise((resolve) => {
      this.#settle = resolve;
    });
    res.once('finish', () => this.#finish(false));
    res.once('close', () => this.#finish(!res.writableFinished));
    res.on('drain', () => this.#wakeDrainWaiters());
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

  get connectionId(): string {
    return this.#connection.id;
  }

  get body(): Readable {
    return this.#req;
  }

  get bodyBytesRead(): number {
    return this.#req.bodyBytes;
  }

  /** True once the whole request body has arrived. */
  get bodyComplete(): boolean {
    return this.#req.complete;
  }

  get headersSent(): boolean {
    return this.#res.headersSent;
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
    return this.#lastOnConnection || this.#connection.draining || !this.#res.shouldKeepAlive;
  }

  writeHead(status: number, reason: string | null, headers: HeaderList): void {
    if (this.#takenOver || this.#done) return;
    if (this.#res.headersSent) throw new ContainerError('SV_ERR_RESPONSE_COMMITTED', { action: 'send the headers' });
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
      checkHeader(name, value);
      flat.push(name, value);
    }
    const close = this.willClose;
    this.#committedClose = close;
    if (close) {
      flat.push('Connection', 'close');
      this.#connection.markClosing();
    } else if (this.#req.httpVersionMinor === 0 || KEEP_ALIVE_TOKEN.test(this.#req.headers.connection ?? '')) {
      // Only a client that asked for keep-alive is told about it, as Tomcat does.
      flat.push('Connection', 'keep-alive');
      const seconds = this.#settings.keepAliveTimeoutSeconds;
      if (seconds !== undefined) flat.push('Keep-Alive', `timeout=${seconds}`);
    } else {
      // Stops node from adding `Connection: keep-alive` to every HTTP/1.1 response.
      this.#res.removeHeader('Connection');
    }
    this.#hasBody = !(this.method === 'HEAD' || status === 204 || status === 304 || (status >= 100 && status < 200));
    this.#res.writeHead(status, reason ?? undefined, flat);
  }

  write(chunk: Uint8Array): boolean {
    if (this.#takenOver || this.#done || this.#ended) return true;
    if (!this.#res.headersSent) this.writeHead(200, null, []);
    if (this.#hasBody) this.#bytesWritten += chunk.byteLength;
    return this.#res.write(chunk);
  }

  drain(): Promise<void> {
    if (this.#done || !this.#res.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  end(trailers?: HeaderList): Promise<void> {
    if (this.#takenOver || this.#done || this.#ended) return this.settled;
    if (!this.#res.headersSent) this.writeHead(200, null, []);
    this.#ended = true;
    if (trailers !== undefined && trailers.length > 0) {
      for (const [name, value] of trailers) checkHeader(name, value);
      this.#res.addTrailers(trailers.map(([name, value]): [string, string] => [name, value]));
    }
    this.#res.end();
    return this.settled;
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
  respondAndClose(status: number, keepConnection = false): boolean {
    if (this.#done || this.#res.headersSent) return false;
    if (!keepConnection) this.closeAfterResponse();
    this.writeHead(status, null, [['Content-Length', '0']]);
    this.#ended = true;
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
    if (aborted) this.#aborted = true;
    this.#wakeDrainWaiters();
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

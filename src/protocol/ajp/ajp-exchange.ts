/** One AJP request and its response as a protocol-neutral Exchange; the values the web server forwarded ride along. */
import type { Readable } from 'node:stream';
import type { TlsInfo } from '../../net/tls-info.js';
import { ContainerError } from '../../errors/container-error.js';
import type { Exchange, HeaderList } from '../exchange.js';
import { AjpRequestBody } from './ajp-request-body.js';
import type { AcceptedRequest, ForwardedUser } from './ajp-request-policy.js';
import { AjpResponseWriter } from './ajp-response-writer.js';

/** What the exchange needs from its connection (implemented by the processor's per-socket state). */
export interface AjpConnectionPort {
  readonly id: string;
  readonly localAddress: string;
  /** True when the connector is stopping: the web server is told not to reuse the connection. */
  readonly draining: boolean;
  /** Queues one or more packets (they may be held until the end of the turn); false when the socket buffer is full. */
  send(packets: readonly Buffer[]): boolean;
  /** Optional: writes whatever send() still holds, now (an explicit flush by the application). */
  flush?(): boolean;
  /** Resolves when the socket can take more, or is gone. */
  drain(): Promise<void>;
  requestBodyPacket(): void;
  /** Called once, after the response's last body packet: the connection sends END_RESPONSE. */
  finishResponse(exchange: AjpExchange): Promise<void>;
  destroy(error?: Error): void;
}

/**
 * The extra request values only AJP carries beyond `tls`. ContainerRequest can take them from any exchange
 * that has them: allowed req_attributes and the user the web server authenticated.
 */
export interface ForwardedRequestValues {
  readonly forwardedAttributes: ReadonlyMap<string, unknown>;
  readonly forwardedUser: ForwardedUser | null;
  /** The web server's jvmRoute hint for this request (mod_jk load balancing). */
  readonly route: string | null;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection']);
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FORBIDDEN_VALUE = /[\r\n\0]/;

export class AjpExchange implements Exchange, ForwardedRequestValues {
  /** The clock's hrtime() when the request packet was read (process.hrtime.bigint() when none was given). */
  readonly startTime: bigint;
  readonly settled: Promise<void>;
  readonly #request: AcceptedRequest;
  readonly #connection: AjpConnectionPort;
  readonly #writer: AjpResponseWriter;
  /** Created on first use: most requests have no body and most applications never touch it. */
  #body: AjpRequestBody | null = null;
  readonly #flushOnAjp: boolean;
  #settle!: () => void;
  #status = 0;
  #bytesWritten = 0;
  #headersSent = false;
  #ended = false;
  #done = false;
  #aborted = false;
  #closeRequested = false;
  #droppedHeaders: string[] = [];

  constructor(
    request: AcceptedRequest,
    connection: AjpConnectionPort,
    packetSize: number,
    ajpFlush: boolean,
    startTime: bigint = process.hrtime.bigint(),
  ) {
    this.startTime = startTime;
    this.#request = request;
    this.#connection = connection;
    this.#writer = new AjpResponseWriter(packetSize);
    this.#flushOnAjp = ajpFlush;
    this.settled = new Promise((resolve) => {
      this.#settle = resolve;
    });
  }

  get protocol(): string {
    return this.#request.protocol;
  }
  get method(): string {
    return this.#request.method;
  }
  get target(): string {
    return this.#request.target;
  }
  get rawHeaders(): readonly string[] {
    return this.#request.rawHeaders;
  }
  get remoteAddress(): string {
    return this.#request.remoteAddress;
  }
  get remotePort(): number {
    return this.#request.remotePort;
  }
  get localAddress(): string {
    return this.#request.localAddress ?? this.#connection.localAddress;
  }
  /** The port the web server received the request on (server_port): what getServerPort falls back to. */
  get localPort(): number {
    return this.#request.serverPort;
  }
  get secure(): boolean {
    return this.#request.secure;
  }
  get scheme(): 'http' | 'https' {
    return this.#request.secure ? 'https' : 'http';
  }
  /** The client's TLS facts forwarded by the web server: the SSL request attributes come from here. */
  get tls(): TlsInfo | undefined {
    return this.#request.tls;
  }
  get connectionId(): string {
    return this.#connection.id;
  }
  get body(): Readable {
    return this.requestBody;
  }
  get requestBody(): AjpRequestBody {
    this.#body ??= new AjpRequestBody(this.#connection, this.#request.contentLength, this.#request.chunked);
    return this.#body;
  }
  /** True once the body has fully arrived (always, for a request without one). */
  get bodyComplete(): boolean {
    return this.#body === null ? this.#request.chunked === false && this.#request.contentLength <= 0 : this.#body.complete;
  }
  get bodyBytesRead(): number {
    return this.#body === null ? 0 : this.#body.bytesReceived;
  }
  get forwardedAttributes(): ReadonlyMap<string, unknown> {
    return this.#request.attributes;
  }
  get forwardedUser(): ForwardedUser | null {
    return this.#request.user;
  }
  get route(): string | null {
    return this.#request.route;
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
  get status(): number {
    return this.#status;
  }
  get ended(): boolean {
    return this.#ended;
  }
  get done(): boolean {
    return this.#done;
  }
  /** Response header names dropped because they could not be sent (for the processor's log line). */
  get droppedHeaders(): readonly string[] {
    return this.#droppedHeaders;
  }
  get willClose(): boolean {
    return this.#closeRequested || this.#connection.draining;
  }

  /**
   * SEND_HEADERS. Framing and connection management belong to AJP and to the web server, so hop-by-hop
   * fields are not forwarded; a field that cannot be sent is dropped and the rest go out (Tomcat does the same).
   */
  writeHead(status: number, reason: string | null, headers: HeaderList): void {
    if (this.#done) return;
    if (this.#headersSent) throw new ContainerError('SV_ERR_RESPONSE_COMMITTED', { action: 'send the headers' });
    let kept = headers;
    for (let i = 0; i < headers.length; i++) {
      const [name, value] = headers[i] as readonly [string, string];
      const ok = !HOP_BY_HOP.has(name.toLowerCase()) && TOKEN.test(name) && !FORBIDDEN_VALUE.test(value);
      if (ok) continue;
      // Rare: copy the fields kept so far and filter the rest.
      kept = headers.slice(0, i).concat(headers.slice(i).filter(([n, v]) => this.#keepHeader(n, v)));
      break;
    }
    const bodyAllowed = !(this.method === 'HEAD' || status === 204 || status === 304 || (status >= 100 && status < 200));
    const packet = this.#writer.head(status, reason, kept, bodyAllowed);
    this.#status = status;
    this.#headersSent = true;
    this.#connection.send([packet]);
  }

  /** Hop-by-hop fields are left out silently; a field that cannot be encoded is left out and noted. */
  #keepHeader(name: string, value: string): boolean {
    if (HOP_BY_HOP.has(name.toLowerCase())) return false;
    if (TOKEN.test(name) && !FORBIDDEN_VALUE.test(value)) return true;
    this.#droppedHeaders.push(name);
    return false;
  }

  write(chunk: Uint8Array): boolean {
    if (this.#done || this.#ended) return true;
    if (!this.#headersSent) this.writeHead(200, null, []);
    const packets = this.#writer.body(chunk);
    if (packets.length === 0) return true;
    this.#bytesWritten += chunk.byteLength;
    return this.#connection.send(packets);
  }

  drain(): Promise<void> {
    if (this.#done) return Promise.resolve();
    return this.#connection.drain();
  }

  /**
   * An explicit flush by the application: with ajpFlush, an empty SEND_BODY_CHUNK makes the web server pass
   * what it holds on to the client. The container calls it from response.flushBuffer() (Exchange.flush). The
   * packets the connection holds until the end of the turn go out now either way.
   */
  flush(): void {
    if (this.#done || this.#ended || !this.#headersSent) return;
    if (this.#flushOnAjp) {
      const packet = this.#writer.flush();
      if (packet !== null) this.#connection.send([packet]);
    }
    this.#connection.flush?.();
  }

  /** Trailers have no place in AJP/1.3 and are dropped. */
  end(_trailers?: HeaderList): Promise<void> {
    if (this.#done || this.#ended) return this.settled;
    if (!this.#headersSent) this.writeHead(200, null, []);
    this.#ended = true;
    // A failed END_RESPONSE would otherwise leave the exchange unsettled, its maxThreads slot taken for good.
    this.#connection.finishResponse(this).then(
      () => this.#finish(false),
      (error: unknown) => {
        this.abort(error instanceof Error ? error : undefined);
        this.#finish(true);
      },
    );
    return this.settled;
  }

  /** Encodes END_RESPONSE for the connection (once). */
  endPacket(reuse: boolean): Buffer {
    return this.#writer.end(reuse);
  }

  closeAfterResponse(): void {
    this.#closeRequested = true;
  }

  abort(error?: Error): void {
    if (this.#done) return;
    this.#aborted = true;
    this.#connection.destroy(error);
  }

  /** Answers with a bodiless status and asks the web server to drop the connection; false when too late. */
  respondAndClose(status: number): boolean {
    if (this.#done || this.#headersSent) return false;
    this.closeAfterResponse();
    this.writeHead(status, null, [['Content-Length', '0']]);
    void this.end();
    return true;
  }

  /** The connection closed before the response finished. */
  connectionClosed(error: Error): void {
    if (!this.bodyComplete) this.requestBody.fail(error);
    this.#finish(true);
  }

  #finish(aborted: boolean): void {
    if (this.#done) return;
    this.#done = true;
    if (aborted) this.#aborted = true;
    this.#settle();
  }
}

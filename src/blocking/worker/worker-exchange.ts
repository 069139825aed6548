/**
 * The Exchange a worker thread hands to its container tree (blocking-style endpoint): the request head arrived
 * as a message, the body streams in through a WorkerBody, and the response travels to the main thread, which
 * owns the connection, as messages with transferred buffers (batched per event-loop turn by the link, so a
 * small response is one message). Flow control: at most RESPONSE_WINDOW bytes may be on their way; write()
 * returns false beyond it and drain() waits for the main thread's acknowledgements. end() does not wait for
 * the main thread: the response is complete as far as the worker is concerned once 'end' is posted.
 */
import { X509Certificate } from 'node:crypto';
import type { TlsInfo } from '../../net/tls-info.js';
import type { StuckPolicy } from '../../valves/stuck-request-watch.js';
import { RESPONSE_WINDOW, ownedCopy } from '../messages/channel.js';
import type { ConnectionData, RequestMessage } from '../messages/exchange-messages.js';
import type { WorkerToMain } from '../messages/worker-messages.js';
import type { Exchange, HeaderList } from '../../protocol/exchange.js';
import type { WorkerBody } from './worker-body.js';

/** A settled promise to hand out from end(): nothing to wait for. */
const ENDED = Promise.resolve();

export interface WorkerExchangeLink {
  post(message: WorkerToMain, transfer?: readonly ArrayBuffer[]): void;
  /** Sends what post() batched now (response.flushBuffer(): the bytes must leave before the servlet goes on). */
  flush(): void;
  /** Runs just before the response end is sent (session changes are committed first, so they are visible to the next request). */
  beforeEnd(): void;
}

/**
 * The connection a worker is serving, as the main thread described it with its first request; the TLS facts
 * (certificates parsed from PEM) are built once per connection, when a request first asks for them.
 */
export class WorkerConnection {
  readonly data: ConnectionData;
  #tls: TlsInfo | undefined | null = null;

  constructor(data: ConnectionData) {
    this.data = data;
  }

  get tls(): TlsInfo | undefined {
    if (this.#tls === null) this.#tls = tlsInfoFrom(this.data);
    return this.#tls;
  }
}

export class WorkerExchange implements Exchange {
  readonly id: number;
  readonly protocol: string;
  readonly method: string;
  readonly target: string;
  readonly rawHeaders: readonly string[];
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
  readonly secure: boolean;
  readonly scheme: 'http' | 'https';
  readonly connectionId: string;
  readonly startTime: bigint;
  readonly body: WorkerBody;
  readonly #connection: WorkerConnection;
  readonly #link: WorkerExchangeLink;
  #headersSent = false;
  #bytesWritten = 0;
  #unacknowledged = 0;
  #aborted = false;
  #willClose: boolean;
  #ended = false;
  #drainWaiters: Array<() => void> = [];

  constructor(head: RequestMessage, connection: WorkerConnection, body: WorkerBody, link: WorkerExchangeLink) {
    const data = connection.data;
    this.id = head.id;
    this.protocol = head.protocol;
    this.method = head.method;
    this.target = head.target;
    this.rawHeaders = head.rawHeaders;
    this.remoteAddress = data.remoteAddress;
    this.remotePort = data.remotePort;
    this.localAddress = data.localAddress;
    this.localPort = data.localPort;
    this.secure = data.secure;
    this.scheme = data.scheme;
    this.connectionId = data.id;
    this.startTime = head.startTime;
    this.body = body;
    this.#connection = connection;
    this.#link = link;
    this.#willClose = head.willClose;
  }

  get tls(): TlsInfo | undefined {
    return this.#connection.tls;
  }

  get bodyBytesRead(): number {
    return this.body.bytesRead;
  }

  get rawTrailers(): readonly string[] | undefined {
    return this.body.trailers;
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

  get willClose(): boolean {
    return this.#willClose;
  }

  /** True once end() has been called. */
  get ended(): boolean {
    return this.#ended;
  }

  writeHead(status: number, reason: string | null, headers: HeaderList): void {
    if (this.#headersSent || this.#aborted) return;
    this.#headersSent = true;
    this.#link.post({ type: 'head', id: this.id, status, reason, headers: headers.map(([name, value]) => [name, value] as const) });
  }

  write(chunk: Uint8Array): boolean {
    if (this.#aborted || this.#ended) return false;
    if (chunk.byteLength === 0) return this.#unacknowledged < RESPONSE_WINDOW;
    // The caller may reuse its buffer (the response output buffer does): transfer a copy we own.
    const owned = ownedCopy(chunk);
    this.#bytesWritten += chunk.byteLength;
    this.#unacknowledged += chunk.byteLength;
    this.#link.post({ type: 'data', id: this.id, chunk: owned }, [owned]);
    return this.#unacknowledged < RESPONSE_WINDOW;
  }

  drain(): Promise<void> {
    if (this.#aborted || this.#unacknowledged < RESPONSE_WINDOW) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  /**
   * Sent at once, not batched with the turn's response messages: the request this is about may never let the
   * worker's event loop turn again.
   */
  watchStuck(valve: string, policy: StuckPolicy): void {
    this.#link.post({ type: 'stuck-watch', id: this.id, valve, policy });
    this.#link.flush();
  }

  /** Pushes out the batched response bytes now (OutputBuffer.flush(): response.flushBuffer()). */
  flush(): void {
    if (!this.#aborted) this.#link.flush();
  }

  end(trailers?: HeaderList): Promise<void> {
    if (this.#ended) return ENDED;
    this.#ended = true;
    if (this.#aborted) return ENDED;
    this.#link.beforeEnd();
    this.#link.post({ type: 'end', id: this.id, trailers: trailers?.map(([name, value]) => [name, value] as const) });
    return ENDED;
  }

  closeAfterResponse(): void {
    if (this.#willClose) return;
    this.#willClose = true;
    this.#link.post({ type: 'close-after', id: this.id });
  }

  abort(error?: Error): void {
    if (this.#aborted) return;
    this.#link.post({ type: 'abort', id: this.id, message: error?.message });
    this.onAborted();
  }

  // --- from the main thread ---

  onAck(bytes: number): void {
    this.#unacknowledged = Math.max(0, this.#unacknowledged - bytes);
    if (this.#unacknowledged < RESPONSE_WINDOW) this.#wakeDrains();
  }

  onAborted(): void {
    this.#aborted = true;
    this.#willClose = true;
    this.#wakeDrains();
  }

  #wakeDrains(): void {
    for (const wake of this.#drainWaiters.splice(0)) wake();
  }
}

/** The AJP extras (forwarded attributes, authenticated user, route) when the front end sent them. */
export class ForwardedWorkerExchange extends WorkerExchange {
  readonly forwardedAttributes: ReadonlyMap<string, unknown>;
  readonly forwardedUser: { readonly name: string; readonly authType: string | null; readonly authorize: boolean } | null;
  readonly route: string | null;

  constructor(
    head: RequestMessage & { readonly forwarded: NonNullable<RequestMessage['forwarded']> },
    connection: WorkerConnection,
    body: WorkerBody,
    link: WorkerExchangeLink,
  ) {
    super(head, connection, body, link);
    this.forwardedAttributes = new Map(head.forwarded.attributes);
    this.forwardedUser = head.forwarded.user;
    this.route = head.forwarded.route;
  }
}

export function createWorkerExchange(
  head: RequestMessage,
  connection: WorkerConnection,
  body: WorkerBody,
  link: WorkerExchangeLink,
): WorkerExchange {
  const forwarded = head.forwarded;
  return forwarded === undefined
    ? new WorkerExchange(head, connection, body, link)
    : new ForwardedWorkerExchange({ ...head, forwarded }, connection, body, link);
}

function tlsInfoFrom(connection: ConnectionData): TlsInfo | undefined {
  const data = connection.tls;
  if (data === undefined) return undefined;
  return {
    protocol: data.protocol,
    cipherSuite: data.cipherSuite,
    keySize: data.keySize,
    sessionId: data.sessionId,
    peerCertificates: data.peerCertificatesPem.map((pem) => new X509Certificate(pem)),
    serverName: data.serverName,
    peerVerified: data.peerVerified,
  };
}

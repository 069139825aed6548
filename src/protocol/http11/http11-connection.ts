/** The processor's view of one HTTP/1.1 connection: identity, request count, open exchanges and closing state. */
import type { Socket } from 'node:net';
import { normalizeAddress } from '../../net/acceptor.js';
import type { HttpExchange } from './http-exchange.js';

export class Http11Connection {
  readonly id: string;
  readonly socket: Socket;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
  readonly #open: HttpExchange[] = [];
  #requests = 0;
  #closing = false;
  #draining = false;
  #rejected = false;
  #waitingForSlot = 0;
  #idleMark = 0;
  #deferred: Buffer | undefined;
  /** The socket's idle timeout as last set (ms, 0 = none); -1 = never set. */
  #timeout = -1;

  constructor(id: string, socket: Socket) {
    this.id = id;
    this.socket = socket;
    // Captured now: node clears the addresses once the socket is destroyed, and logs need them after that.
    this.remoteAddress = normalizeAddress(socket.remoteAddress);
    this.remotePort = socket.remotePort ?? 0;
    this.localAddress = normalizeAddress(socket.localAddress);
    this.localPort = socket.localPort ?? 0;
  }

  /** Counts a parsed request and returns its 1-based index on this connection. */
  nextRequestIndex(): number {
    return ++this.#requests;
  }

  get requests(): number {
    return this.#requests;
  }

  /** Exchanges whose response has not finished yet, oldest first. */
  get open(): readonly HttpExchange[] {
    return this.#open;
  }

  get outstanding(): number {
    return this.#open.length;
  }

  /** The newest exchange: the only one whose body can still be arriving. */
  get latest(): HttpExchange | undefined {
    return this.#open[this.#open.length - 1];
  }

  add(exchange: HttpExchange): void {
    this.#open.push(exchange);
  }

  remove(exchange: HttpExchange): void {
    const index = this.#open.indexOf(exchange);
    if (index >= 0) this.#open.splice(index, 1);
  }

  /** A response carrying `Connection: close` has been committed: later pipelined requests are not answered. */
  get closing(): boolean {
    return this.#closing;
  }

  markClosing(): void {
    this.#closing = true;
  }

  /** Graceful stop: every response still to be committed says `Connection: close`. */
  get draining(): boolean {
    return this.#draining;
  }

  startDraining(): void {
    this.#draining = true;
  }

  /** The parser failed on this connection: ignore its further errors. */
  get rejected(): boolean {
    return this.#rejected;
  }

  markRejected(): void {
    this.#rejected = true;
  }

  /** A rejection to write once the responses ahead of it are finished (keeps pipelined order). */
  deferRejection(response: Buffer): void {
    this.#deferred = response;
  }

  takeDeferredRejection(): Buffer | undefined {
    const response = this.#deferred;
    this.#deferred = undefined;
    return response;
  }

  /** Requests of this connection waiting for a maxThreads slot; the socket stays paused while any wait. */
  waitForSlot(): void {
    if (this.#waitingForSlot++ === 0) this.socket.pause();
  }

  slotGranted(): void {
    if (this.#waitingForSlot > 0 && --this.#waitingForSlot === 0 && !this.socket.destroyed) this.socket.resume();
  }

  /**
   * Sets the socket's idle timeout unless it already has this value: re-arming a timer costs a timer-list
   * operation, and most requests on a keep-alive connection would set the same value again.
   */
  setTimeout(ms: number): void {
    if (ms === this.#timeout) return;
    this.#timeout = ms;
    this.socket.setTimeout(ms);
  }

  /** Remembers how many bytes had arrived when the connection went idle. */
  markIdle(): void {
    this.#idleMark = this.socket.bytesRead;
  }

  /** True when bytes of a new request arrived since the connection went idle. */
  get hasPartialRequest(): boolean {
    return this.socket.bytesRead > this.#idleMark;
  }
}

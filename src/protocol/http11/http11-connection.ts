/**
 * One HTTP/1.1 connection: identity, its parser, the exchanges still open (oldest first), whose turn it is
 * to write (pipelined responses leave in request order, RFC 9112 §9.3.2), flow control and closing state.
 */
import type { Socket } from 'node:net';
import { normalizeAddress } from '../../net/acceptor.js';
import { flushAtTurnEnd, type TurnEndFlushable } from '../../net/turn-end-flush.js';
import type { ClockTimer, ContainerClock } from '../../time/container-clock.js';
import type { HttpExchange } from './http-exchange.js';
import type { LlhttpParser } from './llhttp-parser.js';
import type { BodySource } from './request-body.js';

const EMPTY = Buffer.alloc(0);

function tellWritten(exchanges: readonly HttpExchange[]): void {
  for (let i = 0; i < exchanges.length; i++) (exchanges[i] as HttpExchange).outputWritten();
}

/** Why the socket is not being read; it is read again only when no reason is left. */
const PAUSE_BODY = 1;
const PAUSE_SLOT = 2;
/** The connection was rejected: nothing more is parsed, so nothing more is read. */
const PAUSE_REJECTED = 4;

export class Http11Connection implements BodySource, TurnEndFlushable {
  readonly id: string;
  readonly socket: Socket;
  /** The Server's clock: the idle timer, the write-stall watch and the request stamps are read from it. */
  readonly clock: ContainerClock;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
  parser: LlhttpParser | null = null;
  /** Hands reading back to the socket's 'data' events while the parser reads the handle itself; else null. */
  #toDataEvents: (() => void) | null = null;
  /** A request is being parsed: set by the read that began its head (or the head itself), cleared when it is complete. */
  inMessage = false;
  /** When the head of the request being parsed began (ms since epoch); 0 once the head is complete or idle. */
  headStartedAt = 0;
  readonly #open: HttpExchange[] = [];
  /** Exchanges whose response has not been handed to the socket in full; the first one writes. */
  readonly #writeQueue: HttpExchange[] = [];
  #requests = 0;
  #closing = false;
  #draining = false;
  #rejected = false;
  #waitingForSlot = 0;
  #pauses = 0;
  #corked = false;
  /** Exchanges whose last bytes were written under the cork, told once the socket has handed them to the kernel. */
  #awaitingWrite: HttpExchange[] = [];
  #deferred: Buffer | undefined;
  /** The socket's idle timeout as last set (ms, 0 = none); -1 = never set. */
  #timeout = -1;
  /** Runs out when the socket has not drained since a response stalled (watchWriteStall). */
  #stallTimer: ClockTimer | undefined;
  readonly #stallDrained = (): void => {
    this.clock.clearTimer(this.#stallTimer);
    this.#stallTimer = undefined;
    this.socket.off('drain', this.#stallDrained);
    this.socket.off('close', this.#stallDrained);
  };

  constructor(id: string, socket: Socket, clock: ContainerClock) {
    this.id = id;
    this.socket = socket;
    this.clock = clock;
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
    const open = this.#open;
    // Never `open[-1]`: on an empty list that is a lookup of the property named "-1", which V8 answers
    // through the runtime (~800 instructions after every response; bench/RESULTS.md 2026-11-22 09:20).
    return open.length === 0 ? undefined : open[open.length - 1];
  }

  add(exchange: HttpExchange): void {
    this.#open.push(exchange);
    this.#writeQueue.push(exchange);
  }

  remove(exchange: HttpExchange): void {
    const open = this.#open;
    const index = open.indexOf(exchange);
    // Usually the only one (no pipelining) or the oldest: no splice, which costs a call into the runtime.
    if (index === open.length - 1) open.pop();
    else if (index === 0) open.shift();
    else if (index > 0) open.splice(index, 1);
    this.#leaveWriteQueue(exchange);
  }

  /** True when `exchange` may write to the socket now: every response before it was handed over in full. */
  isWriter(exchange: HttpExchange): boolean {
    return this.#writeQueue[0] === exchange;
  }

  /** `exchange` handed its last bytes to the socket: the next response in line may write. */
  outputDone(exchange: HttpExchange): void {
    this.#leaveWriteQueue(exchange);
  }

  #leaveWriteQueue(exchange: HttpExchange): void {
    const queue = this.#writeQueue;
    if (queue[0] !== exchange) {
      const index = queue.indexOf(exchange);
      if (index > 0) queue.splice(index, 1);
      return;
    }
    queue.shift();
    // The next one may already have its whole response waiting.
    const next = queue[0];
    if (next !== undefined) next.takeTurn();
  }

  /**
   * Holds the socket's writes until the end of this event-loop turn, so a response's head and body, and
   * the responses to requests pipelined in one packet, leave in one system call, and the responses of
   * every connection served in this turn leave together (turn-end-flush.ts says why).
   */
  cork(): void {
    if (this.#corked) return;
    this.#corked = true;
    this.socket.cork();
    flushAtTurnEnd(this);
  }

  /**
   * Tells `exchange` (its outputWritten()) once the socket has handed everything written so far to the kernel.
   * Not a callback on socket.write(): for a write that carries one, node's Writable allocates a record and
   * queues a tick to call it, and its store of that record on the stream's state can fall to the runtime
   * (bench/RESULTS.md 2026-11-22 10:15). A write without one that the kernel takes at once ends in a counter
   * decrement.
   */
  afterWrites(exchange: HttpExchange): void {
    this.#awaitingWrite.push(exchange);
  }

  flushCorked(): void {
    this.#corked = false;
    const socket = this.socket;
    if (socket.writableCorked) socket.uncork();
    const waiting = this.#awaitingWrite;
    if (waiting.length === 0) return;
    this.#awaitingWrite = [];
    // Everything went to the kernel in the writes uncork() just made (or the socket is gone and nothing will):
    // the exchanges are told now. Otherwise an empty write's callback runs once the bytes before it are out.
    if (socket.writableLength === 0 || socket.destroyed) tellWritten(waiting);
    else socket.write(EMPTY, () => tellWritten(waiting));
  }

  /**
   * Closes at once, after handing the kernel what responses already wrote: destroying a corked socket would
   * drop bytes the application sent or flushed earlier in this turn.
   */
  destroy(error?: Error): void {
    if (this.#corked) this.flushCorked();
    this.socket.destroy(error);
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

  /** The parser failed on this connection: nothing more is parsed. */
  get rejected(): boolean {
    return this.#rejected;
  }

  markRejected(): void {
    this.#rejected = true;
    this.#pause(PAUSE_REJECTED);
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

  /** Requests of this connection waiting for a maxThreads slot; the socket is not read while any wait. */
  waitForSlot(): void {
    if (this.#waitingForSlot++ === 0) this.#pause(PAUSE_SLOT);
  }

  slotGranted(): void {
    if (this.#waitingForSlot > 0 && --this.#waitingForSlot === 0) this.#resume(PAUSE_SLOT);
  }

  pauseBody(): void {
    this.#pause(PAUSE_BODY);
  }

  resumeBody(): void {
    this.#resume(PAUSE_BODY);
  }

  /** True while the socket is not read for flow control (not the client's fault if a body stalls). */
  get readingPaused(): boolean {
    return (this.#pauses & (PAUSE_BODY | PAUSE_SLOT)) !== 0;
  }

  /**
   * The parser reads the socket's handle itself (llhttp-parser.ts consumeSocket). A handle has no paused
   * state of its own that still notices the client's FIN, so the first pause hands reading back to the socket
   * for good (`toDataEvents`): from then on a paused socket buffers up to its high-water mark and still sees
   * the client leave, as before. Pauses are rare (a queued request, a slow body reader, a rejection).
   */
  readThroughParser(toDataEvents: () => void): void {
    this.#toDataEvents = toDataEvents;
  }

  /** True while the parser reads the socket's handle itself. */
  get readByParser(): boolean {
    return this.#toDataEvents !== null;
  }

  /** Hands reading back to the socket's 'data' events for good; a no-op when they already deliver the reads. */
  readThroughDataEvents(): void {
    const toDataEvents = this.#toDataEvents;
    if (toDataEvents === null) return;
    this.#toDataEvents = null;
    toDataEvents();
  }

  #pause(reason: number): void {
    if (this.#pauses === 0) {
      this.readThroughDataEvents();
      this.socket.pause();
    }
    this.#pauses |= reason;
  }

  #resume(reason: number): void {
    if ((this.#pauses & reason) === 0) return;
    this.#pauses &= ~reason;
    if (this.#pauses === 0 && !this.socket.destroyed) this.socket.resume();
  }

  /**
   * Sets the socket's idle timeout unless it already has this value: re-arming a timer costs a timer-list
   * operation, and most requests on a keep-alive connection would set the same value again.
   */
  setTimeout(ms: number): void {
    if (ms === this.#timeout) return;
    this.#timeout = ms;
    this.clock.setIdleTimeout(this.socket, ms);
  }

  /**
   * A response stalled (the socket refused bytes): `onTimeout` runs if the socket has not drained within `ms`.
   * A drain ends the watch; a later stall starts a new one. The timer is a plain timer of the clock, not the
   * socket's idle timer, which every byte the kernel takes refreshes.
   */
  watchWriteStall(ms: number, onTimeout: () => void): void {
    if (this.#stallTimer !== undefined) return;
    this.#stallTimer = this.clock.setTimer(() => {
      this.#stallDrained();
      onTimeout();
    }, ms);
    this.socket.on('drain', this.#stallDrained);
    this.socket.on('close', this.#stallDrained);
  }

  /** True when bytes of a new request arrived since the connection went idle. */
  get hasPartialRequest(): boolean {
    return this.inMessage;
  }
}

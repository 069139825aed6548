/** One socket from the web server: its packet reader, the request in progress and the body packets still owed to us. */
import type { Socket } from 'node:net';
import { normalizeAddress } from '../../net/acceptor.js';
import { AjpPacketReader } from './ajp-packet-reader.js';
import type { AjpConnectionPort, AjpExchange } from './ajp-exchange.js';
import { getBodyChunkPacket, maxRequestBodyChunk } from './ajp-response-writer.js';

/** IDLE: waiting for FORWARD_REQUEST or CPING; ACTIVE: a request is being served; CLOSED: the socket is gone. */
export type AjpConnectionState = 'IDLE' | 'ACTIVE' | 'CLOSED';

/** Bytes held back before they are written without waiting for the end of the turn (a few body packets). */
const HOLD_LIMIT = 16 * 1024;

export interface AjpConnectionEvents {
  finishResponse(connection: AjpConnection, exchange: AjpExchange): Promise<void>;
  bodyPacketRequested(connection: AjpConnection): void;
}

export class AjpConnection implements AjpConnectionPort {
  /** Connections holding packets until the end of this turn of the event loop (see send). */
  static #batch: AjpConnection[] = [];
  static readonly #releaseBatch = (): void => {
    const batch = AjpConnection.#batch;
    AjpConnection.#batch = [];
    for (const connection of batch) {
      connection.#inBatch = false;
      connection.flush();
    }
  };

  readonly id: string;
  readonly socket: Socket;
  readonly reader: AjpPacketReader;
  readonly localAddress: string;
  /** The web server's address: the socket's peer (captured now: node clears it once the socket is destroyed). */
  readonly remoteAddress: string;
  /** GET_BODY_CHUNK for this packet size: never modified, so one buffer serves every request. */
  readonly #getBodyChunk: Buffer;
  readonly #events: AjpConnectionEvents;
  state: AjpConnectionState = 'IDLE';
  exchange: AjpExchange | null = null;
  /**
   * Body packets the web server will still send: the unasked first one of a request with Content-Length,
   * plus one per GET_BODY_CHUNK. They carry no type byte, so they can only be told apart by counting.
   */
  owedBodyPackets = 0;
  draining = false;
  /** Requests served on this connection. */
  served = 0;
  readonly #held: Buffer[] = [];
  #heldBytes = 0;
  #inBatch = false;

  constructor(id: string, socket: Socket, packetSize: number, events: AjpConnectionEvents) {
    this.id = id;
    this.socket = socket;
    this.reader = new AjpPacketReader(packetSize);
    this.localAddress = normalizeAddress(socket.localAddress);
    this.remoteAddress = normalizeAddress(socket.remoteAddress);
    this.#getBodyChunk = getBodyChunkPacket(maxRequestBodyChunk(packetSize));
    this.#events = events;
  }

  /** Nothing in progress and nothing owed: the connection can be closed without cutting anything off. */
  get quiescent(): boolean {
    return this.state === 'IDLE' && this.owedBodyPackets === 0 && !this.reader.hasPartialPacket;
  }

  /**
   * Queues packets; they leave together at the end of the event loop's turn, or sooner when a response ends,
   * the application flushes, or more than HOLD_LIMIT bytes wait. A small response is then one socket write
   * (SEND_HEADERS, SEND_BODY_CHUNK and END_RESPONSE in one buffer) instead of three: every write wakes the
   * web server's thread and costs both sides a syscall (the HTTP exchange batches its writes the same way).
   * Returns false when the socket buffer is full.
   */
  send(packets: readonly Buffer[]): boolean {
    const socket = this.socket;
    if (socket.destroyed || !socket.writable) return true;
    for (const packet of packets) {
      this.#held.push(packet);
      this.#heldBytes += packet.length;
    }
    if (this.#heldBytes >= HOLD_LIMIT) return this.flush();
    if (!this.#inBatch) {
      this.#inBatch = true;
      if (AjpConnection.#batch.push(this) === 1) setImmediate(AjpConnection.#releaseBatch);
    }
    return !socket.writableNeedDrain;
  }

  /** Writes what is held now, in one write; false when the socket buffer is full. */
  flush(callback?: () => void): boolean {
    const socket = this.socket;
    const held = this.#held;
    if (held.length === 0 || socket.destroyed || !socket.writable) {
      held.length = 0;
      this.#heldBytes = 0;
      if (callback !== undefined) callback();
      return !socket.writableNeedDrain;
    }
    const data = held.length === 1 ? (held[0] as Buffer) : Buffer.concat(held, this.#heldBytes);
    held.length = 0;
    this.#heldBytes = 0;
    return socket.write(data, callback);
  }

  /**
   * Queues the packets and writes everything held now, in one write; the callback runs once that is handed
   * to the kernel, or at once when the socket is gone.
   */
  sendNow(packets: readonly Buffer[], callback?: () => void): boolean {
    const socket = this.socket;
    if (!socket.destroyed && socket.writable) {
      for (const packet of packets) {
        this.#held.push(packet);
        this.#heldBytes += packet.length;
      }
    }
    return this.flush(callback);
  }

  drain(): Promise<void> {
    const socket = this.socket;
    if (socket.destroyed || !socket.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        socket.off('drain', done);
        socket.off('close', done);
        resolve();
      };
      socket.on('drain', done);
      socket.on('close', done);
    });
  }

  requestBodyPacket(): void {
    this.owedBodyPackets++;
    // The web server waits for it: it goes out now (with anything held before it, in order).
    this.sendNow([this.#getBodyChunk]);
    this.#events.bodyPacketRequested(this);
  }

  finishResponse(exchange: AjpExchange): Promise<void> {
    return this.#events.finishResponse(this, exchange);
  }

  destroy(error?: Error): void {
    this.socket.destroy(error);
  }
}

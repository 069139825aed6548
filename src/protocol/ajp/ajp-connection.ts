/** One socket from the web server: its packet reader, the request in progress and the body packets still owed to us. */
import type { Socket } from 'node:net';
import { normalizeAddress } from '../../net/acceptor.js';
import { AjpPacketReader } from './ajp-packet-reader.js';
import type { AjpConnectionPort, AjpExchange } from './ajp-exchange.js';
import { getBodyChunkPacket, maxRequestBodyChunk } from './ajp-response-writer.js';

/** IDLE: waiting for FORWARD_REQUEST or CPING; ACTIVE: a request is being served; CLOSED: the socket is gone. */
export type AjpConnectionState = 'IDLE' | 'ACTIVE' | 'CLOSED';

export interface AjpConnectionEvents {
  finishResponse(connection: AjpConnection, exchange: AjpExchange): Promise<void>;
  bodyPacketRequested(connection: AjpConnection): void;
}

export class AjpConnection implements AjpConnectionPort {
  readonly id: string;
  readonly socket: Socket;
  readonly reader: AjpPacketReader;
  readonly localAddress: string;
  readonly #packetSize: number;
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

  constructor(id: string, socket: Socket, packetSize: number, events: AjpConnectionEvents) {
    this.id = id;
    this.socket = socket;
    this.reader = new AjpPacketReader(packetSize);
    this.localAddress = normalizeAddress(socket.localAddress);
    this.#packetSize = packetSize;
    this.#events = events;
  }

  /** Nothing in progress and nothing owed: the connection can be closed without cutting anything off. */
  get quiescent(): boolean {
    return this.state === 'IDLE' && this.owedBodyPackets === 0 && !this.reader.hasPartialPacket;
  }

  send(packets: readonly Buffer[]): boolean {
    const socket = this.socket;
    if (socket.destroyed || !socket.writable) return true;
    let ok = true;
    if (packets.length > 1) socket.cork();
    for (const packet of packets) ok = socket.write(packet);
    if (packets.length > 1) socket.uncork();
    return ok;
  }

  /** Writes the packets and resolves once they are handed to the kernel (or the socket is gone). */
  sendAndWait(packets: readonly Buffer[]): Promise<void> {
    const socket = this.socket;
    if (socket.destroyed || !socket.writable) return Promise.resolve();
    return new Promise((resolve) => {
      if (packets.length > 1) socket.cork();
      packets.forEach((packet, index) => {
        if (index === packets.length - 1) socket.write(packet, () => resolve());
        else socket.write(packet);
      });
      if (packets.length > 1) socket.uncork();
    });
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
    this.send([getBodyChunkPacket(maxRequestBodyChunk(this.#packetSize))]);
    this.#events.bodyPacketRequested(this);
  }

  finishResponse(exchange: AjpExchange): Promise<void> {
    return this.#events.finishResponse(this, exchange);
  }

  destroy(error?: Error): void {
    this.socket.destroy(error);
  }
}

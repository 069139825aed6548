/**
 * Encodes one response as AJP packets to the web server, in the only order the protocol allows:
 * SEND_HEADERS, SEND_BODY_CHUNK* (split at packetSize), END_RESPONSE. Pure: returns buffers, writes nothing.
 */
import { STATUS_CODES } from 'node:http';
import { ContainerError, ProtocolError } from '../../errors/container-error.js';
import { MAGIC_TO_SERVER, MessageType, PACKET_HEADER_SIZE, RESPONSE_HEADER_CODES } from './ajp-constants.js';

/** HEAD_PENDING → BODY (or NO_BODY for HEAD, 1xx, 204, 304) → ENDED. */
export type AjpWriterState = 'HEAD_PENDING' | 'BODY' | 'NO_BODY' | 'ENDED';

/** type byte + u16 length before the data, NUL after it. */
const BODY_CHUNK_OVERHEAD = 4;

export const CPONG_PACKET: Buffer = Buffer.from([0x41, 0x42, 0x00, 0x01, MessageType.CPONG]);
/** END_RESPONSE with reuse = 1 and = 0: constant, so shared (never modified once built). */
const END_REUSE_PACKET: Buffer = Buffer.from([0x41, 0x42, 0x00, 0x02, MessageType.END_RESPONSE, 1]);
const END_CLOSE_PACKET: Buffer = Buffer.from([0x41, 0x42, 0x00, 0x02, MessageType.END_RESPONSE, 0]);

/** GET_BODY_CHUNK asking for up to `size` bytes. */
export function getBodyChunkPacket(size: number): Buffer {
  const packet = Buffer.allocUnsafe(PACKET_HEADER_SIZE + 3);
  packet.writeUInt16BE(MAGIC_TO_SERVER, 0);
  packet.writeUInt16BE(3, 2);
  packet[4] = MessageType.GET_BODY_CHUNK;
  packet.writeUInt16BE(size, 5);
  return packet;
}

/** The most request body data one body packet from the web server can hold (u16 length inside the payload). */
export function maxRequestBodyChunk(packetSize: number): number {
  return packetSize - PACKET_HEADER_SIZE - 2;
}

/** The most response body data one SEND_BODY_CHUNK can hold (8184 for packetSize 8192). */
export function maxResponseBodyChunk(packetSize: number): number {
  return packetSize - PACKET_HEADER_SIZE - BODY_CHUNK_OVERHEAD;
}

export class AjpResponseWriter {
  readonly #packetSize: number;
  #state: AjpWriterState = 'HEAD_PENDING';

  constructor(packetSize: number) {
    this.#packetSize = packetSize;
  }

  get state(): AjpWriterState {
    return this.#state;
  }

  /**
   * SEND_HEADERS. Header values go out as ISO-8859-1 bytes; names AJP has a code for are coded. The
   * reason phrase is what httpd puts on its status line, so a missing one is filled in from the status.
   */
  head(status: number, reason: string | null, headers: ReadonlyArray<readonly [string, string]>, bodyAllowed: boolean): Buffer {
    if (this.#state !== 'HEAD_PENDING') throw new ContainerError('SV_ERR_RESPONSE_COMMITTED', { action: 'send the headers' });
    const message = reason ?? STATUS_CODES[status] ?? String(status);
    // Sized first, then encoded in place into one buffer. ISO-8859-1 is one byte per character (characters
    // beyond U+00FF are truncated to their low byte, as Buffer's 'latin1' does), so lengths are string lengths.
    const count = headers.length;
    const codes: number[] = new Array<number>(count);
    let size = PACKET_HEADER_SIZE + 3 + 3 + message.length + 2;
    for (let i = 0; i < count; i++) {
      const [name, value] = headers[i] as readonly [string, string];
      const code = RESPONSE_HEADER_CODES.get(name.toLowerCase()) ?? 0;
      codes[i] = code;
      size += (code === 0 ? 3 + name.length : 2) + 3 + value.length;
    }
    if (size > this.#packetSize) {
      throw new ProtocolError('SV_ERR_AJP_PACKET_TOO_LARGE', { length: size, limit: this.#packetSize });
    }
    const packet = Buffer.allocUnsafe(size);
    packet.writeUInt16BE(MAGIC_TO_SERVER, 0);
    packet.writeUInt16BE(size - PACKET_HEADER_SIZE, 2);
    packet[4] = MessageType.SEND_HEADERS;
    packet.writeUInt16BE(status, 5);
    let at = putString(packet, 7, message);
    packet.writeUInt16BE(count, at);
    at += 2;
    for (let i = 0; i < count; i++) {
      const [name, value] = headers[i] as readonly [string, string];
      const code = codes[i] as number;
      if (code === 0) {
        at = putString(packet, at, name);
      } else {
        packet.writeUInt16BE(code, at);
        at += 2;
      }
      at = putString(packet, at, value);
    }
    this.#state = bodyAllowed ? 'BODY' : 'NO_BODY';
    return packet;
  }

  /** SEND_BODY_CHUNK packets for the data, each at most packetSize; nothing when the response has no body. */
  body(data: Uint8Array): Buffer[] {
    if (this.#state === 'HEAD_PENDING' || this.#state === 'ENDED') {
      throw new ProtocolError('SV_ERR_AJP_RESPONSE_STATE', { step: 'body data', state: this.#state });
    }
    if (this.#state === 'NO_BODY' || data.byteLength === 0) return [];
    const max = maxResponseBodyChunk(this.#packetSize);
    const packets: Buffer[] = [];
    for (let offset = 0; offset < data.byteLength; offset += max) {
      const length = Math.min(max, data.byteLength - offset);
      const packet = Buffer.allocUnsafe(PACKET_HEADER_SIZE + BODY_CHUNK_OVERHEAD + length);
      packet.writeUInt16BE(MAGIC_TO_SERVER, 0);
      packet.writeUInt16BE(BODY_CHUNK_OVERHEAD + length, 2);
      packet[4] = MessageType.SEND_BODY_CHUNK;
      packet.writeUInt16BE(length, 5);
      packet.set(data.subarray(offset, offset + length), 7);
      packet[7 + length] = 0;
      packets.push(packet);
    }
    return packets;
  }

  /** An empty SEND_BODY_CHUNK: mod_proxy_ajp and mod_jk flush what they hold to the client (ajpFlush). */
  flush(): Buffer | null {
    if (this.#state !== 'BODY') return null;
    const packet = Buffer.alloc(PACKET_HEADER_SIZE + BODY_CHUNK_OVERHEAD);
    packet.writeUInt16BE(MAGIC_TO_SERVER, 0);
    packet.writeUInt16BE(BODY_CHUNK_OVERHEAD, 2);
    packet[4] = MessageType.SEND_BODY_CHUNK;
    return packet;
  }

  /** END_RESPONSE; reuse=false tells the web server to close this connection. */
  end(reuse: boolean): Buffer {
    if (this.#state === 'HEAD_PENDING' || this.#state === 'ENDED') {
      throw new ProtocolError('SV_ERR_AJP_RESPONSE_STATE', { step: 'END_RESPONSE', state: this.#state });
    }
    this.#state = 'ENDED';
    return reuse ? END_REUSE_PACKET : END_CLOSE_PACKET;
  }
}

/** u16 length, the ISO-8859-1 bytes, NUL; returns the offset after it (the buffer was sized for it). */
function putString(packet: Buffer, at: number, value: string): number {
  const length = value.length;
  packet.writeUInt16BE(length, at);
  if (length > 0) packet.write(value, at + 2, length, 'latin1');
  packet[at + 2 + length] = 0;
  return at + 3 + length;
}

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
    const parts: Buffer[] = [];
    const small = Buffer.allocUnsafe(5);
    small[0] = MessageType.SEND_HEADERS;
    small.writeUInt16BE(status, 1);
    parts.push(small.subarray(0, 3));
    parts.push(encodeString(reason ?? STATUS_CODES[status] ?? String(status)));
    const count = Buffer.allocUnsafe(2);
    count.writeUInt16BE(headers.length, 0);
    parts.push(count);
    for (const [name, value] of headers) {
      const code = RESPONSE_HEADER_CODES.get(name.toLowerCase());
      if (code === undefined) {
        parts.push(encodeString(name));
      } else {
        const coded = Buffer.allocUnsafe(2);
        coded.writeUInt16BE(code, 0);
        parts.push(coded);
      }
      parts.push(encodeString(value));
    }
    const packet = this.#frame(Buffer.concat(parts));
    this.#state = bodyAllowed ? 'BODY' : 'NO_BODY';
    return packet;
  }

  /** SEND_BODY_CHUNK packets for the data, each at most packetSize; nothing when the response has no body. */
  body(data: Uint8Array): Buffer[] {
    if (this.#state === 'HEAD_PENDING' || this.#state === 'ENDED') {
      throw new ProtocolError('SV_ERR_AJP_MALFORMED', { what: 'response', detail: `body data in state [${this.#state}]` });
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
      throw new ProtocolError('SV_ERR_AJP_MALFORMED', { what: 'response', detail: `END_RESPONSE in state [${this.#state}]` });
    }
    this.#state = 'ENDED';
    return this.#frame(Buffer.from([MessageType.END_RESPONSE, reuse ? 1 : 0]));
  }

  #frame(payload: Buffer): Buffer {
    if (payload.length + PACKET_HEADER_SIZE > this.#packetSize) {
      throw new ProtocolError('SV_ERR_AJP_PACKET_TOO_LARGE', { length: payload.length + PACKET_HEADER_SIZE, limit: this.#packetSize });
    }
    const header = Buffer.allocUnsafe(PACKET_HEADER_SIZE);
    header.writeUInt16BE(MAGIC_TO_SERVER, 0);
    header.writeUInt16BE(payload.length, 2);
    return Buffer.concat([header, payload]);
  }
}

function encodeString(value: string): Buffer {
  const bytes = Buffer.from(value, 'latin1');
  const out = Buffer.allocUnsafe(bytes.length + 3);
  out.writeUInt16BE(bytes.length, 0);
  bytes.copy(out, 2);
  out[bytes.length + 2] = 0;
  return out;
}

/**
 * Incremental reader of AJP packets from the web server: fed the socket's bytes however they are split,
 * it yields whole payloads and rejects bad magic or a length beyond packetSize before the payload arrives.
 */
import { ProtocolError } from '../../errors/container-error.js';
import { MAGIC_FROM_SERVER, PACKET_HEADER_SIZE } from './ajp-constants.js';

/** HEADER: collecting the 4 header bytes; PAYLOAD: collecting the declared payload; FAILED is sticky. */
export type AjpReaderState = 'HEADER' | 'PAYLOAD' | 'FAILED';

export class AjpPacketReader {
  readonly #maxPayload: number;
  readonly #header = Buffer.alloc(PACKET_HEADER_SIZE);
  #headerFilled = 0;
  #payload: Buffer = Buffer.alloc(0);
  #payloadFilled = 0;
  #state: AjpReaderState = 'HEADER';

  /** packetSize counts the 4 header bytes, as Tomcat's attribute does. */
  constructor(packetSize: number) {
    this.#maxPayload = packetSize - PACKET_HEADER_SIZE;
  }

  get state(): AjpReaderState {
    return this.#state;
  }

  /** True while part of a packet has arrived but not all of it. */
  get hasPartialPacket(): boolean {
    return this.#state === 'PAYLOAD' || this.#headerFilled > 0;
  }

  /**
   * Consumes bytes and returns the payloads completed by them, in order. Throws a ProtocolError on the
   * first bad packet; the reader then stays FAILED (the stream cannot be resynchronised).
   */
  push(chunk: Uint8Array): Buffer[] {
    if (this.#state === 'FAILED') throw new ProtocolError('SV_ERR_AJP_READER_FAILED');
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const packets: Buffer[] = [];
    let offset = 0;
    while (offset < bytes.length) {
      if (this.#state === 'HEADER') {
        const take = Math.min(PACKET_HEADER_SIZE - this.#headerFilled, bytes.length - offset);
        bytes.copy(this.#header, this.#headerFilled, offset, offset + take);
        this.#headerFilled += take;
        offset += take;
        // The magic is checked as soon as its two bytes are in: a stray HTTP client fails on its first read.
        if (this.#headerFilled >= 2) this.#checkMagic();
        if (this.#headerFilled < PACKET_HEADER_SIZE) continue;
        const length = this.#header.readUInt16BE(2);
        if (length > this.#maxPayload) {
          this.#state = 'FAILED';
          throw new ProtocolError('SV_ERR_AJP_PACKET_TOO_LARGE', {
            length: length + PACKET_HEADER_SIZE,
            limit: this.#maxPayload + PACKET_HEADER_SIZE,
          });
        }
        this.#headerFilled = 0;
        if (length === 0) {
          packets.push(Buffer.alloc(0));
          continue;
        }
        // A payload wholly inside this chunk is a view on it (socket chunks are never reused by node).
        if (bytes.length - offset >= length) {
          packets.push(bytes.subarray(offset, offset + length));
          offset += length;
          continue;
        }
        this.#payload = Buffer.allocUnsafe(length);
        this.#payloadFilled = 0;
        this.#state = 'PAYLOAD';
        continue;
      }
      const take = Math.min(this.#payload.length - this.#payloadFilled, bytes.length - offset);
      bytes.copy(this.#payload, this.#payloadFilled, offset, offset + take);
      this.#payloadFilled += take;
      offset += take;
      if (this.#payloadFilled === this.#payload.length) {
        packets.push(this.#payload);
        this.#payload = Buffer.alloc(0);
        this.#state = 'HEADER';
      }
    }
    return packets;
  }

  #checkMagic(): void {
    const magic = this.#header.readUInt16BE(0);
    if (magic === MAGIC_FROM_SERVER) return;
    this.#state = 'FAILED';
    throw new ProtocolError('SV_ERR_AJP_BAD_MAGIC', { magic: `0x${magic.toString(16).padStart(4, '0')}` });
  }
}

/**
 * The request body of one AJP request as a Readable: data arrives in body packets, the first unasked when
 * Content-Length > 0, every further one only after a GET_BODY_CHUNK, which is sent when the reader wants more.
 */
import { Readable } from 'node:stream';
import { ProtocolError } from '../../errors/container-error.js';

export interface BodyPacketSource {
  /** Sends GET_BODY_CHUNK; the web server answers with exactly one body packet. */
  requestBodyPacket(): void;
}

export class AjpRequestBody extends Readable {
  readonly #source: BodyPacketSource;
  /** -1 = unknown (chunked): the body ends with an empty packet. */
  readonly #contentLength: number;
  #received = 0;
  #awaitingPacket: boolean;
  #complete = false;

  /** firstPacketComing: the web server sends the first body packet without being asked (Content-Length > 0). */
  constructor(source: BodyPacketSource, contentLength: number, chunked: boolean) {
    super();
    this.#source = source;
    this.#contentLength = chunked ? -1 : contentLength;
    this.#awaitingPacket = !chunked && contentLength > 0;
    // The processor fails the body when the connection breaks; an application that never reads it must not
    // turn that into an uncaught 'error'. Readers attach their own listeners and still see it.
    this.on('error', () => undefined);
    if (!chunked && contentLength <= 0) this.#finish();
  }

  get bytesReceived(): number {
    return this.#received;
  }

  /** True once the last body byte (or the empty end packet) has arrived. */
  get complete(): boolean {
    return this.#complete;
  }

  /** True while a body packet has been asked for (or is due unasked) and has not arrived. */
  get awaitingPacket(): boolean {
    return this.#awaitingPacket;
  }

  /** The payload of one body packet: u16 length, then that many bytes. Throws ProtocolError when malformed. */
  onPacket(payload: Buffer): void {
    this.#awaitingPacket = false;
    if (this.#complete) return;
    if (payload.length === 0) {
      this.#finish();
      return;
    }
    if (payload.length < 2) {
      throw new ProtocolError('SV_ERR_AJP_MALFORMED', {
        what: 'body packet',
        reason: 'a body packet is too short for its length field, of bytes',
        value: payload.length,
      });
    }
    const length = payload.readUInt16BE(0);
    if (length > payload.length - 2) {
      throw new ProtocolError('SV_ERR_AJP_BODY_LENGTH_MISMATCH', { declared: length, carried: payload.length - 2 });
    }
    if (length === 0) {
      this.#finish();
      return;
    }
    this.#received += length;
    if (this.#contentLength >= 0 && this.#received > this.#contentLength) {
      throw new ProtocolError('SV_ERR_AJP_BODY_TOO_LONG', { received: this.#received, contentLength: this.#contentLength });
    }
    this.push(payload.subarray(2, 2 + length));
    if (this.#contentLength >= 0 && this.#received === this.#contentLength) this.#finish();
  }

  /** The connection closed or the request failed before the body was complete; no error = the response ended first. */
  fail(error?: Error): void {
    if (this.#complete) return;
    this.#complete = true;
    this.destroy(error);
  }

  override _read(): void {
    if (this.#complete || this.#awaitingPacket) return;
    this.#awaitingPacket = true;
    this.#source.requestBodyPacket();
  }

  #finish(): void {
    if (this.#complete) return;
    this.#complete = true;
    this.push(null);
  }
}

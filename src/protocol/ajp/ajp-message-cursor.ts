/** Reads AJP data types (byte, boolean, u16 integer, length-prefixed string) off one packet payload, refusing to run past its end. */
import { ProtocolError } from '../../errors/container-error.js';
import type { ParamsOf } from '../../errors/codes.js';

export type AjpMalformedReason = ParamsOf<'SV_ERR_AJP_MALFORMED'>['reason'];
import { NULL_STRING_LENGTH } from './ajp-constants.js';

export class AjpMessageCursor {
  readonly #payload: Buffer;
  readonly #what: string;
  #offset = 0;

  /** what: named in error messages ("FORWARD_REQUEST"). */
  constructor(payload: Buffer, what: string) {
    this.#payload = payload;
    this.#what = what;
  }

  get remaining(): number {
    return this.#payload.length - this.#offset;
  }

  byte(field: string): number {
    this.#need(1, field);
    return this.#payload[this.#offset++] as number;
  }

  bool(field: string): boolean {
    return this.byte(field) !== 0;
  }

  int(field: string): number {
    this.#need(2, field);
    const value = this.#payload.readUInt16BE(this.#offset);
    this.#offset += 2;
    return value;
  }

  peekInt(field: string): number {
    this.#need(2, field);
    return this.#payload.readUInt16BE(this.#offset);
  }

  /** u16 length, the bytes (ISO-8859-1, as node:http decodes header bytes), then a NUL not counted in the length. */
  string(field: string): string | null {
    const length = this.int(field);
    if (length === NULL_STRING_LENGTH) return null;
    this.#need(length + 1, field);
    const value = this.#payload.toString('latin1', this.#offset, this.#offset + length);
    if (this.#payload[this.#offset + length] !== 0) this.fail('a string is not NUL-terminated in field', field);
    this.#offset += length + 1;
    return value;
  }

  /** A string that may not be null. */
  requiredString(field: string): string {
    const value = this.string(field);
    if (value === null) this.fail('a required string is null in field', field);
    return value;
  }

  fail(reason: AjpMalformedReason, value: string | number): never {
    throw new ProtocolError('SV_ERR_AJP_MALFORMED', { what: this.#what, reason, value });
  }

  #need(count: number, field: string): void {
    if (this.#offset + count > this.#payload.length) {
      throw new ProtocolError('SV_ERR_AJP_TRUNCATED', {
        what: this.#what,
        field,
        count,
        offset: this.#offset,
        length: this.#payload.length,
      });
    }
  }
}

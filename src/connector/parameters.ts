/**
 * Request parameters (Servlet spec §3.1): application/x-www-form-urlencoded pairs from the query string and
 * the form body, in order, with `+` as space and %-escapes decoded in the given charset.
 */
import { ContainerError } from '../errors/container-error.js';
import type { ParameterParseFailure } from '../filters/parameter-parse-attributes.js';
import type { Charset } from './content-type.js';

const AMP = 0x26;
const EQUALS = 0x3d;
const PLUS = 0x2b;
const PERCENT = 0x25;

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x37;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57;
  return -1;
}

/** Decodes `+` and %XX into bytes; null on a malformed escape. */
function urlDecode(bytes: Uint8Array, start: number, end: number): Uint8Array | null {
  const out = new Uint8Array(end - start);
  let length = 0;
  for (let i = start; i < end; i++) {
    const b = bytes[i]!;
    if (b === PLUS) {
      out[length++] = 0x20;
    } else if (b === PERCENT) {
      if (i + 2 >= end) return null;
      const hi = hexValue(bytes[i + 1]!);
      const lo = hexValue(bytes[i + 2]!);
      if (hi < 0 || lo < 0) return null;
      out[length++] = (hi << 4) | lo;
      i += 2;
    } else {
      out[length++] = b;
    }
  }
  return out.subarray(0, length);
}

export class Parameters {
  readonly #values = new Map<string, string[]>();
  readonly #maxParameterCount: number;
  #count = 0;
  #decodeFailures = 0;
  #failure: ParameterParseFailure | null = null;

  constructor(maxParameterCount: number) {
    this.#maxParameterCount = maxParameterCount;
  }

  /** Adds one parameter; beyond maxParameterCount the request fails with 400 (CVE-2012-0022 class DoS). */
  add(name: string, value: string): void {
    if (this.#count >= this.#maxParameterCount) {
      throw new ContainerError('SV_ERR_HTTP_TOO_MANY_PARAMETERS', { limit: this.#maxParameterCount });
    }
    this.#count++;
    const list = this.#values.get(name);
    if (list === undefined) this.#values.set(name, [value]);
    else list.push(value);
  }

  /**
   * Parses `name=value&…` (still %-encoded; a string is taken as ISO-8859-1 bytes). Empty chunks and
   * chunks without a name are skipped; `name` alone means an empty value; a chunk with a malformed
   * %-escape is skipped as a whole, like Tomcat's Parameters.processParameters, which records the skip
   * (not for an empty chunk) as the failure FailedRequestFilter refuses.
   */
  addEncoded(input: Uint8Array | string, charset: Charset): void {
    const bytes = typeof input === 'string' ? Buffer.from(input, 'latin1') : input;
    let pos = 0;
    while (pos < bytes.length) {
      let end = bytes.indexOf(AMP, pos);
      if (end < 0) end = bytes.length;
      let eq = bytes.indexOf(EQUALS, pos);
      if (eq < 0 || eq > end) eq = -1;
      const nameEnd = eq < 0 ? end : eq;
      if (nameEnd > pos) {
        const name = urlDecode(bytes, pos, nameEnd);
        const value = eq < 0 ? new Uint8Array(0) : urlDecode(bytes, eq + 1, end);
        if (name === null || value === null) {
          this.#decodeFailures++;
          this.#failure ??= 'URL_DECODING';
        } else {
          this.add(charset.decode(name), charset.decode(value));
        }
      } else if (eq >= 0) {
        this.#failure ??= 'NO_NAME';
      }
      pos = end + 1;
    }
  }

  get size(): number {
    return this.#count;
  }

  /** Chunks skipped because of a malformed %-escape (for debug logging). */
  get decodeFailures(): number {
    return this.#decodeFailures;
  }

  /** Why the first chunk was skipped, or null when none was (Tomcat keeps the first reason too). */
  get failure(): ParameterParseFailure | null {
    return this.#failure;
  }

  get(name: string): string | null {
    return this.#values.get(name)?.[0] ?? null;
  }

  getValues(name: string): string[] | null {
    const list = this.#values.get(name);
    return list === undefined ? null : [...list];
  }

  names(): string[] {
    return [...this.#values.keys()];
  }

  /** A fresh copy: callers may change it without affecting the request. */
  toMap(): Map<string, string[]> {
    return new Map([...this.#values].map(([name, values]) => [name, [...values]]));
  }
}

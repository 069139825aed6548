/**
 * Watches a multipart/form-data body as it streams (RFC 7578, RFC 2046 §5.1.1) for what busboy cannot bound or
 * does not report: the number of parts (maxPartCount) and the size of each part's header section
 * (maxPartHeaderSize), both checked before any content of the offending part is kept, and the raw header
 * fields of every part (Part.getHeader). A pure incremental state machine: bytes in, header sections out.
 */
import { ContainerError } from '../errors/container-error.js';

export type PartHeaders = ReadonlyArray<readonly [name: string, value: string]>;

export interface MultipartScannerLimits {
  /** Infinity = no limit. */
  readonly maxPartCount: number;
  /** Bytes of one header section including its closing blank line; Infinity = no limit. */
  readonly maxPartHeaderSize: number;
}

type State = 'preamble' | 'after-delimiter' | 'headers' | 'content' | 'epilogue';

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

export class MultipartScanner {
  /** `CRLF--boundary`: the delimiter of RFC 2046 (the first one is matched after an implicit CRLF). */
  readonly #delimiter: Buffer;
  readonly #limits: MultipartScannerLimits;
  readonly #onHeaders: (headers: PartHeaders) => void;
  #state: State = 'preamble';
  /** Bytes kept from the previous chunk: a possible start of the delimiter, or an unfinished header section. */
  #pending: Buffer = CRLF;
  #parts = 0;

  constructor(boundary: string, limits: MultipartScannerLimits, onHeaders: (headers: PartHeaders) => void) {
    this.#delimiter = Buffer.from(`\r\n--${boundary}`, 'latin1');
    this.#limits = limits;
    this.#onHeaders = onHeaders;
  }

  /** Parts whose header section has started so far. */
  get partCount(): number {
    return this.#parts;
  }

  /** True once the closing delimiter (`--boundary--`) has been seen. */
  get complete(): boolean {
    return this.#state === 'epilogue';
  }

  /** Throws a coded ContainerError at the first breach of a limit or of the framing. */
  push(chunk: Uint8Array): void {
    if (this.#state === 'epilogue') return;
    const data =
      this.#pending.length === 0 ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength) : Buffer.concat([this.#pending, chunk]);
    this.#pending = Buffer.alloc(0);
    let position = 0;
    while (position < data.length) {
      switch (this.#state) {
        case 'preamble':
        case 'content': {
          const found = data.indexOf(this.#delimiter, position);
          if (found < 0) {
            // Keep what could be the start of a delimiter split across chunks.
            const keep = Math.min(this.#delimiter.length - 1, data.length - position);
            this.#pending = Buffer.from(data.subarray(data.length - keep));
            return;
          }
          position = found + this.#delimiter.length;
          this.#state = 'after-delimiter';
          break;
        }
        case 'after-delimiter': {
          if (data.length - position < 2) {
            this.#pending = Buffer.from(data.subarray(position));
            return;
          }
          const first = data[position]!;
          const second = data[position + 1]!;
          if (first === 0x2d && second === 0x2d) {
            this.#state = 'epilogue';
            return;
          }
          if (first !== 0x0d || second !== 0x0a) {
            throw new ContainerError('SV_ERR_HTTP_MULTIPART_MALFORMED', { reason: 'a boundary line is not followed by CRLF or "--"' });
          }
          position += 2;
          this.#parts++;
          if (this.#parts > this.#limits.maxPartCount) {
            throw new ContainerError('SV_ERR_HTTP_MULTIPART_TOO_MANY_PARTS', { limit: this.#limits.maxPartCount });
          }
          this.#state = 'headers';
          break;
        }
        case 'headers': {
          const section = this.#headerSection(data, position);
          if (section === null) {
            this.#checkHeaderSize(data.length - position);
            this.#pending = Buffer.from(data.subarray(position));
            return;
          }
          this.#checkHeaderSize(section - position);
          this.#onHeaders(parseHeaderSection(data.subarray(position, section)));
          position = section;
          // The content starts right after the blank line; the next delimiter's CRLF belongs to the delimiter.
          this.#state = 'content';
          break;
        }
      }
    }
  }

  /** End of the header section (offset after its blank line), or null when it is not complete yet. */
  #headerSection(data: Buffer, position: number): number | null {
    // An empty header section is just the blank line.
    if (data.length - position >= 2 && data[position] === 0x0d && data[position + 1] === 0x0a) return position + 2;
    const end = data.indexOf(HEADER_END, position);
    return end < 0 ? null : end + HEADER_END.length;
  }

  #checkHeaderSize(size: number): void {
    if (size > this.#limits.maxPartHeaderSize) {
      throw new ContainerError('SV_ERR_HTTP_MULTIPART_HEADER_TOO_LARGE', { index: this.#parts, limit: this.#limits.maxPartHeaderSize });
    }
  }
}

/** `Name: value` lines in UTF-8 (what browsers send for non-ASCII file names, RFC 7578 §4.2). */
function parseHeaderSection(section: Buffer): PartHeaders {
  const headers: [string, string][] = [];
  for (const line of section.toString('utf8').split('\r\n')) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) {
      throw new ContainerError('SV_ERR_HTTP_MULTIPART_MALFORMED', { reason: 'a part header line has no field name' });
    }
    headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  return headers;
}

/** The `boundary` parameter of a multipart Content-Type (quoted or not), or null. */
export function multipartBoundary(contentType: string): string | null {
  const match = /;\s*boundary\s*=\s*(?:"([^"]{1,70})"|([^";\s]{1,70}))/i.exec(contentType);
  return match === null ? null : (match[1] ?? match[2]!);
}

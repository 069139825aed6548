/**
 * How a response body is delimited on the wire (RFC 9112 §6.3): by the Content-Length the head announced, by
 * chunked transfer coding (§7.1), by closing the connection (HTTP/1.0 without a length), or not at all (HEAD,
 * 1xx, 204, 304). One strategy object per kind; compression (compressed-body.ts) sits in front of one of them
 * and hands it encoded bytes.
 */
import { ContainerError } from '../../errors/container-error.js';

/** What the head announces: the Content-Length field, `Transfer-Encoding: chunked`, neither with a body that ends at the close, or no body. */
export type FramingKind = 'length' | 'chunked' | 'close-delimited' | 'none';

/** Whether the head may carry the Content-Length the application gave. */
export type LengthField = 'as-given' | 'omitted';

/** The framing fields the application gave (field-block.ts). */
export interface GivenFraming {
  readonly contentLength: string | undefined;
  /** Transfer-Encoding ends with chunked. */
  readonly chunked: boolean;
}

/** What the framing needs of the request. */
export interface FramedRequest {
  readonly method: string;
  readonly versionMinor: number;
}

export interface BodyFraming {
  readonly kind: FramingKind;
  /**
   * The part of `chunk` that goes on the wire, or null when nothing does (no body, an empty chunk, which in
   * chunked coding would read as the last chunk, or a Content-Length body already complete).
   */
  admit(chunk: Uint8Array): Uint8Array | null;
  /** What precedes an admitted chunk of `size` bytes: its chunk-size line in chunked coding, else nothing. */
  chunkPrefix(size: number): string;
  /** Bytes after each admitted chunk: the CRLF that closes a chunk (RFC 9112 §7.1), else 0. */
  readonly chunkSuffixLength: number;
  /** Every byte the head announced has been admitted: the write that admitted the last ones completes the response. */
  readonly complete: boolean;
  /** Ending now leaves fewer bytes than announced: the client would wait for the rest forever, only closing ends it. */
  readonly short: boolean;
  /** The bytes that end the body (chunked: the last chunk and the trailer section, RFC 9112 §7.1.2), '' when none. */
  lastChunk(trailerBlock: string): string;
}

export function isBodilessStatus(status: number): boolean {
  // RFC 9110 §15.2 (1xx), §15.3.5 (204), §15.4.5 (304): never a body, whatever the fields say.
  return status === 204 || status === 304 || (status >= 100 && status < 200);
}

/**
 * The framing the head announces. A HEAD response announces what its GET would (RFC 9110 §9.3.2), so the
 * request method plays no part here; `lengthField` 'omitted' is HEAD where GET would be compressed whole.
 */
export function announcedFraming(status: number, fields: GivenFraming, request: FramedRequest, lengthField: LengthField): FramingKind {
  if (isBodilessStatus(status) || lengthField === 'omitted') return 'none';
  // Content-Length never beside chunked (RFC 9112 §6.3): an application that asked for chunked gets chunked.
  if (fields.contentLength !== undefined && !fields.chunked) return 'length';
  if (request.versionMinor !== 0) return 'chunked';
  // HTTP/1.0 has no chunked coding: the end of the body is the end of the connection (RFC 9112 §6.3 rule 8).
  return request.method !== 'HEAD' ? 'close-delimited' : 'none';
}

/** The strategy for the bytes that follow the head: none for HEAD, whatever its head announced. */
export function bodyFraming(kind: FramingKind, fields: GivenFraming, request: FramedRequest): BodyFraming {
  const bodyFollows = request.method !== 'HEAD';
  if (kind === 'length') {
    const length = Number(fields.contentLength);
    // Checked for HEAD too: the field goes out either way.
    if (!Number.isSafeInteger(length) || length < 0) {
      throw new ContainerError('SV_ERR_HTTP_INVALID_HEADER_VALUE', { name: 'Content-Length' });
    }
    return bodyFollows ? new LengthFraming(length) : NO_BODY;
  }
  if (!bodyFollows) return NO_BODY;
  switch (kind) {
    case 'chunked':
      return CHUNKED;
    case 'close-delimited':
      return CLOSE_DELIMITED;
    case 'none':
      return NO_BODY;
  }
}

/** Content-Length: at most the declared bytes go out; more would be read as the start of the next response. */
class LengthFraming implements BodyFraming {
  readonly kind = 'length';
  readonly chunkSuffixLength = 0;
  #remaining: number;
  #complete = false;

  constructor(length: number) {
    this.#remaining = length;
  }

  get complete(): boolean {
    return this.#complete;
  }

  get short(): boolean {
    return this.#remaining > 0;
  }

  admit(chunk: Uint8Array): Uint8Array | null {
    if (this.#complete) return null;
    // Bytes beyond the declared length would be taken for the next response: they are dropped.
    const admitted = chunk.byteLength > this.#remaining ? chunk.subarray(0, this.#remaining) : chunk;
    this.#remaining -= admitted.byteLength;
    // The declared length is reached: the response is complete (Servlet 6.0 §5.6). An empty write at length 0
    // completes it too, and carries the head.
    if (this.#remaining === 0) this.#complete = true;
    return admitted;
  }

  chunkPrefix(): string {
    return '';
  }

  lastChunk(): string {
    return '';
  }
}

/** Chunked transfer coding (RFC 9112 §7.1): each write is one chunk; stateless, so one instance serves all. */
class ChunkedFraming implements BodyFraming {
  readonly kind = 'chunked';
  readonly chunkSuffixLength = 2;
  readonly complete = false;
  readonly short = false;

  admit(chunk: Uint8Array): Uint8Array | null {
    // A zero-size chunk is the last chunk on the wire: an empty write must not send one.
    return chunk.byteLength === 0 ? null : chunk;
  }

  chunkPrefix(size: number): string {
    return `${size.toString(16)}\r\n`;
  }

  lastChunk(trailerBlock: string): string {
    return trailerBlock === '' ? LAST_CHUNK : `0\r\n${trailerBlock}\r\n`;
  }
}

/** HTTP/1.0 without a length: the bytes go as they are and closing the connection ends the body. */
class CloseDelimitedFraming implements BodyFraming {
  readonly kind = 'close-delimited';
  readonly chunkSuffixLength = 0;
  readonly complete = false;
  readonly short = false;

  admit(chunk: Uint8Array): Uint8Array {
    return chunk;
  }

  chunkPrefix(): string {
    return '';
  }

  lastChunk(): string {
    return '';
  }
}

/** No body on the wire (HEAD, 1xx, 204, 304): writes only push out the head. */
class NoBody implements BodyFraming {
  readonly kind = 'none';
  readonly chunkSuffixLength = 0;
  readonly complete = false;
  readonly short = false;

  admit(): null {
    return null;
  }

  chunkPrefix(): string {
    return '';
  }

  lastChunk(): string {
    return '';
  }
}

export const LAST_CHUNK = '0\r\n\r\n';
const CHUNKED = new ChunkedFraming();
const CLOSE_DELIMITED = new CloseDelimitedFraming();
/** The framing before a head is committed, and for responses without a body. */
export const NO_BODY: BodyFraming = new NoBody();

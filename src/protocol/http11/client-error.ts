/** Classifies node:http 'clientError's (parser failures, header timeouts, socket errors) into a status and error code. */
import { STATUS_CODES } from 'node:http';
import { dateHeaderLine } from './response-head.js';

export interface ClientErrorClass {
  readonly status: number;
  readonly code:
    'SV_ERR_HTTP_HEADER_TOO_LARGE' | 'SV_ERR_HTTP_HEADER_TIMEOUT' | 'SV_ERR_HTTP_VERSION_NOT_SUPPORTED' | 'SV_ERR_HTTP_BAD_REQUEST';
  /** llhttp's reason (or its code when it gave none). */
  readonly detail: string;
}

export interface RequestLine {
  readonly method: string;
  readonly target: string;
  readonly protocol: string;
}

/**
 * What a clientError means for the wire. null = the peer went away or the socket failed (ECONNRESET, EPIPE…):
 * nothing can be answered and nothing is logged as a rejected request. Only llhttp's code and reason are
 * used, never the bytes of the packet that failed: the answer must not depend on how the request was split
 * into TCP segments.
 */
export function classifyClientError(error: unknown): ClientErrorClass | null {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  const reason = typeof error === 'object' && error !== null && 'reason' in error ? String(error.reason) : '';
  const detail = reason !== '' ? reason : code;
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      // 431 (RFC 6585 §5) as llhttp reports it; Tomcat answers 400 for the same condition.
      return { status: 431, code: 'SV_ERR_HTTP_HEADER_TOO_LARGE', detail };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, code: 'SV_ERR_HTTP_HEADER_TIMEOUT', detail };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, code: 'SV_ERR_HTTP_BAD_REQUEST', detail };
    case 'HPE_INVALID_VERSION':
      // llhttp says "Invalid HTTP version" for a well-formed but unsupported one (RFC 9110 §15.6.6: 505);
      // its other reasons ("Expected CRLF after version", "Invalid major version"…) are syntax errors.
      return reason === 'Invalid HTTP version'
        ? { status: 505, code: 'SV_ERR_HTTP_VERSION_NOT_SUPPORTED', detail }
        : { status: 400, code: 'SV_ERR_HTTP_BAD_REQUEST', detail };
    default:
      return code.startsWith('HPE_') ? { status: 400, code: 'SV_ERR_HTTP_BAD_REQUEST', detail } : null;
  }
}

/** Best effort: the request line of the rejected bytes, so the access log can show what was refused. */
export function sniffRequestLine(raw: Uint8Array | undefined): RequestLine | null {
  if (raw === undefined || raw.length === 0) return null;
  const head = Buffer.from(raw.buffer, raw.byteOffset, Math.min(raw.length, 8192)).toString('latin1');
  const end = head.search(/\r?\n/);
  if (end < 0) return null;
  const match = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\S+) (\S+)$/.exec(head.slice(0, end));
  if (match === null) return null;
  return { method: match[1] as string, target: match[2] as string, protocol: match[3] as string };
}

/** The whole response for a request refused before it reached the container; it carries Date as every response does (RFC 9110 §6.6.1). */
export function minimalResponse(status: number): Buffer {
  const reason = STATUS_CODES[status] ?? '';
  return Buffer.from(`HTTP/1.1 ${status} ${reason}\r\nContent-Length: 0\r\nConnection: close\r\n${dateHeaderLine()}\r\n`, 'latin1');
}

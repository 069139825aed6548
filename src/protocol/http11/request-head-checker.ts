/**
 * The request-head checks llhttp leaves to the server: the header count (Tomcat's maxHeaderCount), the version,
 * exactly one Host of valid syntax (RFC 9112 §3.2), a Transfer-Encoding we can decode (RFC 9112 §6.1), the request target's
 * form and characters (RFC 9112 §3.2, RFC 3986), TRACE (allowTrace), and an absolute-form authority that agrees
 * with Host (RFC 9110 §4.2.4). The same pass over the raw fields notes what the exchange needs (Connection,
 * Content-Length, chunked, Expect, and the fields compression negotiates on), so no header map is built for a
 * plain request.
 */
import { ProtocolError } from '../../errors/container-error.js';
import { isValidHostField } from '../host-field.js';
import { isFieldName } from './field-name.js';
import type { RequestTargetValidator } from './request-target-validator.js';

/** What check() notes about a request head while checking it. */
export interface HeadFacts {
  connection: string | undefined;
  acceptEncoding: string | undefined;
  userAgent: string | undefined;
  expect: string | undefined;
  contentLength: number | undefined;
  /** Transfer-Encoding is present (checked to be exactly `chunked`). */
  chunked: boolean;
}

export function emptyHeadFacts(): HeadFacts {
  return {
    connection: undefined,
    acceptEncoding: undefined,
    userAgent: undefined,
    expect: undefined,
    contentLength: undefined,
    chunked: false,
  };
}

/** The connector settings the checks read. */
export interface RequestHeadLimits {
  readonly maxHeaderCount: number;
  readonly allowTrace: boolean;
}

export class RequestHeadChecker {
  readonly #limits: RequestHeadLimits;
  readonly #targetValidator: RequestTargetValidator;

  constructor(limits: RequestHeadLimits, targetValidator: RequestTargetValidator) {
    this.#limits = limits;
    this.#targetValidator = targetValidator;
  }

  /** The first problem with this head, or undefined; fills `facts` on the way. `raw` alternates names and values. */
  check(major: number, minor: number, raw: readonly string[], method: string, target: string, facts: HeadFacts): ProtocolError | undefined {
    const headerCount = raw.length / 2;
    if (headerCount > this.#limits.maxHeaderCount) {
      return new ProtocolError('SV_ERR_HTTP_TOO_MANY_HEADERS', { count: headerCount, limit: this.#limits.maxHeaderCount });
    }
    if (major !== 1) {
      // HTTP/0.9 included: it has no headers, hence no Host and no framing (CVE-2026-24733 class).
      return new ProtocolError('SV_ERR_HTTP_VERSION_NOT_SUPPORTED', { version: `${major}.${minor}` });
    }
    let hostCount = 0;
    let host: string | undefined;
    let transferEncoding = false;
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i] as string;
      // Lower-casing only names of the right length keeps this pass cheap.
      switch (name.length) {
        case 4:
          if (isFieldName(name, 'host', 'Host')) {
            if (hostCount++ === 0) host = raw[i + 1];
          }
          break;
        case 6:
          if (isFieldName(name, 'expect', 'Expect')) facts.expect = joinField(facts.expect, raw[i + 1] as string);
          break;
        case 10:
          // Repeated fields are joined with ', ' as node:http does for these.
          if (isFieldName(name, 'connection', 'Connection')) facts.connection = joinField(facts.connection, raw[i + 1] as string);
          else if (isFieldName(name, 'user-agent', 'User-Agent')) facts.userAgent ??= raw[i + 1] as string;
          break;
        case 14:
          // llhttp already refused a repeated or malformed Content-Length (RFC 9112 §6.3).
          if (isFieldName(name, 'content-length', 'Content-Length')) facts.contentLength = Number(raw[i + 1]);
          break;
        case 15:
          if (isFieldName(name, 'accept-encoding', 'Accept-Encoding'))
            facts.acceptEncoding = joinField(facts.acceptEncoding, raw[i + 1] as string);
          break;
        case 17:
          if (isFieldName(name, 'transfer-encoding', 'Transfer-Encoding')) transferEncoding = true;
          break;
      }
    }
    if (hostCount > 1 || (hostCount === 0 && minor >= 1)) {
      return new ProtocolError('SV_ERR_HTTP_HOST_COUNT', { count: hostCount });
    }
    if (host !== undefined && !isValidHostField(host)) {
      return new ProtocolError('SV_ERR_HTTP_INVALID_HOST', { host: host.length > 200 ? `${host.slice(0, 200)}…` : host });
    }
    if (transferEncoding) {
      facts.chunked = true;
      const problem = checkTransferEncoding(raw, minor);
      if (problem !== undefined) return problem;
    }
    if (target === '*') {
      if (method !== 'OPTIONS') {
        return new ProtocolError('SV_ERR_HTTP_ASTERISK_FORM', { method });
      }
    } else {
      const violation = this.#targetValidator.check(target);
      if (violation !== null) {
        return new ProtocolError('SV_ERR_HTTP_INVALID_REQUEST_TARGET', {
          target: target.length > 200 ? `${target.slice(0, 200)}…` : target,
          char: violation.char,
          attribute: violation.attribute,
        });
      }
    }
    if (method === 'TRACE' && !this.#limits.allowTrace) {
      return new ProtocolError('SV_ERR_HTTP_METHOD_NOT_ALLOWED', { method: 'TRACE', attribute: 'allowTrace' });
    }
    // Origin form (`/…`) is by far the most common target and cannot be absolute form.
    const absolute = target.charCodeAt(0) === 0x2f ? null : /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(target);
    if (absolute !== null) {
      const authority = absolute[1] as string;
      if (authority.includes('@')) return new ProtocolError('SV_ERR_HTTP_TARGET_USERINFO', { target });
      if (host !== undefined && host.toLowerCase() !== authority.toLowerCase()) {
        return new ProtocolError('SV_ERR_HTTP_HOST_MISMATCH', { host, authority });
      }
    }
    return undefined;
  }
}

/**
 * Transfer-Encoding that reached us (llhttp already refused `chunked` not last, repeated and CL + TE):
 * HTTP/1.0 has no chunked framing, so the length is unknowable (RFC 9112 §6.1: treat as faulty, close);
 * any coding but chunked is one we cannot decode (RFC 9112 §6.1: 501).
 */
function checkTransferEncoding(raw: readonly string[], minor: number): ProtocolError | undefined {
  const codings: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    if ((raw[i] as string).toLowerCase() !== 'transfer-encoding') continue;
    for (const coding of (raw[i + 1] as string).split(',')) {
      const token = coding.trim().toLowerCase();
      if (token !== '') codings.push(token);
    }
  }
  if (minor === 0) return new ProtocolError('SV_ERR_HTTP_TRANSFER_ENCODING_HTTP10');
  const unknown = codings.filter((coding) => coding !== 'chunked');
  if (unknown.length > 0 || codings.length === 0) {
    return new ProtocolError('SV_ERR_HTTP_TRANSFER_ENCODING_NOT_IMPLEMENTED', { value: codings.join(', ') });
  }
  return undefined;
}

function joinField(previous: string | undefined, value: string): string {
  return previous === undefined ? value : `${previous}, ${value}`;
}

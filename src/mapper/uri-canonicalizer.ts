/** Turns a raw request path into the one canonical path every later check (mapping, security, WEB-INF) uses. */
import { TextDecoder } from 'node:util';

import { ConfigError, ProtocolError } from '../errors/container-error.js';
import type { ParamsOf } from '../errors/codes.js';

/**
 * Connector settings that shape canonicalisation (Tomcat attribute names).
 * `encodedSolidusHandling`: `%2F` → 400 (`reject`), left as the three characters `%2F` (`passthrough`),
 * or decoded to a separator before normalising (`decode`).
 */
export interface CanonicalizeOptions {
  encodedSolidusHandling: 'reject' | 'decode' | 'passthrough';
  /** When true, `\` (raw or `%5C`) is treated as `/`; when false it is a 400. */
  allowBackslash: boolean;
  /** Servlet 6 §3.5.2 "suspicious" sequences become 400 instead of being normalised. */
  rejectSuspiciousURIs: boolean;
  /** Connector `URIEncoding`: `UTF-8` (default) or `ISO-8859-1`; other WHATWG labels work where Node knows them. */
  uriEncoding: string;
}

export interface CanonicalUri {
  /** Decoded and normalised: starts with `/`, no `//`, `.` or `..` segments, no `\`. */
  path: string;
  /** Every `;name=value` path parameter of every segment (last one wins), undecoded. */
  pathParameters: ReadonlyMap<string, string>;
  /** The value of the session path parameter (`;jsessionid=`), if present. */
  sessionId: string | null;
}

export const defaultCanonicalizeOptions: Readonly<CanonicalizeOptions> = Object.freeze({
  encodedSolidusHandling: 'reject',
  allowBackslash: false,
  rejectSuspiciousURIs: false,
  uriEncoding: 'UTF-8',
});

function uriError(uri: string, reason: ParamsOf<'SV_ERR_URI_INVALID'>['reason'], value: string): ProtocolError {
  return new ProtocolError('SV_ERR_URI_INVALID', { uri, reason, value });
}

/** A character as `U+XXXX`: control characters and non-bytes would not show in a log line. */
function codePoint(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The scheme and authority of an absolute-form request-target (RFC 9112 §3.2.2). */
const ABSOLUTE_FORM = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?]*/;

/**
 * Split a request-target into path and query (RFC 9112 §3.2). Origin form must start with `/`; absolute form
 * (`http://host/path`, RFC 9112 §3.2.2) is reduced to its path. A fragment is never sent by a client (RFC 9112
 * §3.2), so `#` anywhere is a 400, as in Tomcat.
 */
export function splitRequestTarget(target: string): { rawPath: string; query: string | null } {
  if (target.includes('#')) throw uriError(target, 'a request-target may not hold a fragment, found', '#');
  let pathAndQuery = target;
  // Origin form, nearly every request, starts with '/' and cannot be absolute form: no regex for it.
  const absolute = target.charCodeAt(0) === 0x2f ? null : ABSOLUTE_FORM.exec(target);
  if (absolute !== null) {
    pathAndQuery = target.slice(absolute[0].length);
    if (!pathAndQuery.startsWith('/')) pathAndQuery = `/${pathAndQuery}`;
  }
  const q = pathAndQuery.indexOf('?');
  const rawPath = q < 0 ? pathAndQuery : pathAndQuery.slice(0, q);
  const query = q < 0 ? null : pathAndQuery.slice(q + 1);
  if (!rawPath.startsWith('/')) throw uriError(target, 'the path must start with "/", not with', rawPath.charAt(0));
  return { rawPath, query };
}

type ByteDecoder = (bytes: Uint8Array) => string | null;

const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const decoderCache = new Map<string, ByteDecoder>();

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/** True when `encoding` can decode request URIs (a Connector's URIEncoding, checked when server.xml loads). */
export function isSupportedUriEncoding(encoding: string): boolean {
  try {
    decoderFor(encoding);
    return true;
  } catch {
    return false;
  }
}

function decoderFor(encoding: string): ByteDecoder {
  const key = encoding.trim().toLowerCase();
  const cached = decoderCache.get(key);
  if (cached !== undefined) return cached;
  let decoder: ByteDecoder;
  if (key === '' || key === 'utf-8' || key === 'utf8') {
    decoder = (bytes) => {
      try {
        return utf8Decoder.decode(bytes);
      } catch {
        return null;
      }
    };
  } else if (key === 'iso-8859-1' || key === 'iso8859-1' || key === 'latin1' || key === 'iso_8859_1') {
    // Not TextDecoder: WHATWG maps the ISO-8859-1 label to windows-1252, which is not what Java does.
    decoder = latin1;
  } else {
    let td: TextDecoder;
    try {
      td = new TextDecoder(key, { fatal: true });
    } catch (cause) {
      throw new ConfigError(
        'SV_ERR_CONFIG_INVALID_VALUE',
        { attribute: 'URIEncoding', element: 'Connector', value: encoding, allowed: 'UTF-8, ISO-8859-1' },
        { cause },
      );
    }
    decoder = (bytes) => {
      try {
        return td.decode(bytes);
      } catch {
        return null;
      }
    };
  }
  decoderCache.set(key, decoder);
  return decoder;
}

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

const PERCENT_2F = [0x25, 0x32, 0x46];

/**
 * %-decode one segment (already free of path parameters) to a string. `%2F` follows encodedSolidusHandling;
 * `%00`, bad `%xx` and bytes the charset rejects throw. Returns whether any `%xx` was present, for §3.5.2.
 */
function decodeSegment(
  segment: string,
  uri: string,
  options: CanonicalizeOptions,
  decode: ByteDecoder,
): { text: string; encoded: boolean } {
  if (!segment.includes('%') && /^[\x20-\x7e]*$/.test(segment)) {
    return { text: segment, encoded: false };
  }
  const bytes: number[] = [];
  let encoded = false;
  for (let i = 0; i < segment.length; i++) {
    const code = segment.charCodeAt(i);
    if (code > 0xff) throw uriError(uri, 'a character that is not a byte', codePoint(segment.charAt(i)));
    if (code !== 0x25) {
      bytes.push(code);
      continue;
    }
    const hi = i + 1 < segment.length ? hexValue(segment.charCodeAt(i + 1)) : -1;
    const lo = i + 2 < segment.length ? hexValue(segment.charCodeAt(i + 2)) : -1;
    if (hi < 0 || lo < 0) throw uriError(uri, 'an invalid %-escape', segment.slice(i, i + 3));
    const value = hi * 16 + lo;
    i += 2;
    encoded = true;
    if (value === 0x2f) {
      if (options.encodedSolidusHandling === 'reject') {
        throw uriError(uri, 'an encoded "/" is not allowed (see encodedSolidusHandling)', segment.slice(i - 2, i + 1));
      }
      if (options.encodedSolidusHandling === 'passthrough') {
        bytes.push(...PERCENT_2F);
        continue;
      }
    }
    bytes.push(value);
  }
  const text = decode(Uint8Array.from(bytes));
  if (text === null) throw uriError(uri, 'the bytes are not valid in URIEncoding', options.uriEncoding);
  return { text, encoded };
}

/**
 * Remove `.` and `..` segments and empty segments (RFC 3986 §5.2.4 semantics on whole segments; Servlet 6
 * §3.5.2). A trailing empty segment keeps its `/`; a trailing `.` or `..` does not. Going above the root throws.
 */
function normalise(path: string, uri: string): string {
  const segments = path.split('/');
  const kept: string[] = [];
  let trailingSlash = false;
  for (let i = 1; i < segments.length; i++) {
    const segment = segments[i] ?? '';
    const last = i === segments.length - 1;
    if (segment === '') {
      trailingSlash = last;
    } else if (segment === '.') {
      trailingSlash = false;
    } else if (segment === '..') {
      if (kept.length === 0) throw uriError(uri, 'the path goes above the root with', '..');
      kept.pop();
      trailingSlash = false;
    } else {
      kept.push(segment);
    }
  }
  if (kept.length === 0) return '/';
  return `/${kept.join('/')}${trailingSlash ? '/' : ''}`;
}

/**
 * A path that is canonical as it stands: segments of printable ASCII without `%`, `;` or `\\` (nothing to
 * decode or strip), none empty and none starting with `.` (nothing to normalise), and perhaps a trailing `/`.
 * One expression, linear (each repetition starts at a `/`): it runs for every request, and it costs half
 * of the earlier test plus two substring searches for `//` and `/.`.
 */
const ALREADY_CANONICAL = /^(?:\/[^/.%;\\\x00-\x20\x7f-\uffff][^/%;\\\x00-\x20\x7f-\uffff]*)*\/?$/;
const NO_PARAMETERS: ReadonlyMap<string, string> = new Map();

/**
 * Canonicalise a raw (still %-encoded) request path in Tomcat's fixed order: strip `;params` from every
 * segment (capturing the session ID) → %-decode → reject NUL/backslash → normalise → suspicious-URI checks.
 * Decoding before normalising is what stops `%2e%2e` traversal (CVE-2008-2938). The raw path is a byte string:
 * one character per byte, as node:http hands over the request-target.
 */
export function canonicalizeUri(rawPath: string, options: CanonicalizeOptions, sessionParameterName = 'jsessionid'): CanonicalUri {
  if (!rawPath.startsWith('/')) throw uriError(rawPath, 'the path must start with "/", not with', rawPath.charAt(0));
  // Fast path for the common case: nothing to strip, decode or normalise, so the path is already canonical.
  if (ALREADY_CANONICAL.test(rawPath)) return { path: rawPath, pathParameters: NO_PARAMETERS, sessionId: null };
  const decode = decoderFor(options.uriEncoding);
  const pathParameters = new Map<string, string>();
  let sessionId: string | null = null;
  const rawSegments = rawPath.split('/');
  const decoded: string[] = [''];

  for (let i = 1; i < rawSegments.length; i++) {
    const rawSegment = rawSegments[i] ?? '';
    const semi = rawSegment.indexOf(';');
    const bare = semi < 0 ? rawSegment : rawSegment.slice(0, semi);
    if (semi >= 0) {
      for (const parameter of rawSegment.slice(semi + 1).split(';')) {
        if (parameter === '') continue;
        const eq = parameter.indexOf('=');
        const name = eq < 0 ? parameter : parameter.slice(0, eq);
        const value = eq < 0 ? '' : parameter.slice(eq + 1);
        if (name === '') continue;
        pathParameters.set(name, value);
        if (name === sessionParameterName) sessionId = value;
      }
    }
    const { text, encoded } = decodeSegment(bare, rawPath, options, decode);
    if (options.rejectSuspiciousURIs) {
      // Servlet 6 §3.5.2: these forms mean different things to different intermediaries, so refuse them.
      // An empty last segment with parameters (`/dir/;jsessionid=…`) is what URL rewriting produces: allowed.
      const lastSegment = i === rawSegments.length - 1;
      if (semi >= 0 && (text === '.' || text === '..' || (text === '' && !lastSegment))) {
        throw uriError(rawPath, 'a suspicious segment, a dot or empty segment with parameters (rejectSuspiciousURIs)', rawSegment);
      }
      if (encoded && /(^|\/)\.\.?(\/|$)/.test(text)) {
        throw uriError(rawPath, 'a suspicious segment, an encoded dot segment (rejectSuspiciousURIs)', rawSegment);
      }
    }
    decoded.push(text);
  }

  const joined = decoded.join('/');
  if (joined.includes('\0')) throw uriError(rawPath, 'a NUL character is not allowed', 'U+0000');
  const control = options.rejectSuspiciousURIs ? /[\x01-\x1f\x7f]/.exec(joined) : null;
  if (control !== null) throw uriError(rawPath, 'a control character is not allowed (rejectSuspiciousURIs)', codePoint(control[0]));
  let withSlashes = joined;
  if (joined.includes('\\')) {
    if (!options.allowBackslash) throw uriError(rawPath, 'a backslash is not allowed (see allowBackslash)', '\\');
    withSlashes = joined.replaceAll('\\', '/');
  }
  return { path: normalise(withSlashes, rawPath), pathParameters, sessionId };
}

/**
 * The wire format of HTTP Digest authentication (RFC 7616): reading `Authorization: Digest …`, checking its
 * digest-uri against the request target, computing H(A2), and writing the `WWW-Authenticate` challenges.
 * Pure: strings in, results out. Nonces and replay protection are DigestNonces' job (digest-nonces.ts).
 *
 * Header values are taken as node's HTTP parser gives them: one character per received byte (latin1).
 *
 * Supported, as Tomcat 10.1's DigestAuthenticator: qop `auth` (or none, for RFC 2069 clients) and the
 * algorithms MD5, SHA-256 and SHA-512-256. Not supported, each with its own result so the valve can answer
 * it: `qop=auth-int`, the `-sess` algorithm variants and `userhash=true`. The `-sess` variants would need the
 * realm to derive H(A1) from the client's cnonce (RFC 7616 §3.4.2), which the Realm contract does not offer,
 * and the challenges never offer them, so a conforming client never sends them. Unlike Tomcat, an unknown or
 * `-sess` algorithm is not silently treated as MD5.
 */
import { createHash } from 'node:crypto';
import type { DigestAlgorithm, DigestCredentials } from '../realm/realm.js';
import { isTchar, quotedString } from './basic-authorization.js';

/** A well-formed Digest `Authorization` header (RFC 7616 §3.4), every value as the client sent it unless noted. */
export interface DigestAuthorization {
  /** From `username`, or decoded from `username*` (RFC 8187). */
  readonly username: string;
  readonly realm: string;
  readonly nonce: string;
  /** The digest-uri (RFC 7616 §3.4.6); compare it with `digestUriMatches`. */
  readonly uri: string;
  /** Lower-case hex, of the algorithm's length. */
  readonly response: string;
  /** `MD5` when the client named none (RFC 7616 §3.4). */
  readonly algorithm: DigestAlgorithm;
  /** `auth` in whatever case the client wrote it (it is hashed as sent), or null for an RFC 2069 client. */
  readonly qop: string | null;
  /** The 8 hex digits as sent (hashed as sent); null exactly when qop is null. */
  readonly nc: string | null;
  /** `nc` as a number, for the replay window. */
  readonly nonceCount: number | null;
  /** Null exactly when qop is null. */
  readonly cnonce: string | null;
  readonly opaque: string | null;
}

/**
 * - `'not-digest'`: another scheme (or none): no Digest credentials at all.
 * - `'malformed'`: broken syntax, a repeated parameter, a required one missing, a bad value.
 * - `'userhash'`: `userhash=true` (RFC 7616 §3.4.4); the challenges never offer it.
 * - `'unsupported-qop'`: a qop other than `auth` (`auth-int`).
 * - `'unsupported-algorithm'`: an algorithm other than MD5, SHA-256, SHA-512-256 (the `-sess` variants too).
 */
export type DigestAuthorizationResult =
  DigestAuthorization | 'not-digest' | 'malformed' | 'userhash' | 'unsupported-qop' | 'unsupported-algorithm';

/** RFC 7616 §3.4.1 algorithm names → node:crypto hashes and the hex length of their output. */
const ALGORITHMS: ReadonlyMap<string, { readonly name: DigestAlgorithm; readonly hash: string; readonly hexLength: number }> = new Map([
  ['md5', { name: 'MD5', hash: 'md5', hexLength: 32 }],
  ['sha-256', { name: 'SHA-256', hash: 'sha256', hexLength: 64 }],
  ['sha-512-256', { name: 'SHA-512-256', hash: 'sha512-256', hexLength: 64 }],
]);

/** Tomcat's default `algorithms` of the DigestAuthenticator, in RFC 7616 §3.7 preference order. */
export const DEFAULT_DIGEST_ALGORITHMS: readonly DigestAlgorithm[] = ['SHA-256', 'MD5'];

export function parseDigestAuthorization(header: string): DigestAuthorizationResult {
  const params = parseAuthParams(header);
  if (typeof params === 'string') return params;
  const value = (name: string): string | null => params.get(name)?.value ?? null;

  const userhash = value('userhash');
  if (userhash !== null) {
    const flag = userhash.toLowerCase();
    if (flag === 'true') return 'userhash';
    if (flag !== 'false') return 'malformed';
  }

  const username = readUsername(params.get('username'), params.get('username*'));
  const realm = value('realm');
  const nonce = value('nonce');
  const uri = value('uri');
  const response = value('response');
  if (username === null || realm === null || nonce === null || uri === null || response === null) return 'malformed';
  if (nonce === '' || uri === '') return 'malformed';

  const algorithmName = value('algorithm');
  const algorithm = ALGORITHMS.get(algorithmName === null ? 'md5' : algorithmName.toLowerCase());
  if (algorithm === undefined) return 'unsupported-algorithm';
  if (response.length !== algorithm.hexLength || !isHex(response)) return 'malformed';

  const qop = value('qop');
  const nc = value('nc');
  const cnonce = value('cnonce');
  let nonceCount: number | null = null;
  if (qop === null) {
    // RFC 7616 §3.4: nc and cnonce go with qop; without it (RFC 2069) they must be absent.
    if (nc !== null || cnonce !== null) return 'malformed';
  } else {
    if (qop.toLowerCase() !== 'auth') return 'unsupported-qop';
    // RFC 7616 §3.4: nc is exactly 8LHEX (Tomcat also takes 6 or 7 digits from old Android clients; we do not).
    if (nc === null || nc.length !== 8 || !isHex(nc) || cnonce === null || cnonce === '') return 'malformed';
    nonceCount = Number.parseInt(nc, 16);
  }

  return {
    username,
    realm,
    nonce,
    uri,
    response: response.toLowerCase(),
    algorithm: algorithm.name,
    qop,
    nc,
    nonceCount,
    cnonce,
    opaque: value('opaque'),
  };
}

/** The Realm's input for a parsed header; the valve has checked realm, uri, nonce and opaque first. */
export function toDigestCredentials(authorization: DigestAuthorization, method: string): DigestCredentials {
  return {
    username: authorization.username,
    response: authorization.response,
    nonce: authorization.nonce,
    nc: authorization.nc,
    cnonce: authorization.cnonce,
    qop: authorization.qop,
    realmName: authorization.realm,
    digestA2: digestA2(authorization.algorithm, method, authorization.uri),
    algorithm: authorization.algorithm,
  };
}

/**
 * Hex H(A2) = H(method ":" digest-uri) for qop `auth` or none (RFC 7616 §3.4.3). The uri is hashed as the
 * bytes the client sent (latin1 characters), as Tomcat does with ISO-8859-1.
 */
export function digestA2(algorithm: DigestAlgorithm, method: string, uri: string): string {
  const hash = ALGORITHMS.get(algorithm.toLowerCase())?.hash ?? 'md5';
  return createHash(hash).update(`${method}:${uri}`, 'latin1').digest('hex');
}

/**
 * Whether the digest-uri names the request's target (RFC 7616 §3.4.6), so a captured header cannot be
 * replayed against another resource. `requestTarget` is the target as received: origin-form
 * (`/path?query`, i.e. request URI plus `?` and query string when there is one) or absolute-form.
 *
 * Like Tomcat, the comparison is exact (same percent-encoding, same query string), except that one side may
 * be in absolute-form while the other is in origin-form, as some clients (older Android) send: then the
 * absolute one must name `scheme://host` of the request (`origin`; the Host header) and the same path and
 * query. Scheme and host compare case-insensitively (RFC 3986 §6.2.2.1). Without `origin`, an absolute-form
 * digest-uri only matches an identical target.
 */
export function digestUriMatches(
  uriParam: string,
  requestTarget: string,
  origin?: { readonly scheme: string; readonly host: string },
): boolean {
  if (uriParam === requestTarget) return true;
  const param = splitAbsolute(uriParam);
  const target = splitAbsolute(requestTarget);
  if (param === null && target === null) return false;
  if (param !== null && target !== null) {
    return param.pathAndQuery === target.pathAndQuery && param.origin.toLowerCase() === target.origin.toLowerCase();
  }
  const absolute = param ?? target;
  const relative = param === null ? uriParam : requestTarget;
  if (absolute === null || !relative.startsWith('/')) return false;
  const expectedOrigin = target !== null ? target.origin : origin === undefined ? null : `${origin.scheme}://${origin.host}`;
  if (expectedOrigin === null) return false;
  return absolute.pathAndQuery === relative && absolute.origin.toLowerCase() === expectedOrigin.toLowerCase();
}

/** `scheme://authority` and the rest (at least `/`) of an absolute-form URI, or null for anything else. */
function splitAbsolute(uri: string): { readonly origin: string; readonly pathAndQuery: string } | null {
  const separator = uri.indexOf('://');
  if (separator <= 0) return null;
  for (let i = 0; i < separator; i++) {
    const c = uri.charCodeAt(i);
    const letter = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
    // RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
    if (!letter && (i === 0 || !((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e))) return null;
  }
  const pathStart = uri.indexOf('/', separator + 3);
  const queryStart = uri.indexOf('?', separator + 3);
  if (queryStart >= 0 && (pathStart < 0 || queryStart < pathStart)) {
    // `http://host?q`: the path is empty, which the request line spells `/?q` (RFC 9112 §3.2.1).
    return { origin: uri.slice(0, queryStart), pathAndQuery: `/${uri.slice(queryStart)}` };
  }
  if (pathStart < 0) return { origin: uri, pathAndQuery: '/' };
  return { origin: uri.slice(0, pathStart), pathAndQuery: uri.slice(pathStart) };
}

export interface DigestChallengeOptions {
  /** The realm-name of the login-config. */
  readonly realmName: string;
  /** A fresh nonce from DigestNonces.issue. */
  readonly nonce: string;
  readonly opaque: string;
  /** Most preferred first (RFC 7616 §3.7); default SHA-256 then MD5, as Tomcat. */
  readonly algorithms?: readonly DigestAlgorithm[];
  /** The client's response was right but its nonce was stale: it may retry without asking the user (§3.3). */
  readonly stale?: boolean;
}

/** The `WWW-Authenticate` values of a Digest 401, one per algorithm in preference order (RFC 7616 §3.3, §3.7). */
export function digestChallenges(options: DigestChallengeOptions): string[] {
  const algorithms = options.algorithms ?? DEFAULT_DIGEST_ALGORITHMS;
  const common =
    `Digest realm=${quotedString(options.realmName)}, qop="auth", nonce=${quotedString(options.nonce)}, ` +
    `opaque=${quotedString(options.opaque)}${options.stale === true ? ', stale=true' : ''}`;
  // userhash is not offered: RFC 7616 §3.3 makes its absence mean false.
  return algorithms.map((algorithm) => `${common}, algorithm=${algorithm}`);
}

interface AuthParam {
  readonly value: string;
  readonly quoted: boolean;
}

/**
 * `Digest` then `#auth-param` (RFC 7235 §2.1, RFC 9110 §5.6.1): names are case-insensitive tokens, values a
 * token or a quoted-string, empty list elements are skipped. Every value is accepted in either form (Tomcat
 * does the same for values RFC 7616 wants quoted, for clients that get it wrong); a name may appear once.
 */
function parseAuthParams(header: string): Map<string, AuthParam> | 'not-digest' | 'malformed' {
  const end = header.length;
  let i = 0;
  const skipWhitespace = (): void => {
    while (i < end && isWhitespace(header.charCodeAt(i))) i++;
  };
  const readToken = (): string => {
    const start = i;
    while (i < end && isTchar(header.charCodeAt(i))) i++;
    return header.slice(start, i);
  };

  skipWhitespace();
  const scheme = readToken();
  if (scheme.toLowerCase() !== 'digest') return 'not-digest';
  if (i === end || header.charCodeAt(i) !== 0x20) return 'malformed';

  const params = new Map<string, AuthParam>();
  for (;;) {
    // Leading whitespace and empty list elements (`, ,`).
    while (i < end && (isWhitespace(header.charCodeAt(i)) || header.charCodeAt(i) === 0x2c)) i++;
    if (i === end) break;
    const name = readToken().toLowerCase();
    if (name === '') return 'malformed';
    skipWhitespace();
    if (header.charCodeAt(i) !== 0x3d) return 'malformed';
    i++;
    skipWhitespace();
    let param: AuthParam;
    if (header.charCodeAt(i) === 0x22) {
      const quoted = readQuotedString(header, i);
      if (quoted === null) return 'malformed';
      param = { value: quoted.value, quoted: true };
      i = quoted.next;
    } else {
      const token = readToken();
      if (token === '') return 'malformed';
      param = { value: token, quoted: false };
    }
    if (params.has(name)) return 'malformed';
    params.set(name, param);
    skipWhitespace();
    if (i === end) break;
    if (header.charCodeAt(i) !== 0x2c) return 'malformed';
  }
  return params.size === 0 ? 'malformed' : params;
}

/** RFC 9110 §5.6.4 quoted-string starting at `start` (the opening quote): its unescaped value and where it ends. */
function readQuotedString(header: string, start: number): { value: string; next: number } | null {
  let value = '';
  let runStart = start + 1;
  for (let i = start + 1; i < header.length; i++) {
    const c = header.charCodeAt(i);
    if (c === 0x22) return { value: value + header.slice(runStart, i), next: i + 1 };
    if (c === 0x5c) {
      // quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )
      const escaped = i + 1 < header.length ? header.charCodeAt(i + 1) : -1;
      if (!isQuotedPairChar(escaped)) return null;
      value += header.slice(runStart, i);
      runStart = i + 1;
      i++;
    } else if (!isQdtext(c)) {
      return null;
    }
  }
  return null;
}

/** qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text */
function isQdtext(c: number): boolean {
  return c === 0x09 || c === 0x20 || c === 0x21 || (c >= 0x23 && c <= 0x5b) || (c >= 0x5d && c <= 0x7e) || (c >= 0x80 && c <= 0xff);
}

function isQuotedPairChar(c: number): boolean {
  return c === 0x09 || (c >= 0x20 && c <= 0x7e) || (c >= 0x80 && c <= 0xff);
}

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

function isHex(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The user name from `username` or `username*`: exactly one of them (RFC 7616 §3.4: sending both is an error).
 * A quoted `username` whose bytes are valid UTF-8 is read as UTF-8, what browsers send for a non-ASCII name
 * and how the Realm hashes H(A1); other bytes stay latin1 characters.
 */
function readUsername(plain: AuthParam | undefined, extended: AuthParam | undefined): string | null {
  if (plain !== undefined && extended !== undefined) return null;
  if (plain !== undefined) return bytesAsUtf8(plain.value);
  if (extended === undefined || extended.quoted) return null;
  const decoded = decodeExtValue(extended.value);
  return decoded === null || hasControl(decoded) ? null : decoded;
}

function bytesAsUtf8(latin1: string): string {
  let ascii = true;
  for (let i = 0; i < latin1.length && ascii; i++) ascii = latin1.charCodeAt(i) < 0x80;
  if (ascii) return latin1;
  try {
    return UTF8.decode(Buffer.from(latin1, 'latin1'));
  } catch {
    return latin1;
  }
}

/**
 * RFC 8187 §3.2.1 ext-value = charset "'" [ language ] "'" value-chars, with value-chars of attr-char and
 * pct-encoded. UTF-8 and ISO-8859-1 are decoded (the two §3.2.1 names); any other charset, a bad escape or
 * invalid UTF-8 gives null.
 */
function decodeExtValue(text: string): string | null {
  const firstQuote = text.indexOf("'");
  const secondQuote = firstQuote < 0 ? -1 : text.indexOf("'", firstQuote + 1);
  if (secondQuote < 0) return null;
  const charset = text.slice(0, firstQuote).toLowerCase();
  if (charset !== 'utf-8' && charset !== 'iso-8859-1') return null;
  const bytes: number[] = [];
  for (let i = secondQuote + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x25) {
      const hex = text.slice(i + 1, i + 3);
      if (hex.length !== 2 || !isHex(hex)) return null;
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else if (isAttrChar(c)) {
      bytes.push(c);
    } else {
      return null;
    }
  }
  const buffer = Buffer.from(bytes);
  if (charset === 'iso-8859-1') return buffer.toString('latin1');
  try {
    return UTF8.decode(buffer);
  } catch {
    return null;
  }
}

/** RFC 8187 attr-char = ALPHA / DIGIT / "!" / "#" / "$" / "&" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" */
function isAttrChar(c: number): boolean {
  return isTchar(c) && c !== 0x25 && c !== 0x27 && c !== 0x2a;
}

function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

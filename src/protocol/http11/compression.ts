/**
 * Response compression (Tomcat's `compression` family of Connector attributes): decides per response
 * whether to gzip or brotli-encode the body, rewrites the headers accordingly, and encodes: a whole body at once
 * when it is known, through a zlib stream otherwise.
 */
import zlib from 'node:zlib';
import type { Transform } from 'node:stream';
import { configPattern } from '../../config/config-pattern.js';
import type { Http11ConnectorConfig } from '../../config/server-config.js';
import type { HeaderList } from '../exchange.js';
import { ReusableBrotli } from './reusable-brotli.js';
import { ReusableGzip } from './reusable-gzip.js';

export type ContentCoding = 'br' | 'gzip';

export interface CompressionConfig {
  /** `force` skips the size and media-type checks (Tomcat). */
  readonly force: boolean;
  /** Responses whose known length is below this are sent as they are. */
  readonly minSize: number;
  /** Lower-case media types; `type/*` matches a whole type. */
  readonly mimeTypes: readonly string[];
  readonly noCompressionUserAgents: RegExp | null;
}

/** What the request contributes to the decision. */
export interface CompressionRequest {
  readonly acceptEncoding: string | undefined;
  readonly userAgent: string | undefined;
}

export interface CompressionDecision {
  /** null = send the body as it is. */
  readonly coding: ContentCoding | null;
  /** The headers to send: Content-Length dropped and Content-Encoding / Vary / a weak ETag added as needed. */
  readonly headers: Array<readonly [string, string]>;
}

/** The Connector's compression attributes; `compression` also takes a number (= `on` with that minimum size). */
export type CompressionAttributes = Pick<
  Http11ConnectorConfig,
  'compression' | 'compressionMinSize' | 'compressibleMimeType' | 'noCompressionUserAgents'
>;

/** The decision's settings, or null when compression is off. */
export function compressionConfigFrom(attributes: CompressionAttributes): CompressionConfig | null {
  const mode = attributes.compression.trim().toLowerCase();
  let minSize = attributes.compressionMinSize;
  if (mode === 'off' || mode === 'false' || mode === '') return null;
  if (/^\d+$/.test(mode)) minSize = Number(mode);
  else if (mode !== 'on' && mode !== 'force' && mode !== 'true') return null;
  const types = attributes.compressibleMimeType;
  const agents = attributes.noCompressionUserAgents;
  return {
    force: mode === 'force',
    minSize,
    mimeTypes: types
      .split(',')
      .map((t) => t.trim().toLowerCase())
      .filter((t) => t !== ''),
    noCompressionUserAgents: agents !== undefined && agents !== '' ? configPattern(agents) : null,
  };
}

/**
 * Tomcat's order (CompressionConfig.useCompression): a body that is already encoded or partial is left
 * alone; then size and media type (unless forced); from there on the representation depends on
 * Accept-Encoding, so `Vary: Accept-Encoding` is added whatever this client accepts (RFC 9110 §12.5.5);
 * last the client's codings and the User-Agent exclusions.
 */
export function decideCompression(
  config: CompressionConfig,
  request: CompressionRequest,
  status: number,
  headers: HeaderList,
): CompressionDecision {
  const flat: string[] = [];
  for (const [name, value] of headers) flat.push(name, value);
  const { coding } = applyCompression(config, request.acceptEncoding, request.userAgent, status, flat);
  const result: Array<readonly [string, string]> = [];
  for (let i = 0; i < flat.length; i += 2) result.push([flat[i] as string, flat[i + 1] as string]);
  return { coding, headers: result };
}

/** What applyCompression decided: the coding (null = as it is) and the body's length before encoding, if known. */
export interface FlatCompressionDecision {
  readonly coding: ContentCoding | null;
  readonly contentLength: number | null;
}

const AS_IS: FlatCompressionDecision = Object.freeze({ coding: null, contentLength: null });

/**
 * decideCompression on the exchange's flat `[name, value, …]` header array, rewritten in place (Vary added,
 * Content-Length and Content-Encoding dropped, a strong ETag weakened, Content-Encoding added): the per-response
 * path allocates no pair arrays and no copy when the body is left alone.
 */
export function applyCompression(
  config: CompressionConfig,
  acceptEncoding: string | undefined,
  userAgent: string | undefined,
  status: number,
  flat: string[],
): FlatCompressionDecision {
  if (status < 200 || status === 204 || status === 206 || status === 304) return AS_IS;
  let contentLength: number | null = null;
  let contentType: string | null = null;
  for (let i = 0; i < flat.length; i += 2) {
    const key = (flat[i] as string).toLowerCase();
    const value = flat[i + 1] as string;
    if (key === 'content-encoding' && value.trim().toLowerCase() !== 'identity') return AS_IS;
    if (key === 'content-range') return AS_IS;
    if (key === 'content-length') contentLength = Number(value);
    else if (key === 'content-type') contentType = value;
  }
  // Nothing to encode; a gzip header alone would only add bytes.
  if (contentLength === 0) return AS_IS;
  if (!config.force) {
    if (contentLength !== null && contentLength < config.minSize) return AS_IS;
    if (contentType === null || !mimeTypeMatches(config.mimeTypes, contentType)) return AS_IS;
  }
  addVary(flat);
  const coding = negotiateCoding(acceptEncoding);
  const agent = config.noCompressionUserAgents;
  if (coding === null || (agent !== null && userAgent !== undefined && agent.test(userAgent))) return AS_IS;
  let kept = 0;
  for (let i = 0; i < flat.length; i += 2) {
    const name = flat[i] as string;
    const value = flat[i + 1] as string;
    const key = name.toLowerCase();
    if (key === 'content-length' || key === 'content-encoding') continue;
    flat[kept] = name;
    // A strong validator names one exact byte sequence; the encoded body is another (RFC 9110 §8.8.1).
    flat[kept + 1] = key === 'etag' && value.startsWith('"') ? `W/${value}` : value;
    kept += 2;
  }
  flat.length = kept;
  flat.push('Content-Encoding', coding);
  return { coding, contentLength };
}

/**
 * RFC 9110 §12.5.3: the acceptable coding with the highest q-value; `*` stands for codings not named;
 * q=0 means "not acceptable". No Accept-Encoding means no preference, so the body is left as it is.
 * Brotli wins a tie: smaller output for similar cost at the quality used here.
 * Scanned in place (no split, no regular expression, no Map): it runs for every compressible response.
 */
export function negotiateCoding(acceptEncoding: string | undefined): ContentCoding | null {
  if (acceptEncoding === undefined) return null;
  const text = acceptEncoding;
  const end = text.length;
  // -1 = not named; the last element naming a coding wins, as a Map.set per element would have it.
  let br = -1;
  let gzip = -1;
  let wildcard = -1;
  let i = 0;
  while (i <= end) {
    let elementEnd = text.indexOf(',', i);
    if (elementEnd < 0) elementEnd = end;
    let paramStart = text.indexOf(';', i);
    if (paramStart < 0 || paramStart > elementEnd) paramStart = elementEnd;
    const from = skipBlanks(text, i, paramStart);
    const to = trimEnd(text, from, paramStart);
    if (from < to) {
      let q = 1;
      let p = paramStart;
      while (p < elementEnd) {
        let next = text.indexOf(';', p + 1);
        if (next < 0 || next > elementEnd) next = elementEnd;
        const parsed = qParam(text, p + 1, next);
        if (parsed !== null) q = parsed;
        p = next;
      }
      if (sameToken(text, from, to, 'br')) br = q;
      else if (sameToken(text, from, to, 'gzip') || sameToken(text, from, to, 'x-gzip')) gzip = q;
      else if (to - from === 1 && text.charCodeAt(from) === 0x2a) wildcard = q;
    }
    i = elementEnd + 1;
  }
  const other = wildcard < 0 ? 0 : wildcard;
  const brQ = br < 0 ? other : br;
  const gzipQ = gzip < 0 ? other : gzip;
  if (brQ > 0 && brQ >= gzipQ) return 'br';
  return gzipQ > 0 ? 'gzip' : null;
}

/** The first index in [from, to) that is not a space or tab (to when there is none). */
function skipBlanks(text: string, from: number, to: number): number {
  let a = from;
  while (a < to && isBlank(text.charCodeAt(a))) a++;
  return a;
}

/** The end of text[from, to) without trailing spaces and tabs. */
function trimEnd(text: string, from: number, to: number): number {
  let b = to;
  while (b > from && isBlank(text.charCodeAt(b - 1))) b--;
  return b;
}

function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/** Case-insensitive comparison of text[from, to) with a lower-case token. */
function sameToken(text: string, from: number, to: number, token: string): boolean {
  if (to - from !== token.length) return false;
  for (let k = 0; k < token.length; k++) {
    const code = text.charCodeAt(from + k);
    const lower = code >= 0x41 && code <= 0x5a ? code | 0x20 : code;
    if (lower !== token.charCodeAt(k)) return false;
  }
  return true;
}

/**
 * One parameter text[from, to): null when it is not `q`; the weight of a valid `q=0`…`q=1` with up to three
 * decimals (RFC 9110 §12.4.2); 0 for a malformed `q` (treated as "not acceptable", the safe reading).
 */
function qParam(text: string, from: number, to: number): number | null {
  let a = skipBlanks(text, from, to);
  const b = trimEnd(text, a, to);
  if (a >= b || (text.charCodeAt(a) | 0x20) !== 0x71) return null;
  a = skipBlanks(text, a + 1, b);
  if (a >= b || text.charCodeAt(a) !== 0x3d) return null;
  a = skipBlanks(text, a + 1, b);
  const digit = text.charCodeAt(a) - 0x30;
  if (a >= b || (digit !== 0 && digit !== 1)) return 0;
  a++;
  let q = digit;
  if (a < b) {
    if (text.charCodeAt(a) !== 0x2e) return 0;
    a++;
    let scale = 0.1;
    let decimals = 0;
    for (; a < b; a++, decimals++) {
      const d = text.charCodeAt(a) - 0x30;
      if (d < 0 || d > 9 || decimals === 3) return 0;
      q += d * scale;
      scale /= 10;
    }
  }
  return Math.min(1, q);
}

/**
 * Brotli quality for bodies encoded per response. The default (11) is meant for static files compressed once
 * and is far too slow per request; measured on a 4 KB text body, qualities 1–3 cost about as much as gzip's
 * default level but produce larger output than it, so preferring brotli on a tie would then only lose.
 * Quality 4 is the lowest that beats gzip on size, at roughly twice gzip's CPU for small bodies; on-the-fly
 * brotli in front ends is commonly run at 4–6 for the same reason. Tomcat itself has no brotli (gzip only).
 */
export const BROTLI_QUALITY = 4;

/**
 * The largest body (known length) compressed in one synchronous call instead of through a stream: a few
 * hundred µs of event-loop time at most, against a zlib stream's allocations and thread-pool round trips.
 */
export const WHOLE_BODY_MAX_BYTES = 64 * 1024;

/** The zlib stream for a coding, for a body that is still being produced. */
export function createEncoder(coding: ContentCoding): Transform {
  if (coding === 'gzip') return zlib.createGzip({ level: zlib.constants.Z_DEFAULT_COMPRESSION });
  return zlib.createBrotliCompress({ params: { [zlib.constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY } });
}

/** A whole body encoded at once, with the same level / quality as the stream (the bytes a stream would make). */
export function compressWhole(coding: ContentCoding, body: Uint8Array): Buffer {
  return coding === 'gzip' ? WHOLE_GZIP.encode(body) : WHOLE_BROTLI.encode(body);
}

/** One encoder per thread for every whole body of each coding (reusable-gzip.ts and reusable-brotli.ts say why). */
const WHOLE_GZIP = new ReusableGzip(zlib.constants.Z_DEFAULT_COMPRESSION);
const WHOLE_BROTLI = new ReusableBrotli(BROTLI_QUALITY);

/** Pushes out what the encoder holds so a streaming response (flush, slow producer) reaches the client. */
export function flushEncoder(coding: ContentCoding, encoder: Transform): void {
  const flushable = encoder as Transform & { flush(kind?: number): void };
  if (coding === 'gzip') flushable.flush(zlib.constants.Z_SYNC_FLUSH);
  else flushable.flush(zlib.constants.BROTLI_OPERATION_FLUSH);
}

function mimeTypeMatches(types: readonly string[], contentType: string): boolean {
  const semicolon = contentType.indexOf(';');
  const media = (semicolon < 0 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
  if (types.includes(media)) return true;
  const slash = media.indexOf('/');
  if (slash < 0) return false;
  for (const type of types) {
    if (type.length === slash + 2 && type.endsWith('/*') && media.startsWith(type.slice(0, slash))) return true;
  }
  return false;
}

/** Adds Accept-Encoding to Vary (the first Vary field without it), or a Vary field, unless already there or `*`. */
function addVary(flat: string[]): void {
  let present = false;
  for (let i = 0; i < flat.length; i += 2) {
    if ((flat[i] as string).toLowerCase() !== 'vary') continue;
    const value = flat[i + 1] as string;
    if (hasToken(value, '*') || hasToken(value, 'accept-encoding')) present = true;
    else if (!present) {
      flat[i + 1] = `${value}, Accept-Encoding`;
      present = true;
    }
  }
  if (!present) flat.push('Vary', 'Accept-Encoding');
}

/** True when a comma-separated list names a (lower-case) token, in any case. */
function hasToken(list: string, token: string): boolean {
  let i = 0;
  while (i <= list.length) {
    let end = list.indexOf(',', i);
    if (end < 0) end = list.length;
    const from = skipBlanks(list, i, end);
    if (sameToken(list, from, trimEnd(list, from, end), token)) return true;
    i = end + 1;
  }
  return false;
}

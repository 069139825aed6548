/**
 * Response compression (Tomcat's `compression` family of Connector attributes): decides per response
 * whether to gzip or brotli-encode the body, rewrites the headers accordingly and builds the zlib stream.
 */
import zlib from 'node:zlib';
import type { Transform } from 'node:stream';
import type { HeaderList } from '../exchange.js';

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

/** Attribute values as validated by the config layer (strings, numbers); null when compression is off. */
export function compressionConfigFrom(attributes: Readonly<Record<string, unknown>>): CompressionConfig | null {
  const mode = String(attributes['compression'] ?? 'off').trim().toLowerCase();
  let minSize = toNumber(attributes['compressionMinSize'], 2048);
  if (mode === 'off' || mode === 'false' || mode === '') return null;
  if (/^\d+$/.test(mode)) minSize = Number(mode);
  else if (mode !== 'on' && mode !== 'force' && mode !== 'true') return null;
  const types = String(attributes['compressibleMimeType'] ?? DEFAULT_MIME_TYPES);
  const agents = attributes['noCompressionUserAgents'];
  return {
    force: mode === 'force',
    minSize,
    mimeTypes: types.split(',').map((t) => t.trim().toLowerCase()).filter((t) => t !== ''),
    noCompressionUserAgents: typeof agents === 'string' && agents !== '' ? new RegExp(`^(?:${agents})$`) : null,
  };
}

export const DEFAULT_MIME_TYPES =
  'text/html,text/xml,text/plain,text/css,text/javascript,application/javascript,application/json,application/xml';

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
  const unchanged: CompressionDecision = { coding: null, headers: [...headers] };
  if (status < 200 || status === 204 || status === 206 || status === 304) return unchanged;
  let contentLength: number | null = null;
  let contentType: string | null = null;
  for (const [name, value] of headers) {
    const key = name.toLowerCase();
    if (key === 'content-encoding' && value.trim().toLowerCase() !== 'identity') return unchanged;
    if (key === 'content-range') return unchanged;
    if (key === 'content-length') contentLength = Number(value);
    else if (key === 'content-type') contentType = value;
  }
  // Nothing to encode; a gzip header alone would only add bytes.
  if (contentLength === 0) return unchanged;
  if (!config.force) {
    if (contentLength !== null && contentLength < config.minSize) return unchanged;
    if (contentType === null || !mimeTypeMatches(config.mimeTypes, contentType)) return unchanged;
  }
  const varied = addVary(headers);
  const coding = negotiateCoding(request.acceptEncoding);
  const agent = config.noCompressionUserAgents;
  if (coding === null || (agent !== null && request.userAgent !== undefined && agent.test(request.userAgent))) {
    return { coding: null, headers: varied };
  }
  const encoded: Array<readonly [string, string]> = [];
  for (const [name, value] of varied) {
    const key = name.toLowerCase();
    if (key === 'content-length' || key === 'content-encoding') continue;
    // A strong validator names one exact byte sequence; the encoded body is another (RFC 9110 §8.8.1).
    if (key === 'etag' && value.startsWith('"')) encoded.push([name, `W/${value}`]);
    else encoded.push([name, value]);
  }
  encoded.push(['Content-Encoding', coding]);
  return { coding, headers: encoded };
}

/**
 * RFC 9110 §12.5.3: the acceptable coding with the highest q-value; `*` stands for codings not named;
 * q=0 means "not acceptable". No Accept-Encoding means no preference, so the body is left as it is.
 * Brotli wins a tie: smaller output for similar cost at the quality used here.
 */
export function negotiateCoding(acceptEncoding: string | undefined): ContentCoding | null {
  if (acceptEncoding === undefined) return null;
  const weights = new Map<string, number>();
  for (const element of acceptEncoding.split(',')) {
    const [codingPart, ...params] = element.split(';');
    const coding = (codingPart ?? '').trim().toLowerCase();
    if (coding === '') continue;
    let q = 1;
    for (const param of params) {
      const match = /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/i.exec(param);
      if (match !== null) q = Math.min(1, Number(match[1]));
      else if (/^\s*q\s*=/i.test(param)) q = 0;
    }
    weights.set(coding === 'x-gzip' ? 'gzip' : coding, q);
  }
  const wildcard = weights.get('*') ?? 0;
  let best: ContentCoding | null = null;
  let bestQ = 0;
  for (const coding of ['br', 'gzip'] as const) {
    const q = weights.get(coding) ?? wildcard;
    if (q > bestQ) {
      best = coding;
      bestQ = q;
    }
  }
  return best;
}

/** The zlib stream for a coding. Brotli's default quality (11) is meant for static files, far too slow per request. */
export function createEncoder(coding: ContentCoding): Transform {
  if (coding === 'gzip') return zlib.createGzip({ level: zlib.constants.Z_DEFAULT_COMPRESSION });
  return zlib.createBrotliCompress({ params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } });
}

/** Pushes out what the encoder holds so a streaming response (flush, slow producer) reaches the client. */
export function flushEncoder(coding: ContentCoding, encoder: Transform): void {
  const flushable = encoder as Transform & { flush(kind?: number): void };
  if (coding === 'gzip') flushable.flush(zlib.constants.Z_SYNC_FLUSH);
  else flushable.flush(zlib.constants.BROTLI_OPERATION_FLUSH);
}

function mimeTypeMatches(types: readonly string[], contentType: string): boolean {
  const media = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  const slash = media.indexOf('/');
  const wildcard = slash < 0 ? '' : `${media.slice(0, slash)}/*`;
  return types.includes(media) || types.includes(wildcard);
}

function addVary(headers: HeaderList): Array<readonly [string, string]> {
  const result: Array<readonly [string, string]> = [];
  let present = false;
  for (const [name, value] of headers) {
    if (name.toLowerCase() === 'vary') {
      const tokens = value.split(',').map((t) => t.trim().toLowerCase());
      if (tokens.includes('*') || tokens.includes('accept-encoding')) present = true;
      else if (!present) {
        result.push([name, `${value}, Accept-Encoding`]);
        present = true;
        continue;
      }
    }
    result.push([name, value]);
  }
  if (!present) result.push(['Vary', 'Accept-Encoding']);
  return result;
}

function toNumber(value: unknown, fallback: number): number {
  const number = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(number) ? number : fallback;
}

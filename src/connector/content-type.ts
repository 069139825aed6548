/**
 * Content-Type values (RFC 9110 §8.3) and the character sets they name: parsing the `charset` parameter
 * and turning a charset name into an encoder/decoder with Java's meaning of the name.
 */

export interface ParsedContentType {
  /** `type/subtype`, lower-cased. */
  readonly mediaType: string;
  /** The charset parameter without quotes, or null. */
  readonly charset: string | null;
  /** The value as given with the charset parameter removed (what Tomcat stores as the content type). */
  readonly withoutCharset: string;
}

/** Splits parameters on `;` outside quoted strings. */
function splitParameters(value: string): string[] {
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\' && quoted) i++;
    else if (c === '"') quoted = !quoted;
    else if (c === ';' && !quoted) {
      parts.push(value.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(value.slice(start));
  return parts;
}

function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    return value.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  return value;
}

export function parseContentType(value: string): ParsedContentType {
  const [typePart = '', ...params] = splitParameters(value);
  const kept = [typePart.trim()];
  let charset: string | null = null;
  for (const param of params) {
    const eq = param.indexOf('=');
    const name = (eq < 0 ? param : param.slice(0, eq)).trim();
    if (name.toLowerCase() === 'charset' && eq >= 0) {
      const raw = unquote(param.slice(eq + 1).trim());
      if (raw !== '') charset = raw;
      continue;
    }
    if (param.trim() !== '') kept.push(param.trim());
  }
  return { mediaType: kept[0]!.toLowerCase(), charset, withoutCharset: kept.join(';') };
}

/** Incremental decoding: multi-byte sequences may be split across chunks. */
export interface StreamDecoder {
  write(bytes: Uint8Array): string;
  end(): string;
}

export interface Charset {
  /** The canonical (Java) name. */
  readonly name: string;
  /** False for multi-byte legacy charsets Node can decode but not encode. */
  readonly canEncode: boolean;
  decode(bytes: Uint8Array): string;
  encode(text: string): Buffer;
  newDecoder(): StreamDecoder;
}

// WHATWG maps "iso-8859-1" and "us-ascii" to windows-1252; Java does not, so these are handled here.
const LATIN1_ALIASES = new Set([
  'iso-8859-1',
  'iso8859-1',
  'iso8859_1',
  'iso_8859-1',
  'iso_8859_1',
  'latin1',
  'l1',
  '8859_1',
  'iso-ir-100',
  'cp819',
  'ibm819',
  'csisolatin1',
  'iso_8859-1:1987',
  'ibm-819',
]);
const ASCII_ALIASES = new Set([
  'us-ascii',
  'ascii',
  'iso646-us',
  'ascii7',
  '646',
  'csascii',
  'us',
  'cp367',
  'ibm367',
  'iso_646.irv:1983',
  'ansi_x3.4-1968',
  'ansi_x3.4-1986',
  'default',
  'iso-ir-6',
]);
const UTF8_ALIASES = new Set(['utf-8', 'utf8', 'unicode-1-1-utf-8']);
// WHATWG single-byte encodings: every char maps to one byte, so an encoder is a reverse table.
const SINGLE_BYTE = /^(?:ibm866|iso-8859-\d+|koi8-[ru]|macintosh|windows-\d{3,4}|x-mac-cyrillic)$/;

function byteDecoder(map: (byte: number) => string): StreamDecoder {
  return {
    write: (bytes) => {
      let out = '';
      for (const b of bytes) out += map(b);
      return out;
    },
    end: () => '',
  };
}

function textDecoder(label: string, bomAware = false): StreamDecoder {
  const decoder = new TextDecoder(label, { ignoreBOM: !bomAware });
  return { write: (bytes) => decoder.decode(bytes, { stream: true }), end: () => decoder.decode() };
}

function replaceUnmappable(text: string, max: number): string {
  let out = '';
  for (const ch of text) out += ch.codePointAt(0)! <= max ? ch : '?';
  return out;
}

function utf16Encode(text: string, bigEndian: boolean, bom: boolean): Buffer {
  const buf = Buffer.alloc((text.length + (bom ? 1 : 0)) * 2);
  let offset = 0;
  if (bom) offset = bigEndian ? buf.writeUInt16BE(0xfeff, 0) : buf.writeUInt16LE(0xfeff, 0);
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    offset = bigEndian ? buf.writeUInt16BE(unit, offset) : buf.writeUInt16LE(unit, offset);
  }
  return buf;
}

const latin1: Charset = {
  name: 'ISO-8859-1',
  canEncode: true,
  decode: (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'),
  encode: (text) => Buffer.from(replaceUnmappable(text, 0xff), 'latin1'),
  newDecoder: () => ({
    write: (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'),
    end: () => '',
  }),
};

const ascii: Charset = {
  name: 'US-ASCII',
  canEncode: true,
  decode: (bytes) => byteDecoder((b) => (b < 0x80 ? String.fromCharCode(b) : '\ufffd')).write(bytes),
  encode: (text) => Buffer.from(replaceUnmappable(text, 0x7f), 'latin1'),
  newDecoder: () => byteDecoder((b) => (b < 0x80 ? String.fromCharCode(b) : '\ufffd')),
};

const utf8: Charset = {
  name: 'UTF-8',
  canEncode: true,
  decode: (bytes) => new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes),
  encode: (text) => Buffer.from(text, 'utf8'),
  newDecoder: () => textDecoder('utf-8'),
};

function utf16(name: string, bigEndian: boolean, bom: boolean): Charset {
  const label = bigEndian ? 'utf-16be' : 'utf-16le';
  return {
    name,
    canEncode: true,
    // Java's "UTF-16" honours a BOM when decoding and writes one (big-endian) when encoding.
    decode: (bytes) => new TextDecoder(label, { ignoreBOM: !bom }).decode(bytes),
    encode: (text) => utf16Encode(text, bigEndian, bom),
    newDecoder: () => textDecoder(label, bom),
  };
}

// Node 20's TextDecoder drops bytes 0x80-0x9F for windows-1252 (and the ISO-8859 family), so that
// table is spelled out (WHATWG mapping).
const WINDOWS_1252_C1 =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

function singleByteTable(label: string): string[] {
  if (label === 'windows-1252') {
    return Array.from({ length: 256 }, (_, b) => (b >= 0x80 && b <= 0x9f ? WINDOWS_1252_C1[b - 0x80]! : String.fromCharCode(b)));
  }
  const decoder = new TextDecoder(label);
  // The same decoder also drops the C1 range of the ISO-8859 family, which maps to U+0080-U+009F.
  const c1 = label.startsWith('iso-8859-');
  return Array.from(
    { length: 256 },
    (_, b) => decoder.decode(Uint8Array.of(b)) || (c1 && b >= 0x80 && b <= 0x9f ? String.fromCharCode(b) : '\ufffd'),
  );
}

function singleByte(label: string): Charset {
  const table = singleByteTable(label);
  const reverse = new Map<string, number>();
  for (let b = 255; b >= 0; b--) if (table[b] !== '\ufffd') reverse.set(table[b]!, b);
  const decode = (bytes: Uint8Array): string => {
    let out = '';
    for (const b of bytes) out += table[b]!;
    return out;
  };
  return {
    name: label.toUpperCase(),
    canEncode: true,
    decode,
    encode: (text) => {
      const out: number[] = [];
      for (const ch of text) out.push(reverse.get(ch) ?? 0x3f);
      return Buffer.from(out);
    },
    newDecoder: () => ({ write: decode, end: () => '' }),
  };
}

function multiByte(label: string): Charset {
  return {
    name: label.toUpperCase(),
    canEncode: false,
    decode: (bytes) => new TextDecoder(label).decode(bytes),
    encode: () => {
      throw new RangeError(`Charset [${label}] cannot be encoded`);
    },
    newDecoder: () => textDecoder(label),
  };
}

const cache = new Map<string, Charset>();

function resolve(key: string): Charset | null {
  if (UTF8_ALIASES.has(key)) return utf8;
  if (LATIN1_ALIASES.has(key)) return latin1;
  if (ASCII_ALIASES.has(key)) return ascii;
  if (key === 'utf-16' || key === 'utf16') return utf16('UTF-16', true, true);
  if (key === 'utf-16be' || key === 'unicodebigunmarked') return utf16('UTF-16BE', true, false);
  if (key === 'utf-16le' || key === 'unicodelittleunmarked') return utf16('UTF-16LE', false, false);
  let encoding: string;
  try {
    encoding = new TextDecoder(key).encoding;
  } catch {
    return null;
  }
  // The WHATWG "replacement" encoding and x-user-defined are not charsets an application can mean.
  if (encoding === 'replacement' || encoding === 'x-user-defined') return null;
  return SINGLE_BYTE.test(encoding) ? singleByte(encoding) : multiByte(encoding);
}

/** The charset a name denotes (case-insensitive, Java aliases honoured), or null when unknown. */
export function lookupCharset(name: string): Charset | null {
  // Responses of a server name the same charset again and again: the last answer skips trim, lower-casing
  // and the map (a string compare is all it costs when the name is the same string).
  if (name === lastName) return lastCharset;
  const charset = lookupCharsetUncached(name);
  if (charset !== null) {
    lastName = name;
    lastCharset = charset;
  }
  return charset;
}

let lastName: string | null = null;
let lastCharset: Charset | null = null;

function lookupCharsetUncached(name: string): Charset | null {
  const key = name.trim().toLowerCase();
  if (key === '') return null;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const charset = resolve(key);
  // Only known names are cached: request input must not be able to grow the cache.
  if (charset !== null) cache.set(key, charset);
  return charset;
}

/**
 * The wire format of HTTP Basic authentication (RFC 7617): reading `Authorization: Basic <token68>` into a
 * user name and password, and writing the `WWW-Authenticate` challenge. Pure: the header value in, a result
 * out; the BASIC authenticator valve decides the response.
 *
 * Header values are taken as node's HTTP parser gives them: one character per received byte (latin1).
 */

/** The credentials a well-formed Basic header carries. */
export interface BasicCredentials {
  readonly username: string;
  readonly password: string;
}

/**
 * `'not-basic'`: the header names another scheme (or none), so it carries no Basic credentials at all.
 * `'malformed'`: it is Basic, but the credentials are broken (bad base64, not UTF-8, no colon, control
 * characters); it must never be authenticated, not even partially decoded.
 */
export type BasicAuthorizationResult = BasicCredentials | 'malformed' | 'not-basic';

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64_VALUES: readonly number[] = (() => {
  const values = new Array<number>(128).fill(-1);
  for (let i = 0; i < BASE64_ALPHABET.length; i++) values[BASE64_ALPHABET.charCodeAt(i)] = i;
  return values;
})();

/** RFC 9110 §5.6.2 tchar, by ASCII code. */
const TCHAR: readonly boolean[] = (() => {
  const table = new Array<boolean>(128).fill(false);
  for (const c of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") table[c.charCodeAt(0)] = true;
  return table;
})();

export function isTchar(code: number): boolean {
  return code < 128 && TCHAR[code] === true;
}

// fatal: invalid UTF-8 throws instead of becoming U+FFFD; ignoreBOM: a leading U+FEFF is part of the user name.
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function parseBasicAuthorization(header: string): BasicAuthorizationResult {
  // RFC 9110 §5.5: the field value excludes leading and trailing whitespace.
  let start = 0;
  let end = header.length;
  while (start < end && isWhitespace(header.charCodeAt(start))) start++;
  while (end > start && isWhitespace(header.charCodeAt(end - 1))) end--;

  let schemeEnd = start;
  while (schemeEnd < end && isTchar(header.charCodeAt(schemeEnd))) schemeEnd++;
  // RFC 7235 §2.1: the scheme is a case-insensitive token.
  if (schemeEnd === start || header.slice(start, schemeEnd).toLowerCase() !== 'basic') return 'not-basic';
  // `credentials = auth-scheme [ 1*SP ( token68 / #auth-param ) ]`: anything else after the scheme is broken.
  if (schemeEnd === end || header.charCodeAt(schemeEnd) !== 0x20) return 'malformed';
  let tokenStart = schemeEnd;
  while (tokenStart < end && header.charCodeAt(tokenStart) === 0x20) tokenStart++;

  const bytes = decodeStrictBase64(header, tokenStart, end);
  if (bytes === null) return 'malformed';
  let text: string;
  try {
    // RFC 7617 §2.1: with charset="UTF-8" in the challenge, the client encodes user-pass as UTF-8.
    text = UTF8.decode(bytes);
  } catch {
    return 'malformed';
  }
  // RFC 7617 §2: the user-id cannot contain a colon, so the first one separates it from the password.
  const colon = text.indexOf(':');
  if (colon < 0) return 'malformed';
  // RFC 7617 §2: neither part may contain control characters.
  if (hasControlCharacter(text)) return 'malformed';
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** The `WWW-Authenticate` value asking for Basic credentials (RFC 7617 §2, with the charset of §2.1). */
export function basicChallenge(realmName: string): string {
  return `Basic realm=${quotedString(realmName)}, charset="UTF-8"`;
}

/**
 * A challenge parameter as an RFC 9110 §5.6.4 quoted-string, ready for a latin1 header line. `"` and `\` are
 * escaped. Control characters (other than HTAB) cannot appear in a field value even escaped; they become a
 * space, as Tomcat's output buffer does with header values. Non-ASCII text is sent as its UTF-8 bytes (one
 * latin1 character each), the encoding RFC 7617 §2.1 and RFC 7616 §3.3 ask clients to hash the realm in.
 */
export function quotedString(value: string): string {
  let escaped = '';
  for (const char of value) {
    const code = char.charCodeAt(0);
    if (char === '"' || char === '\\') escaped += `\\${char}`;
    else if ((code < 0x20 && code !== 0x09) || code === 0x7f) escaped += ' ';
    else escaped += char;
  }
  return `"${Buffer.from(escaped, 'utf8').toString('latin1')}"`;
}

/**
 * RFC 4648 §4 base64, strictly: only the alphabet, length a multiple of 4, `=` only as the final one or two
 * characters, and the unused bits of the last character zero (so each byte string has exactly one encoding).
 * Returns null for anything else instead of decoding it loosely, as Buffer.from(…, 'base64') would.
 */
function decodeStrictBase64(text: string, start: number, end: number): Uint8Array | null {
  const length = end - start;
  if (length === 0 || length % 4 !== 0) return null;
  let padding = 0;
  if (text.charCodeAt(end - 1) === 0x3d) padding = text.charCodeAt(end - 2) === 0x3d ? 2 : 1;
  const dataEnd = end - padding;
  for (let i = start; i < dataEnd; i++) {
    const code = text.charCodeAt(i);
    if (code >= 128 || BASE64_VALUES[code] === -1) return null;
  }
  if (padding > 0) {
    const last = BASE64_VALUES[text.charCodeAt(dataEnd - 1)] ?? 0;
    // Two `=`: the last character carries 2 data bits (4 unused); one `=`: 4 data bits (2 unused).
    const unusedMask = padding === 2 ? 0x0f : 0x03;
    if ((last & unusedMask) !== 0) return null;
  }
  return Buffer.from(text.slice(start, end), 'base64');
}

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/** Unicode's Cc category: C0 controls, DEL and C1 controls. */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return true;
  }
  return false;
}

/** Validation of response header names and values, so nothing the application sets can split a response. */
import { ContainerError } from '../errors/container-error.js';

// RFC 9110 §5.6.2: token = 1*tchar.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// RFC 9110 §5.5: CR, LF and NUL are never allowed in a field value (response splitting).
const FORBIDDEN_VALUE_CHARS = /[\r\n\0]/;
// Other controls (except HTAB) and characters beyond ISO-8859-1 cannot be put on the wire as they are.
const UNSENDABLE_VALUE_CHARS = /[\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f\u0100-\uffff]/g;
/** Anything but HTAB, SP, visible ASCII and obs-text: one test clears almost every value (see validateHeaderValue). */
const NOT_PLAIN_VALUE_CHAR = /[^\t\x20-\x7e\x80-\xff]/;
/**
 * Values already found plain: a servlet sends the same few again and again (content types, a cached file's
 * validators, `bytes`), and a set hit on a string whose hash V8 already keeps is cheaper than the regex. When
 * full it starts over, so it follows what the application sends now.
 */
const knownPlainValues = new Set<string>();
const MAX_KNOWN_PLAIN_VALUES = 1024;
const MAX_KNOWN_PLAIN_VALUE_LENGTH = 128;
/** Names already found to be tokens: the same few literal names come back on every response. */
const knownTokens = new Set<string>();
const MAX_KNOWN_TOKENS = 512;

export function isToken(value: string): boolean {
  if (knownTokens.has(value)) return true;
  if (!TOKEN.test(value)) return false;
  if (knownTokens.size < MAX_KNOWN_TOKENS && value.length <= 64) knownTokens.add(value);
  return true;
}

export function validateHeaderName(name: string): void {
  if (!isToken(name)) throw new ContainerError('SV_ERR_HTTP_INVALID_HEADER_NAME', { name });
}

/**
 * Throws on CR, LF or NUL; returns the value with other unsendable characters replaced the way Tomcat's
 * output buffer does (controls → space, beyond U+00FF → '?'), so the protocol layer never rejects it later.
 */
export function validateHeaderValue(name: string, value: string): string {
  if (knownPlainValues.has(value)) return value;
  if (!NOT_PLAIN_VALUE_CHAR.test(value)) {
    if (value.length <= MAX_KNOWN_PLAIN_VALUE_LENGTH) {
      if (knownPlainValues.size >= MAX_KNOWN_PLAIN_VALUES) knownPlainValues.clear();
      knownPlainValues.add(value);
    }
    return value;
  }
  if (FORBIDDEN_VALUE_CHARS.test(value)) throw new ContainerError('SV_ERR_HTTP_INVALID_HEADER_VALUE', { name });
  return value.replace(UNSENDABLE_VALUE_CHARS, (c) => (c.charCodeAt(0) < 0x80 ? ' ' : '?'));
}

/** Validation of response header names and values, so nothing the application sets can split a response. */
import { ContainerError } from '../errors/container-error.js';

// RFC 9110 §5.6.2: token = 1*tchar.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// RFC 9110 §5.5: CR, LF and NUL are never allowed in a field value (response splitting).
const FORBIDDEN_VALUE_CHARS = /[\r\n\0]/;
// Other controls (except HTAB) and characters beyond ISO-8859-1 cannot be put on the wire as they are.
const UNSENDABLE_VALUE_CHARS = /[\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f\u0100-\uffff]/g;
/** The same set without the global flag, for a stateless test: most values need no replacement at all. */
const HAS_UNSENDABLE_VALUE_CHAR = /[\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f\u0100-\uffff]/;

export function isToken(value: string): boolean {
  return TOKEN.test(value);
}

export function validateHeaderName(name: string): void {
  if (!isToken(name)) throw new ContainerError('SV_ERR_HTTP_INVALID_HEADER_NAME', { name });
}

/**
 * Throws on CR, LF or NUL; returns the value with other unsendable characters replaced the way Tomcat's
 * output buffer does (controls → space, beyond U+00FF → '?'), so the protocol layer never rejects it later.
 */
export function validateHeaderValue(name: string, value: string): string {
  if (FORBIDDEN_VALUE_CHARS.test(value)) throw new ContainerError('SV_ERR_HTTP_INVALID_HEADER_VALUE', { name });
  if (!HAS_UNSENDABLE_VALUE_CHAR.test(value)) return value;
  return value.replace(UNSENDABLE_VALUE_CHARS, (c) => (c.charCodeAt(0) < 0x80 ? ' ' : '?'));
}

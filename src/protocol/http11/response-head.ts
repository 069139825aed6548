/**
 * The response head on the wire (RFC 9112 §4, §5): status line, fields and the empty line, as one latin1
 * string; fields are checked before anything is written (no CR/LF injection, RFC 9110 §5.5).
 */
import { STATUS_CODES } from 'node:http';
import { ContainerError } from '../../errors/container-error.js';
import { currentSecondMs } from '../../time/second-clock.js';

/** RFC 9110 §5.6.2 token. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** RFC 9110 §5.5 field-value characters: visible ASCII, obs-text, space and tab; nothing else (no CR, LF, NUL). */
const INVALID_VALUE_CHAR = /[^\t\x20-\x7e\x80-\xff]/;

const statusLines = new Map<number, string>();
/** Names already checked: the same few come back on every response, and a set hit beats the regex. */
const knownNames = new Set<string>();
const MAX_KNOWN_NAMES = 512;

/** `HTTP/1.1 <status> <reason>\r\n`, cached for the standard reasons. */
export function statusLine(status: number, reason: string | null): string {
  if (reason !== null) {
    checkReason(reason);
    return `HTTP/1.1 ${status} ${reason}\r\n`;
  }
  let line = statusLines.get(status);
  if (line === undefined) {
    line = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n`;
    if (statusLines.size < 1000) statusLines.set(status, line);
  }
  return line;
}

/** Appends `name: value\r\n` after checking both; throws SV_ERR_HTTP_INVALID_HEADER_NAME/VALUE. */
export function headerLine(name: string, value: string): string {
  if (!knownNames.has(name)) {
    if (!TOKEN.test(name)) throw new ContainerError('SV_ERR_HTTP_INVALID_HEADER_NAME', { name });
    if (knownNames.size < MAX_KNOWN_NAMES && name.length <= 64) knownNames.add(name);
  }
  if (INVALID_VALUE_CHAR.test(value)) throw new ContainerError('SV_ERR_HTTP_INVALID_HEADER_VALUE', { name });
  return `${name}: ${value}\r\n`;
}

function checkReason(reason: string): void {
  if (INVALID_VALUE_CHAR.test(reason)) throw new ContainerError('SV_ERR_HTTP_INVALID_HEADER_VALUE', { name: 'reason-phrase' });
}

let dateLine = '';
let dateSecond = -1;

/** `Date: <IMF-fixdate>\r\n` (RFC 9110 §6.6.1), formatted once per second (second-clock.ts). */
export function dateHeaderLine(): string {
  const second = currentSecondMs();
  if (second !== dateSecond) {
    dateSecond = second;
    dateLine = `Date: ${new Date(second).toUTCString()}\r\n`;
  }
  return dateLine;
}

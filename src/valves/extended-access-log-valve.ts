/**
 * ExtendedAccessLogValve: the access log in the W3C Extended Log File Format (W3C WD-logfile-960323), as Tomcat's.
 * `pattern` is the list of fields; every new file starts with the `#Fields:`, `#Version: 2.0` and `#Software:`
 * directives. The same writer, record and elements as AccessLogValve: only the field names differ.
 *
 * Fields, Tomcat's: date, time (UTC, when the request began), time-taken (whole seconds; time-taken-ns|us|ms|fracsec
 * for other units), bytes, cached (always `-`), c-ip, c-dns, s-ip, s-dns, cs-method, cs-uri, cs-uri-stem,
 * cs-uri-query, sc-status, cs(Header), sc(Header), x-threadname, x-A(context attribute), x-C(cookie), x-O(all values
 * of a response header), x-R(request attribute), x-S(session attribute), x-P(parameter, URL-encoded) and x-H(…) for
 * authType, characterEncoding, connectionId, contentLength, locale, protocol, remoteUser, requestedSessionId,
 * requestedSessionIdFromCookie, requestedSessionIdValid, scheme, secure. Free-text values are quoted (`"` doubled,
 * W3C's rule) and `-` when absent; control characters are escaped (`\n`, `\u0001`) so a request is always one line,
 * where Tomcat would write them raw. A field Tomcat does not know is refused at load (Tomcat logs it and drops the
 * rest of the pattern).
 */
import { hostname } from 'node:os';
import { ConfigError } from '../errors/container-error.js';
import { SERVER_INFO } from '../version/version.js';
import {
  accessLogElement,
  compileParts,
  elapsedElement,
  escapeOrDash,
  formatObject,
  type AccessLogElement,
  type CompiledAccessLogPattern,
} from './access-log-pattern.js';
import type { AccessLogRecord } from './access-log-record.js';
import { AccessLogValve, type AccessLogFormatContext } from './access-log-valve.js';

const X_PROPERTIES = [
  'authType',
  'characterEncoding',
  'connectionId',
  'contentLength',
  'locale',
  'protocol',
  'remoteUser',
  'requestedSessionId',
  'requestedSessionIdFromCookie',
  'requestedSessionIdValid',
  'scheme',
  'secure',
];

const FIELDS =
  'date, time, time-taken[-ns|-us|-ms|-fracsec|-s], bytes, cached, c-ip, c-dns, s-ip, s-dns, cs-method, cs-uri, cs-uri-stem, cs-uri-query, sc-status, cs(Header), sc(Header), x-threadname, x-A(name), x-C(name), x-O(name), x-R(name), x-S(name), x-P(name), x-H(' +
  X_PROPERTIES.join('|') +
  ')';

// The base constructor calls these hooks before this class's fields exist: they use their arguments only.
export class ExtendedAccessLogValve extends AccessLogValve {
  protected override compilePattern(pattern: string, context: AccessLogFormatContext): CompiledAccessLogPattern {
    return compileExtendedPattern(pattern, context);
  }

  protected override fileHeader(pattern: string): () => readonly string[] {
    const lines = [`#Fields: ${pattern.trim()}`, '#Version: 2.0', `#Software: ${SERVER_INFO}`];
    return () => lines;
  }
}

/** Compiles a W3C field list; an unknown field is a ConfigError naming the pattern attribute. */
export function compileExtendedPattern(pattern: string, context: AccessLogFormatContext): CompiledAccessLogPattern {
  const parts: Array<string | AccessLogElement> = [];
  let i = 0;
  while (i < pattern.length) {
    const start = i;
    if (/\s/.test(pattern[i] as string)) {
      while (i < pattern.length && /\s/.test(pattern[i] as string)) i += 1;
      parts.push(pattern.slice(start, i));
      continue;
    }
    // A field runs to the next white space, except inside its parentheses: cs(User Agent) is one field.
    while (i < pattern.length && !/\s/.test(pattern[i] as string)) {
      if (pattern[i] === '(') {
        const close = pattern.indexOf(')', i);
        i = close < 0 ? pattern.length : close + 1;
      } else i += 1;
    }
    const field = pattern.slice(start, i);
    const element = fieldElement(field, context);
    if (element === null) {
      throw new ConfigError('SV_ERR_CONFIG_INVALID_VALUE', {
        attribute: 'pattern',
        element: context.element,
        value: field,
        allowed: `W3C fields separated by spaces: ${FIELDS}`,
      });
    }
    parts.push(element);
  }
  return compileParts(pattern, parts, false);
}

function fieldElement(field: string, context: AccessLogFormatContext): AccessLogElement | null {
  const call = /^(cs|sc|x-[ACORSPH])\((.+)\)$/.exec(field);
  if (call !== null) return callElement(call[1] as string, call[2] as string);
  switch (field) {
    case 'date':
      return utcDate;
    case 'time':
      return utcTime;
    case 'time-taken':
      return elapsedElement('s');
    case 'time-taken-ns':
    case 'time-taken-us':
    case 'time-taken-ms':
    case 'time-taken-fracsec':
    case 'time-taken-s':
      return elapsedElement(field.slice('time-taken-'.length));
    case 'bytes':
      return accessLogElement('b', null, context);
    case 'cached':
      return () => '-';
    case 'c-ip':
      return accessLogElement('a', null, context);
    case 'c-dns':
      return accessLogElement('h', null, context);
    case 's-ip':
      return accessLogElement('A', null, context);
    case 's-dns': {
      // Tomcat asks for the local host's name once.
      const name = escapeOrDash(hostname());
      return () => name;
    }
    case 'cs-method':
      return accessLogElement('m', null, context);
    case 'cs-uri':
      return (r) => (r.uriPath === null ? '-' : escapeOrDash(r.query === null ? r.uriPath : `${r.uriPath}?${r.query}`));
    case 'cs-uri-stem':
      return accessLogElement('U', null, context);
    case 'cs-uri-query':
      return (r) => escapeOrDash(r.query);
    case 'sc-status':
      return accessLogElement('s', null, context);
    case 'x-threadname':
      return accessLogElement('I', null, context);
    default:
      return null;
  }
}

function callElement(kind: string, name: string): AccessLogElement | null {
  switch (kind) {
    case 'cs':
      return (r) => quote(r.requestHeaders(name)[0]);
    case 'sc':
      return (r) => quote(r.responseHeaders(name)[0]);
    case 'x-A':
      return (r) => quoteObject(r.contextAttribute(name));
    case 'x-C':
      return (r) => {
        const values = r.cookies(name);
        return values.length === 0 ? '-' : quote(values.join(','));
      };
    case 'x-O':
      return (r) => {
        const values = r.responseHeaders(name);
        return values.length === 0 ? '-' : quote(values.join(','));
      };
    case 'x-R':
      return (r) => quoteObject(r.requestAttribute(name));
    case 'x-S':
      return (r) => quoteObject(r.sessionAttribute(name));
    case 'x-P':
      return (r) => {
        const value = r.parameter(name);
        // Java's URLEncoder: form encoding, space as `+`.
        return value === null ? '-' : quote(new URLSearchParams([['', value]]).toString().slice(1));
      };
    case 'x-H':
      if (!X_PROPERTIES.includes(name)) return null;
      // Tomcat prints the scheme bare and every other property quoted.
      if (name === 'scheme') return (r) => r.requestProperty(name) ?? '-';
      return (r: AccessLogRecord) => quote(r.requestProperty(name));
    default:
      return null;
  }
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function utcDate(r: AccessLogRecord): string {
  const d = new Date(r.startTimeMs);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

function utcTime(r: AccessLogRecord): string {
  const d = new Date(r.startTimeMs);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

function quoteObject(value: unknown): string {
  if (value === null || value === undefined) return '-';
  // formatObject gives the AccessLog form (escaped); W3C quoting wants the raw text, so only strings are taken as they are.
  return quote(typeof value === 'string' ? value : unescapeForQuote(formatObject(value)));
}

/** formatObject's output is escaped for the CLF; its `\"` and `\\` are turned back before W3C quoting. */
function unescapeForQuote(text: string): string {
  return text.replace(/\\(["\\])/g, '$1');
}

const CONTROL = /[\x00-\x1f\x7f]/g;

/**
 * W3C's quoting, as Tomcat's wrap(): `-` for no value, else the value in double quotes with each `"` doubled; control
 * characters are escaped as well so that a value can never end the line.
 */
export function quote(value: string | null | undefined): string {
  if (value === null || value === undefined || value === '-') return '-';
  const text = value.replace(/"/g, '""').replace(CONTROL, (c) => {
    switch (c) {
      case '\n':
        return '\\n';
      case '\r':
        return '\\r';
      case '\t':
        return '\\t';
      case '\f':
        return '\\f';
      default:
        return `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
    }
  });
  return `"${text}"`;
}

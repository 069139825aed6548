/**
 * JsonAccessLogValve: AccessLogValve's pattern, each line one JSON object (Tomcat's JsonAccessLogValve). The same
 * pattern engine and elements: each `%x` element becomes a key (Tomcat's names), literal text is dropped.
 *
 * Keys, Tomcat's: a remoteAddr, A localAddr, b size, B byteSentNC, D elapsedTime, F firstByteTime, h host,
 * H protocol, I threadName, l logicalUserName, m method, p port, q query, r request, s statusCode, S sessionId,
 * t time, T elapsedTimeS, u user, U path, v localServerName, X connectionStatus; `%{x}a` `%{x}p` `%{x}t` `%{x}T`
 * become `remoteAddr-x`, `port-x`, `time-x`, `elapsedTimeS-x`; `%{n}i` `%{n}o` `%{n}c` `%{n}r` `%{n}s` `%{c}L` are
 * grouped in the objects requestHeaders, responseHeaders, cookies, requestAttributes, sessionAttributes and
 * identifier (after the plain keys); any other code is `other-x` (`other-x-param`). Every value is a string, `-`
 * when empty, as Tomcat writes them.
 */
import {
  accessLogElement,
  compileParts,
  resolvePatternAlias,
  tokenizeAccessLogPattern,
  type AccessLogElement,
} from './access-log-pattern.js';
import type { CompiledAccessLogPattern } from './access-log-pattern.js';
import type { AccessLogRecord } from './access-log-record.js';
import { AccessLogValve, type AccessLogFormatContext } from './access-log-valve.js';

const KEYS: Readonly<Record<string, string>> = {
  a: 'remoteAddr',
  A: 'localAddr',
  b: 'size',
  B: 'byteSentNC',
  D: 'elapsedTime',
  F: 'firstByteTime',
  h: 'host',
  H: 'protocol',
  I: 'threadName',
  l: 'logicalUserName',
  m: 'method',
  p: 'port',
  q: 'query',
  r: 'request',
  s: 'statusCode',
  S: 'sessionId',
  t: 'time',
  T: 'elapsedTimeS',
  u: 'user',
  U: 'path',
  v: 'localServerName',
  X: 'connectionStatus',
};

/** `%{name}x` codes whose values are grouped in one sub-object per code. */
const GROUPS: Readonly<Record<string, string>> = {
  c: 'cookies',
  i: 'requestHeaders',
  o: 'responseHeaders',
  r: 'requestAttributes',
  s: 'sessionAttributes',
  L: 'identifier',
};

export class JsonAccessLogValve extends AccessLogValve {
  protected override compilePattern(pattern: string, context: AccessLogFormatContext): CompiledAccessLogPattern {
    return compileJsonPattern(pattern, context);
  }
}

/** Compiles an AccessLogValve pattern to one JSON object per line. */
export function compileJsonPattern(pattern: string, context: AccessLogFormatContext): CompiledAccessLogPattern {
  const resolved = resolvePatternAlias(pattern);
  const plain: Array<readonly [key: string, element: AccessLogElement]> = [];
  const groups = new Map<string, Array<readonly [key: string, element: AccessLogElement]>>();
  let usesCommitTime = false;
  for (const token of tokenizeAccessLogPattern(resolved)) {
    if (token.kind === 'text') continue;
    const { code, param } = token;
    const element = accessLogElement(code, param, context);
    if (code === 'F' && param === null) usesCommitTime = true;
    const group = param === null ? undefined : GROUPS[code];
    if (group !== undefined) {
      const members = groups.get(group) ?? [];
      members.push([param as string, element]);
      groups.set(group, members);
      continue;
    }
    const base = KEYS[code] ?? `other-${code}`;
    plain.push([param === null ? base : `${base}-${param}`, element]);
  }
  // The line is literal text and elements, like any pattern, so it compiles through the same generated formatter.
  const parts: Array<string | AccessLogElement> = [];
  let text = '{';
  const member = (key: string, element: AccessLogElement, first: boolean): void => {
    text += `${first ? '' : ','}${JSON.stringify(key)}:"`;
    parts.push(text, jsonValue(element));
    text = '"';
  };
  plain.forEach(([key, element], index) => member(key, element, index === 0));
  let first = plain.length === 0;
  for (const [group, members] of groups) {
    text += `${first ? '' : ','}${JSON.stringify(group)}:{`;
    members.forEach(([key, element], index) => member(key, element, index === 0));
    text += '}';
    first = false;
  }
  parts.push(`${text}}`);
  return compileParts(resolved, parts, usesCommitTime);
}

function jsonValue(element: AccessLogElement): AccessLogElement {
  return (r: AccessLogRecord) => {
    const value = element(r);
    return value === '' ? '-' : jsonSafe(value);
  };
}

const UNSAFE = /["\\\x00-\x1f\u2028\u2029]/;

/**
 * The content of a JSON string for an element's output. Most elements already escape client text the AccessLog way
 * (`\"`, `\\`, `\n`, `\uXXXX`), which is valid JSON and kept; what is left raw (a quote or backslash in a date
 * format's literal text or a proxy-supplied address, a control character) is escaped here so the line is always JSON.
 */
export function jsonSafe(value: string): string {
  if (!UNSAFE.test(value)) return value;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    if (c === '\\') {
      const next = value[i + 1];
      if (next !== undefined && '"\\/bfnrt'.includes(next)) {
        out += c + next;
        i += 1;
      } else if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(value.slice(i + 2, i + 6))) {
        out += value.slice(i, i + 6);
        i += 5;
      } else out += '\\\\';
    } else if (c === '"') out += '\\"';
    else if (c < ' ' || c === '\u2028' || c === '\u2029') out += `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
    else out += c;
  }
  return out;
}

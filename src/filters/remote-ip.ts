/**
 * The rules RemoteIpValve and RemoteIpFilter share (Tomcat's mod_remoteip port): who the client is when the
 * request came through proxies that say so in X-Forwarded-For, X-Forwarded-Proto and friends. Pure: it reads
 * header values and the TCP peer's address and returns what the request should report; the valve applies it
 * through the container's Request setters, the filter through a request wrapper.
 *
 * Trust: the headers are believed only when the TCP peer matches internalProxies or trustedProxies, and the
 * X-Forwarded-For list is walked right to left (the entries a proxy we trust appended last), skipping internal
 * proxies, recording trusted proxies, and stopping at the first address that is neither: that address is the
 * client, and everything left of it (which the client itself may have written) is only passed on.
 */
import { DEFAULT_INTERNAL_PROXIES } from '../config/attributes.js';
import { compileConfigPattern } from '../config/config-pattern.js';

export { DEFAULT_INTERNAL_PROXIES };

/** Tomcat's Globals.REMOTE_ADDR_ATTRIBUTE: the client's address, for components that log it. */
export const REMOTE_ADDR_ATTRIBUTE = 'org.apache.tomcat.remoteAddr';
/** Tomcat's Globals.REQUEST_FORWARDED_ATTRIBUTE: true when a trusted proxy's headers were applied. */
export const REQUEST_FORWARDED_ATTRIBUTE = 'org.apache.tomcat.request.forwarded';

/**
 * RemoteIpValve's attributes and RemoteIpFilter's init-params, typed (Tomcat's names and defaults). The
 * patterns are Java regular expressions matched against the whole address; an empty one matches nothing.
 */
export interface RemoteIpOptions {
  readonly internalProxies?: string | undefined;
  readonly trustedProxies?: string | undefined;
  readonly remoteIpHeader?: string | undefined;
  readonly proxiesHeader?: string | undefined;
  /** Empty: the scheme, secure flag and port are never changed. */
  readonly protocolHeader?: string | undefined;
  readonly protocolHeaderHttpsValue?: string | undefined;
  readonly hostHeader?: string | undefined;
  readonly portHeader?: string | undefined;
  readonly httpServerPort?: number | undefined;
  readonly httpsServerPort?: number | undefined;
  readonly changeLocalName?: boolean | undefined;
  readonly changeLocalPort?: boolean | undefined;
  readonly requestAttributesEnabled?: boolean | undefined;
}

/** The options compiled once: what the per-request evaluation reads. */
export interface RemoteIpRules {
  readonly internalProxies: RegExp | null;
  readonly trustedProxies: RegExp | null;
  readonly remoteIpHeader: string;
  readonly proxiesHeader: string;
  readonly protocolHeader: string | null;
  readonly protocolHeaderHttpsValue: string;
  readonly hostHeader: string | null;
  readonly portHeader: string | null;
  readonly httpServerPort: number;
  readonly httpsServerPort: number;
  readonly changeLocalName: boolean;
  readonly changeLocalPort: boolean;
  readonly requestAttributesEnabled: boolean;
}

/** A pattern option that cannot be used, by name: the valve reports it as a configuration error, the filter as its init error. */
export interface RemoteIpRulesError {
  readonly name: 'internalProxies' | 'trustedProxies';
  readonly value: string;
  readonly reason: string;
}

/** Compiles the options (defaults filled in), or names the pattern that cannot be used. */
export function remoteIpRules(options: RemoteIpOptions): { ok: true; rules: RemoteIpRules } | { ok: false; error: RemoteIpRulesError } {
  const patterns: Partial<Record<RemoteIpRulesError['name'], RegExp | null>> = {};
  for (const name of ['internalProxies', 'trustedProxies'] as const) {
    const value = options[name] ?? (name === 'internalProxies' ? DEFAULT_INTERNAL_PROXIES : '');
    if (value === '') {
      patterns[name] = null;
      continue;
    }
    const compiled = compileConfigPattern(value);
    if (!compiled.ok) return { ok: false, error: { name, value, reason: compiled.reason } };
    patterns[name] = compiled.regex;
  }
  const optional = (value: string | undefined): string | null => (value === undefined || value === '' ? null : value);
  return {
    ok: true,
    rules: {
      internalProxies: patterns.internalProxies ?? null,
      trustedProxies: patterns.trustedProxies ?? null,
      remoteIpHeader: options.remoteIpHeader ?? 'X-Forwarded-For',
      proxiesHeader: options.proxiesHeader ?? 'X-Forwarded-By',
      protocolHeader: options.protocolHeader === undefined ? 'X-Forwarded-Proto' : optional(options.protocolHeader),
      protocolHeaderHttpsValue: options.protocolHeaderHttpsValue ?? 'https',
      hostHeader: optional(options.hostHeader),
      portHeader: optional(options.portHeader),
      httpServerPort: options.httpServerPort ?? 80,
      httpsServerPort: options.httpsServerPort ?? 443,
      changeLocalName: options.changeLocalName ?? false,
      changeLocalPort: options.changeLocalPort ?? false,
      requestAttributesEnabled: options.requestAttributesEnabled ?? true,
    },
  };
}

/** What the request reports once a trusted proxy's headers are applied; an undefined field stays as it was. */
export interface ForwardedRequest {
  /** The client's address (and host name: no reverse lookups), when the remote IP header named one. */
  readonly remoteAddr: string | undefined;
  /** The new proxies header (trusted proxies, left to right); empty = removed. Set with remoteAddr. */
  readonly proxies: readonly string[];
  /** What is left of the remote IP header, left of the client (empty = removed). Set with remoteAddr. */
  readonly remainingRemoteIp: readonly string[];
  readonly secure: boolean | undefined;
  readonly scheme: 'http' | 'https' | undefined;
  readonly serverPort: number | undefined;
  readonly localPort: number | undefined;
  readonly serverName: string | undefined;
  readonly localName: string | undefined;
}

/** How the evaluation reads the request's fields: every value of a field, in order (none: []). */
export type HeaderValues = (name: string) => readonly string[];

/** Whether the headers of a request from `peer` are to be believed at all. */
export function isTrustedPeer(rules: RemoteIpRules, peer: string): boolean {
  return rules.internalProxies?.test(peer) === true || rules.trustedProxies?.test(peer) === true;
}

/**
 * What a request from `peer` with these headers reports under `rules`; null when the peer is neither an
 * internal nor a trusted proxy (nothing is changed: a client cannot claim to be someone else).
 */
export function evaluateForwarded(rules: RemoteIpRules, peer: string, headers: HeaderValues): ForwardedRequest | null {
  const peerIsInternal = rules.internalProxies?.test(peer) === true;
  if (!peerIsInternal && rules.trustedProxies?.test(peer) !== true) return null;

  // Several fields are one comma-separated list (RFC 9110 §5.3), as Tomcat joins them.
  const entries = splitCommaSeparated(headers(rules.remoteIpHeader).join(', '));
  const proxies: string[] = [];
  if (!peerIsInternal) proxies.push(peer);
  let remoteAddr: string | undefined;
  let index = entries.length - 1;
  for (; index >= 0; index--) {
    const entry = entries[index]!;
    remoteAddr = entry;
    if (rules.internalProxies?.test(entry) === true) continue;
    if (rules.trustedProxies?.test(entry) === true) {
      proxies.push(entry);
      continue;
    }
    index--;
    break;
  }
  proxies.reverse();
  const remainingRemoteIp = entries.slice(0, index + 1);

  let secure: boolean | undefined;
  let scheme: 'http' | 'https' | undefined;
  let serverPort: number | undefined;
  let localPort: number | undefined;
  if (rules.protocolHeader !== null) {
    const values = headers(rules.protocolHeader);
    if (values.length > 0) {
      secure = isForwardedProtoSecure(values.join(','), rules.protocolHeaderHttpsValue);
      scheme = secure ? 'https' : 'http';
      serverPort = forwardedPort(rules, headers, secure ? rules.httpsServerPort : rules.httpServerPort);
      if (rules.changeLocalPort) localPort = serverPort;
    }
  }

  let serverName: string | undefined;
  let localName: string | undefined;
  if (rules.hostHeader !== null) {
    const value = headers(rules.hostHeader)[0];
    const name = value === undefined ? null : hostName(value);
    if (name !== null) {
      serverName = name;
      if (rules.changeLocalName) localName = name;
    }
  }
  return { remoteAddr, proxies, remainingRemoteIp, secure, scheme, serverPort, localPort, serverName, localName };
}

/**
 * Tomcat's StringUtils.splitCommaSeparated: split on every comma, each part trimmed, trailing empty parts
 * dropped (Java's String.split); an empty value is an empty list. Empty parts in the middle are kept, as in
 * Tomcat (an empty entry is then simply an address no pattern matches).
 */
export function splitCommaSeparated(value: string): string[] {
  if (value === '') return [];
  const parts = value.split(',');
  let end = parts.length;
  while (end > 0 && parts[end - 1] === '') end--;
  const out = new Array<string>(end);
  for (let i = 0; i < end; i++) out[i] = parts[i]!.trim();
  return out;
}

/** Secure when every forward in the protocol header says the https value (a chain of proxies appends one each). */
export function isForwardedProtoSecure(value: string, httpsValue: string): boolean {
  if (!value.includes(',')) return equalsIgnoreCase(value, httpsValue);
  const forwards = splitCommaSeparated(value);
  if (forwards.length === 0) return false;
  for (const forward of forwards) if (!equalsIgnoreCase(forward, httpsValue)) return false;
  return true;
}

/** The port header's value as Java's Integer.parseInt reads it, else the scheme's configured port. */
function forwardedPort(rules: RemoteIpRules, headers: HeaderValues, fallback: number): number {
  if (rules.portHeader === null) return fallback;
  const value = headers(rules.portHeader)[0];
  if (value === undefined || !/^[+-]?\d{1,10}$/.test(value)) return fallback;
  const port = Number(value);
  return port >= -2147483648 && port <= 2147483647 ? port : fallback;
}

const HOST = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::\d*)?$/;

/** The name of a forwarded Host value without its port; null when it is not a host (Tomcat ignores it then). */
export function hostName(value: string): string | null {
  const match = HOST.exec(value);
  return match === null ? null : match[1]!;
}

function equalsIgnoreCase(a: string, b: string): boolean {
  return a.length === b.length && a.toLowerCase() === b.toLowerCase();
}

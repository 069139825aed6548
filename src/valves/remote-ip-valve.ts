/**
 * RemoteIpValve (Tomcat's port of httpd's mod_remoteip): behind proxies, the request reports the client the
 * trusted proxies name in X-Forwarded-For / X-Forwarded-Proto (address, host, scheme, secure flag, server
 * port and name) instead of the proxy. The rules are shared with RemoteIpFilter (filters/remote-ip.ts); this
 * valve applies them through the container Request's setters, so that everything derived from them (absolute
 * redirects, getRequestURL(), the Secure session cookie, address valves after it) sees the client. As Tomcat's,
 * it restores the request's own values once the rest of the pipeline has run.
 */
import {
  ACCESS_LOG_PROTOCOL,
  ACCESS_LOG_REMOTE_ADDR,
  ACCESS_LOG_REMOTE_HOST,
  ACCESS_LOG_SERVER_NAME,
  ACCESS_LOG_SERVER_PORT,
} from '../filters/access-log-attributes.js';
import {
  evaluateForwarded,
  REMOTE_ADDR_ATTRIBUTE,
  REQUEST_FORWARDED_ATTRIBUTE,
  type ForwardedRequest,
  type RemoteIpRules,
} from '../filters/remote-ip.js';
import type { Request } from '../core/request.js';
import type { Response } from '../core/response.js';
import { ContainerValveBase, isPending, type ValveResult } from '../core/valve.js';

export const REMOTE_IP_VALVE_CLASS = 'org.apache.catalina.valves.RemoteIpValve';

/** What the request reported before the valve changed it, to put back afterwards. */
interface Original {
  readonly remoteAddr: string;
  readonly remoteHost: string;
  readonly scheme: string;
  readonly secure: boolean;
  readonly serverName: string;
  readonly serverPort: number;
  readonly localName: string;
  readonly localPort: number;
  readonly proxiesHeader: readonly string[];
  readonly remoteIpHeader: readonly string[];
}

export class RemoteIpValve extends ContainerValveBase {
  readonly rules: RemoteIpRules;

  constructor(rules: RemoteIpRules) {
    super();
    this.rules = rules;
  }

  invoke(request: Request, response: Response): ValveResult {
    const rules = this.rules;
    const forwarded = evaluateForwarded(rules, request.getRemoteAddr(), (name) => request.getHeaders(name));
    const original = forwarded === null ? null : apply(rules, request, forwarded);
    if (rules.requestAttributesEnabled) {
      const remoteAddr = request.getRemoteAddr();
      request.setAttribute(ACCESS_LOG_REMOTE_ADDR, remoteAddr);
      request.setAttribute(REMOTE_ADDR_ATTRIBUTE, remoteAddr);
      request.setAttribute(ACCESS_LOG_REMOTE_HOST, request.getRemoteHost());
      request.setAttribute(ACCESS_LOG_PROTOCOL, request.getProtocol());
      request.setAttribute(ACCESS_LOG_SERVER_NAME, request.getServerName());
      request.setAttribute(ACCESS_LOG_SERVER_PORT, request.getServerPort());
    }
    const next = this.next as NonNullable<ContainerValveBase['next']>;
    if (original === null) return next.invoke(request, response);
    let result: ValveResult;
    try {
      result = next.invoke(request, response);
    } catch (error) {
      restore(rules, request, original);
      throw error;
    }
    if (!isPending(result)) {
      restore(rules, request, original);
      return result;
    }
    return result.finally(() => restore(rules, request, original));
  }
}

/** Makes the request report what the trusted proxies say; returns what it reported before. */
function apply(rules: RemoteIpRules, request: Request, forwarded: ForwardedRequest): Original {
  const original: Original = {
    remoteAddr: request.getRemoteAddr(),
    remoteHost: request.getRemoteHost(),
    scheme: request.getScheme(),
    secure: request.isSecure(),
    serverName: request.getServerName(),
    serverPort: request.getServerPort(),
    localName: request.getLocalName(),
    localPort: request.getLocalPort(),
    proxiesHeader: request.getHeaders(rules.proxiesHeader),
    remoteIpHeader: request.getHeaders(rules.remoteIpHeader),
  };
  if (forwarded.remoteAddr !== undefined) {
    request.setRemoteAddr(forwarded.remoteAddr);
    // Tomcat looks the host up only with the Connector's enableLookups, which Serval does not offer.
    request.setRemoteHost(forwarded.remoteAddr);
    request.setHeaderValues(rules.proxiesHeader, forwarded.proxies.length === 0 ? [] : [forwarded.proxies.join(',')]);
    request.setHeaderValues(rules.remoteIpHeader, forwarded.remainingRemoteIp.length === 0 ? [] : [forwarded.remainingRemoteIp.join(',')]);
  }
  if (forwarded.secure !== undefined) request.setSecure(forwarded.secure);
  if (forwarded.scheme !== undefined) request.setScheme(forwarded.scheme);
  if (forwarded.serverPort !== undefined) request.setServerPort(forwarded.serverPort);
  if (forwarded.localPort !== undefined) request.setLocalPort(forwarded.localPort);
  if (forwarded.serverName !== undefined) request.setServerName(forwarded.serverName);
  if (forwarded.localName !== undefined) request.setLocalName(forwarded.localName);
  request.setAttribute(REQUEST_FORWARDED_ATTRIBUTE, true);
  return original;
}

function restore(rules: RemoteIpRules, request: Request, original: Original): void {
  request.setRemoteAddr(original.remoteAddr);
  request.setRemoteHost(original.remoteHost);
  request.setSecure(original.secure);
  request.setScheme(original.scheme);
  request.setServerName(original.serverName);
  if (rules.changeLocalName) request.setLocalName(original.localName);
  request.setServerPort(original.serverPort);
  request.setLocalPort(original.localPort);
  request.setHeaderValues(rules.proxiesHeader, original.proxiesHeader);
  request.setHeaderValues(rules.remoteIpHeader, original.remoteIpHeader);
}

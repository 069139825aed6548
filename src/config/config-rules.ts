/**
 * Cross-field rules over a built ServerConfig: each is a small named function that reports what it finds.
 * (`keepAliveTimeout` defaulting to `connectionTimeout` is declared in the table with `inherits`.)
 */
import type { CodedMessage } from '../errors/codes.js';
import { isSupportedUriEncoding } from '../mapper/uri-canonicalizer.js';
import type { ServerConfig, SourceLocation } from './server-config.js';

export type RuleReporter = (at: SourceLocation, message: CodedMessage, attribute?: string) => void;
export type ServerRule = (server: ServerConfig, report: RuleReporter) => void;

/** Tomcat sends requests for unknown host names to defaultHost, so it must exist (config/engine.html). */
export function engineDefaultHostRule(server: ServerConfig, report: RuleReporter): void {
  for (const service of server.services) {
    const engine = service.engine;
    const names = engine.hosts.flatMap((host) => [host.name, ...host.aliases]);
    if (engine.hosts.length > 0 && !names.includes(engine.defaultHost.toLowerCase())) {
      report(
        engine.location,
        {
          code: 'SV_ERR_CONFIG_UNKNOWN_REFERENCE',
          params: {
            element: 'Engine',
            attribute: 'defaultHost',
            value: engine.defaultHost,
            target: 'Host or Alias',
            owner: 'Engine',
            known: names.join(', '),
          },
        },
        'defaultHost',
      );
    }
  }
}

const WILDCARD_ADDRESSES = new Set([undefined, '0.0.0.0', '::', '*']);

/**
 * Two listeners on one port fail at bind time; say so at load time. An unset address binds every address,
 * so it collides with any address on the same port. The shutdown port takes part too.
 */
export function uniqueListenAddressRule(server: ServerConfig, report: RuleReporter): void {
  const taken: { port: number; address: string | undefined; what: string; path: string }[] = [];
  if (server.port > 0) taken.push({ port: server.port, address: server.address, what: 'Server shutdown port', path: server.location.path });
  for (const service of server.services) {
    for (const connector of service.connectors) {
      if (connector.port === 0) continue;
      const clash = taken.find(
        (t) =>
          t.port === connector.port &&
          (t.address === connector.address || WILDCARD_ADDRESSES.has(t.address) || WILDCARD_ADDRESSES.has(connector.address)),
      );
      if (clash !== undefined) {
        report(
          connector.location,
          {
            code: 'SV_ERR_CONFIG_ADDRESS_IN_USE',
            params: { address: `${connector.address ?? '*'}:${connector.port}`, other: clash.what, otherPath: clash.path },
          },
          'port',
        );
      }
      taken.push({ port: connector.port, address: connector.address, what: 'Connector', path: connector.location.path });
    }
  }
}

export function connectorExecutorRule(server: ServerConfig, report: RuleReporter): void {
  for (const service of server.services) {
    const names = service.executors.map((executor) => executor.name);
    for (const connector of service.connectors) {
      if (connector.executor !== undefined && !names.includes(connector.executor)) {
        report(
          connector.location,
          {
            code: 'SV_ERR_CONFIG_UNKNOWN_REFERENCE',
            params: {
              element: 'Connector',
              attribute: 'executor',
              value: connector.executor,
              target: 'Executor',
              owner: 'Service',
              known: names.join(', '),
            },
          },
          'executor',
        );
      }
    }
  }
}

export function uniqueExecutorNamesRule(server: ServerConfig, report: RuleReporter): void {
  for (const service of server.services) {
    const seen = new Set<string>();
    for (const executor of service.executors) {
      if (seen.has(executor.name)) {
        const params = { what: 'Executor name', name: executor.name, owner: 'Service', ownerName: service.name };
        report(executor.location, { code: 'SV_ERR_CONFIG_DUPLICATE_NAME', params }, 'name');
      }
      seen.add(executor.name);
    }
  }
}

/** Ghostcat (CVE-2020-1938): an AJP connector without a secret trusts anyone who can reach it. */
export function ajpSecretRule(server: ServerConfig, report: RuleReporter): void {
  for (const connector of server.services.flatMap((service) => service.connectors)) {
    if (connector.protocol === 'ajp' && connector.secretRequired && (connector.secret === undefined || connector.secret === '')) {
      // The address an AJP Connector binds by default, as AjpProtocol does (Tomcat's AJP default is loopback).
      const address = connector.address ?? '127.0.0.1';
      report(connector.location, { code: 'SV_ERR_AJP_SECRET_REQUIRED', params: { address, port: connector.port } }, 'secret');
    }
  }
}

export function uniqueHostNamesRule(server: ServerConfig, report: RuleReporter): void {
  for (const service of server.services) {
    const seen = new Set<string>();
    for (const host of service.engine.hosts) {
      for (const name of [host.name, ...host.aliases]) {
        if (seen.has(name)) {
          const params = { what: 'Host name or alias', name, owner: 'Engine', ownerName: service.engine.name };
          report(host.location, { code: 'SV_ERR_CONFIG_DUPLICATE_NAME', params }, 'name');
        }
        seen.add(name);
      }
    }
  }
}

export function uniqueContextPathsRule(server: ServerConfig, report: RuleReporter): void {
  for (const host of server.services.flatMap((service) => service.engine.hosts)) {
    const seen = new Set<string>();
    for (const context of host.contexts) {
      if (context.path === undefined) continue;
      if (seen.has(context.path)) {
        const params = { what: 'Context path', name: context.path, owner: 'Host', ownerName: host.name };
        report(context.location, { code: 'SV_ERR_CONFIG_DUPLICATE_NAME', params }, 'path');
      }
      seen.add(context.path);
    }
  }
}

/**
 * The Connector's `server` value becomes the `Server` response header on every response: a line break or NUL
 * in it would split responses (RFC 9110 §5.5), so it is refused at load time instead of failing each response.
 */
export function connectorServerHeaderRule(server: ServerConfig, report: RuleReporter): void {
  for (const connector of server.services.flatMap((service) => service.connectors)) {
    if (connector.server !== undefined && /[\r\n\0]/.test(connector.server)) {
      const params = {
        attribute: 'server',
        element: 'Connector',
        value: JSON.stringify(connector.server).slice(1, -1),
        allowed: 'text without CR, LF or NUL (it is sent as the Server response header)',
      };
      report(connector.location, { code: 'SV_ERR_CONFIG_INVALID_VALUE', params }, 'server');
    }
  }
}

/**
 * URIEncoding decodes %xx sequences in request paths. An encoding nothing can decode with is refused at load
 * time: otherwise it would show only when the first request with an encoded path arrived.
 */
export function connectorUriEncodingRule(server: ServerConfig, report: RuleReporter): void {
  for (const connector of server.services.flatMap((service) => service.connectors)) {
    if (!isSupportedUriEncoding(connector.URIEncoding)) {
      const params = {
        attribute: 'URIEncoding',
        element: 'Connector',
        value: connector.URIEncoding,
        allowed: 'a character set this server can decode with: UTF-8, ISO-8859-1, or a WHATWG encoding label',
      };
      report(connector.location, { code: 'SV_ERR_CONFIG_INVALID_VALUE', params }, 'URIEncoding');
    }
  }
}

export const serverRules: readonly ServerRule[] = Object.freeze([
  engineDefaultHostRule,
  uniqueListenAddressRule,
  connectorExecutorRule,
  uniqueExecutorNamesRule,
  ajpSecretRule,
  uniqueHostNamesRule,
  uniqueContextPathsRule,
  connectorServerHeaderRule,
  connectorUriEncodingRule,
]);

/**
 * Servlet 6.0 §3.5: a context path is "" (ROOT) or starts with "/" and does not end with "/".
 * Tomcat turns "/" into "" with a warning; the other forms are errors here.
 */
export function contextPathProblem(
  path: string,
): { readonly fixed: string; readonly message: CodedMessage; readonly severity: 'error' | 'warning' } | undefined {
  if (path === '/') return { fixed: '', message: { code: 'SV_ERR_CONFIG_CONTEXT_PATH_ROOT' }, severity: 'warning' };
  if (path !== '' && (!path.startsWith('/') || path.endsWith('/'))) {
    const params = {
      attribute: 'path',
      element: 'Context',
      value: path,
      allowed: '"" (ROOT), or a path that starts with "/" and does not end with "/"',
    };
    return { fixed: path, message: { code: 'SV_ERR_CONFIG_INVALID_VALUE', params }, severity: 'error' };
  }
  return undefined;
}

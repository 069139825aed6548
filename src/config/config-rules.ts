/**
 * Cross-field rules over a built ServerConfig: each is a small named function that reports what it finds.
 * (`keepAliveTimeout` defaulting to `connectionTimeout` is declared in the table with `inherits`.)
 */
import { isSupportedUriEncoding } from '../mapper/uri-canonicalizer.js';
import type { ServerConfig, SourceLocation } from './server-config.js';

export type RuleReporter = (at: SourceLocation, detail: string, attribute?: string) => void;
export type ServerRule = (server: ServerConfig, report: RuleReporter) => void;

/** Tomcat sends requests for unknown host names to defaultHost, so it must exist (config/engine.html). */
export function engineDefaultHostRule(server: ServerConfig, report: RuleReporter): void {
  for (const service of server.services) {
    const engine = service.engine;
    const names = engine.hosts.flatMap((host) => [host.name, ...host.aliases]);
    if (engine.hosts.length > 0 && !names.includes(engine.defaultHost.toLowerCase())) {
      report(
        engine.location,
        `Engine defaultHost [${engine.defaultHost}] names no Host or Alias of this Engine; known: [${names.join(', ')}]`,
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
  const taken: { port: number; address: string | undefined; what: string }[] = [];
  if (server.port > 0)
    taken.push({ port: server.port, address: server.address, what: `the Server shutdown port (${server.location.path})` });
  for (const service of server.services) {
    for (const connector of service.connectors) {
      if (connector.port === 0) continue;
      const clash = taken.find(
        (t) =>
          t.port === connector.port &&
          (t.address === connector.address || WILDCARD_ADDRESSES.has(t.address) || WILDCARD_ADDRESSES.has(connector.address)),
      );
      if (clash !== undefined) {
        const where = `${connector.address ?? '*'}:${connector.port}`;
        report(connector.location, `Connector listens on [${where}], already used by ${clash.what}; change its port or address`, 'port');
      }
      taken.push({ port: connector.port, address: connector.address, what: `the Connector at ${connector.location.path}` });
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
          `Connector executor [${connector.executor}] names no Executor of Service [${service.name}]; known: [${names.join(', ')}]`,
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
      if (seen.has(executor.name))
        report(executor.location, `Executor name [${executor.name}] is used twice in Service [${service.name}]`, 'name');
      seen.add(executor.name);
    }
  }
}

/** Ghostcat (CVE-2020-1938): an AJP connector without a secret trusts anyone who can reach it. */
export function ajpSecretRule(server: ServerConfig, report: RuleReporter): void {
  for (const connector of server.services.flatMap((service) => service.connectors)) {
    if (connector.protocol === 'ajp' && connector.secretRequired && (connector.secret === undefined || connector.secret === '')) {
      report(
        connector.location,
        'AJP Connector has secretRequired [true] but no secret; set the secret attribute (or secretRequired="false" on a trusted network)',
        'secret',
      );
    }
  }
}

export function uniqueHostNamesRule(server: ServerConfig, report: RuleReporter): void {
  for (const service of server.services) {
    const seen = new Set<string>();
    for (const host of service.engine.hosts) {
      for (const name of [host.name, ...host.aliases]) {
        if (seen.has(name)) report(host.location, `Host name or alias [${name}] is used twice in Engine [${service.engine.name}]`, 'name');
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
      if (seen.has(context.path)) report(context.location, `Context path [${context.path}] is used twice in Host [${host.name}]`, 'path');
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
      report(connector.location, 'Connector server must not contain CR, LF or NUL: it is sent as the Server response header', 'server');
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
      report(
        connector.location,
        `Connector URIEncoding [${connector.URIEncoding}] is not a character set this server can decode with (UTF-8, ISO-8859-1, or a WHATWG encoding label)`,
        'URIEncoding',
      );
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
): { readonly fixed: string; readonly detail: string; readonly severity: 'error' | 'warning' } | undefined {
  if (path === '/') return { fixed: '', detail: 'Context path [/] means ROOT; write path="" instead', severity: 'warning' };
  if (path !== '' && (!path.startsWith('/') || path.endsWith('/'))) {
    return { fixed: path, detail: `Context path [${path}] must be "" (ROOT) or start with "/" and not end with "/"`, severity: 'error' };
  }
  return undefined;
}

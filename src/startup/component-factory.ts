/**
 * Creates the components server.xml names by className: the valves we implement under their Tomcat
 * names, and user components given as a path to a CommonJS module that exports a class.
 */
import { isAbsolute, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { ComponentConfig } from '../config/server-config.js';
import type { AnyValve } from '../core/pipeline.js';
import type { Valve } from '../core/valve.js';
import { ConfigError } from '../errors/container-error.js';
import { AccessLogValve } from '../valves/access-log-valve.js';
import { ErrorReportValve, JsonErrorReportValve, type ErrorReportValveOptions } from '../valves/error-report-valve.js';
import { ProxyErrorReportValve } from '../valves/proxy-error-report-valve.js';
import { ExtendedAccessLogValve } from '../valves/extended-access-log-valve.js';
import { JsonAccessLogValve } from '../valves/json-access-log-valve.js';
import { logCoded } from '../logging/logger.js';
import { AUTHENTICATOR_VALVES } from '../security/webapp-security.js';
import { SINGLE_SIGN_ON_CLASS, SingleSignOnValve } from '../security/single-sign-on.js';
import type { SignOnTable } from '../security/sign-on-table.js';
import { resolveAttributes } from '../config/attribute-values.js';
import { REWRITE_VALVE_CLASS, RewriteValve } from '../valves/rewrite-valve.js';
import { STUCK_THREAD_DETECTION_VALVE_CLASS, StuckThreadDetectionValve } from '../valves/stuck-thread-detection-valve.js';
// proxy valves
import { remoteIpRules } from '../filters/remote-ip.js';
import { REMOTE_IP_VALVE_CLASS, RemoteIpValve } from '../valves/remote-ip-valve.js';
import { SSL_VALVE_CLASS, SslValve } from '../valves/ssl-valve.js';
import { LOAD_BALANCER_DRAINING_VALVE_CLASS, LoadBalancerDrainingValve } from '../valves/load-balancer-draining-valve.js';
import { REMOTE_ADDR_VALVE_CLASS, RemoteAddrValve } from '../valves/remote-addr-valve.js';
import { REMOTE_CIDR_VALVE_CLASS, RemoteCIDRValve } from '../valves/remote-cidr-valve.js';
import { REMOTE_HOST_VALVE_CLASS, RemoteHostValve } from '../valves/remote-host-valve.js';
import { HEALTH_CHECK_VALVE_CLASS, HealthCheckValve } from '../valves/health-check-valve.js';
import { SEMAPHORE_VALVE_CLASS, SemaphoreValve } from '../valves/semaphore-valve.js';
import { PARAMETER_LIMIT_VALVE_CLASS, ParameterLimitValve } from '../valves/parameter-limit-valve.js';
import { CRAWLER_SESSION_MANAGER_VALVE_CLASS, CrawlerSessionManagerValve } from '../valves/crawler-session-manager-valve.js';

export const ACCESS_LOG_VALVE = 'org.apache.catalina.valves.AccessLogValve';
export const ERROR_REPORT_VALVE = 'org.apache.catalina.valves.ErrorReportValve';
export const STUCK_THREAD_DETECTION_VALVE = STUCK_THREAD_DETECTION_VALVE_CLASS;
export const JSON_ERROR_REPORT_VALVE = 'org.apache.catalina.valves.JsonErrorReportValve';
export const PROXY_ERROR_REPORT_VALVE = 'org.apache.catalina.valves.ProxyErrorReportValve';
/** The valves that render error reports: a Host gets its errorReportValveClass only when none of them is configured. */
export const ERROR_REPORT_VALVES: ReadonlySet<string> = new Set([ERROR_REPORT_VALVE, JSON_ERROR_REPORT_VALVE, PROXY_ERROR_REPORT_VALVE]);
export const EXTENDED_ACCESS_LOG_VALVE = 'org.apache.catalina.valves.ExtendedAccessLogValve';
export const JSON_ACCESS_LOG_VALVE = 'org.apache.catalina.valves.JsonAccessLogValve';

type ComponentClass = new (attributes: Readonly<Record<string, unknown>>) => unknown;

/** What a valve may be given by where it is built (a worker thread's tree). */
export interface ValvePlace {
  /** A SingleSignOn valve's table; default: its own (the main thread's). */
  readonly signOnTable?: () => SignOnTable;
}

export function createValve(component: ComponentConfig, catalinaBase: string, logger: Logger, place: ValvePlace = {}): AnyValve {
  const onError = (message: string, error: unknown): void => logger.warn({ err: error }, message);
  switch (component.className) {
    case ACCESS_LOG_VALVE:
      return new AccessLogValve(component.attributes, { catalinaBase, onError, element: elementOf(component) });
    case ERROR_REPORT_VALVE:
      return new ErrorReportValve(component.attributes, errorReportOptions(component, catalinaBase, logger));
    case STUCK_THREAD_DETECTION_VALVE:
      return new StuckThreadDetectionValve(component.attributes, logger);
    case SINGLE_SIGN_ON_CLASS: {
      const { cookieName, cookieDomain, requireReauthentication } = resolveAttributes(
        'Valve:SingleSignOn',
        component.attributes,
        elementOf(component),
      );
      const settings = { cookieName, cookieDomain, requireReauthentication };
      return place.signOnTable === undefined ? new SingleSignOnValve(settings) : new SingleSignOnValve(settings, place.signOnTable());
    }

    // --- request filtering and load valves ---
    case REMOTE_ADDR_VALVE_CLASS:
      return new RemoteAddrValve(component.attributes, elementOf(component));
    case REMOTE_HOST_VALVE_CLASS:
      return new RemoteHostValve(component.attributes, elementOf(component));
    case REMOTE_CIDR_VALVE_CLASS:
      return new RemoteCIDRValve(component.attributes, elementOf(component));
    case HEALTH_CHECK_VALVE_CLASS:
      return new HealthCheckValve(component.attributes, elementOf(component));
    case SEMAPHORE_VALVE_CLASS:
      return new SemaphoreValve(component.attributes, elementOf(component));
    case PARAMETER_LIMIT_VALVE_CLASS:
      return new ParameterLimitValve(component.attributes, catalinaBase, elementOf(component));
    case CRAWLER_SESSION_MANAGER_VALVE_CLASS:
      return new CrawlerSessionManagerValve(component.attributes, elementOf(component));

    // --- proxy valves ---
    case REMOTE_IP_VALVE_CLASS: {
      const { internalProxies, trustedProxies, ...rest } = resolveAttributes(
        'Valve:RemoteIpValve',
        component.attributes,
        elementOf(component),
      );
      const compiled = remoteIpRules({ ...rest, internalProxies, trustedProxies: trustedProxies ?? '' });
      // The table validated both patterns (b.regex), so this only fails for a hand-built configuration.
      if (!compiled.ok) {
        throw new ConfigError('SV_ERR_CONFIG_INVALID_VALUE', {
          attribute: compiled.error.name,
          element: elementOf(component),
          value: compiled.error.value,
          allowed: `a regular expression Serval can match in linear time: ${compiled.error.reason}`,
        });
      }
      return new RemoteIpValve(compiled.rules);
    }
    case SSL_VALVE_CLASS:
      return new SslValve(resolveAttributes('Valve:SSLValve', component.attributes, elementOf(component)), (message) =>
        logger.warn({ code: 'SV_ERR_SSL_VALVE_CERTIFICATE' }, message),
      );
    case LOAD_BALANCER_DRAINING_VALVE_CLASS:
      return new LoadBalancerDrainingValve(
        resolveAttributes('Valve:LoadBalancerDrainingValve', component.attributes, elementOf(component)),
      );

    // --- RewriteValve ---
    case REWRITE_VALVE_CLASS:
      return new RewriteValve(component.attributes, { catalinaBase, logger, location: component.location });

    // --- error report and access log valves ---
    case JSON_ERROR_REPORT_VALVE:
      return new JsonErrorReportValve(component.attributes, errorReportOptions(component, catalinaBase, logger));
    case PROXY_ERROR_REPORT_VALVE:
      return new ProxyErrorReportValve(component.attributes, errorReportOptions(component, catalinaBase, logger));
    case EXTENDED_ACCESS_LOG_VALVE:
      return new ExtendedAccessLogValve(component.attributes, { catalinaBase, onError, element: elementOf(component) });
    case JSON_ACCESS_LOG_VALVE:
      return new JsonAccessLogValve(component.attributes, { catalinaBase, onError, element: elementOf(component) });

    default: {
      if (AUTHENTICATOR_VALVES.has(component.className)) {
        // Tomcat refuses too (AuthenticatorBase.setContainer): an authenticator belongs to one Context.
        throw new ConfigError('SV_ERR_CONFIG_AUTHENTICATOR_PLACEMENT', { className: component.className, element: elementOf(component) });
      }
      const valve = loadUserComponent(component, catalinaBase) as Partial<Valve>;
      if (typeof valve.invoke !== 'function') {
        throw new ConfigError('SV_ERR_CONFIG_VALVE_NO_INVOKE', { className: component.className, element: elementOf(component) });
      }
      return valve as Valve;
    }
  }
}

function errorReportOptions(component: ComponentConfig, catalinaBase: string, logger: Logger): ErrorReportValveOptions {
  return {
    catalinaBase,
    element: elementOf(component),
    onError: (message, error) => logger.warn({ err: error }, message),
    onWarning: (coded, error) => logCoded(logger, 'warn', coded, error === undefined ? {} : { err: error }),
  };
}

/** Loads `className` as a module path relative to catalina.base and instantiates its exported class. */
export function loadUserComponent(component: ComponentConfig, catalinaBase: string): unknown {
  const file = isAbsolute(component.className) ? component.className : resolve(catalinaBase, component.className);
  let exports: unknown;
  try {
    // A user component is a CommonJS module named at run time (server.xml): only require() can load it synchronously.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    exports = require(file);
  } catch (cause) {
    const detail = String((cause as Error).message ?? cause);
    throw new ConfigError(
      'SV_ERR_CONFIG_CLASS_NOT_FOUND',
      { className: component.className, element: elementOf(component), detail },
      { cause },
    );
  }
  const type = pickClass(exports);
  if (!type) throw new ConfigError('SV_ERR_CONFIG_CLASS_NO_EXPORT', { className: component.className, element: elementOf(component) });
  return new type(component.attributes);
}

function pickClass(exports: unknown): ComponentClass | null {
  if (typeof exports === 'function') return exports as ComponentClass;
  if (typeof exports !== 'object' || exports === null) return null;
  const record = exports as Record<string, unknown>;
  if (typeof record.default === 'function') return record.default as ComponentClass;
  const first = Object.values(record).find((v) => typeof v === 'function');
  return (first as ComponentClass | undefined) ?? null;
}

/** The element as file:line and path, since a component's error is raised after the file was validated. */
function elementOf(component: ComponentConfig): string {
  return `${component.location.file}:${component.location.line} ${component.location.path}`;
}

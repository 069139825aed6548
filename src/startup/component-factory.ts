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
import { ErrorReportValve } from '../valves/error-report-valve.js';
import { STUCK_THREAD_DETECTION_VALVE_CLASS, StuckThreadDetectionValve } from '../valves/stuck-thread-detection-valve.js';

export const ACCESS_LOG_VALVE = 'org.apache.catalina.valves.AccessLogValve';
export const ERROR_REPORT_VALVE = 'org.apache.catalina.valves.ErrorReportValve';
export const STUCK_THREAD_DETECTION_VALVE = STUCK_THREAD_DETECTION_VALVE_CLASS;

type ComponentClass = new (attributes: Readonly<Record<string, unknown>>) => unknown;

export function createValve(component: ComponentConfig, catalinaBase: string, logger: Logger): AnyValve {
  const onError = (message: string, error: unknown): void => logger.warn({ err: error }, message);
  switch (component.className) {
    case ACCESS_LOG_VALVE:
      return new AccessLogValve(component.attributes, { catalinaBase, onError });
    case ERROR_REPORT_VALVE:
      return new ErrorReportValve(component.attributes, { onError });
    case STUCK_THREAD_DETECTION_VALVE:
      return new StuckThreadDetectionValve(component.attributes, logger);
    default: {
      const valve = loadUserComponent(component, catalinaBase) as Partial<Valve>;
      if (typeof valve.invoke !== 'function') {
        throw componentError(component, 'the class has no invoke(request, response) method: extend ValveBase from serval');
      }
      return valve as Valve;
    }
  }
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
    throw componentError(component, String((cause as Error).message ?? cause), cause);
  }
  const type = pickClass(exports);
  if (!type) throw componentError(component, 'the module exports no class');
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

function componentError(component: ComponentConfig, detail: string, cause?: unknown): ConfigError {
  return new ConfigError(
    'SV_ERR_CONFIG_CLASS_NOT_FOUND',
    { className: component.className, element: `${component.location.file}:${component.location.line} ${component.location.path}`, detail },
    cause === undefined ? {} : { cause },
  );
}

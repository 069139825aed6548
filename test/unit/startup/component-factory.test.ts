import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { ComponentConfig } from '../../../src/config/server-config.js';
import { ConfigError } from '../../../src/errors/container-error.js';
import { createValve } from '../../../src/startup/component-factory.js';

const fixtures = join(__dirname, '..', '..', 'fixtures');
const logger = pino({ level: 'silent' });

function valve(className: string): ComponentConfig {
  return { className, attributes: {}, location: { file: 'conf/server.xml', line: 12, path: 'Server/Service[0]/Engine[0]/Valve[0]' } };
}

function refusal(className: string): ConfigError {
  try {
    createValve(valve(className), fixtures, logger);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`${className} was accepted`);
}

describe('createValve: a className of your own', () => {
  it('loads a module that exports a valve class', () => {
    expect(typeof createValve(valve('./valves/header-valve.js'), fixtures, logger).invoke).toBe('function');
  });

  it('refuses a module that cannot be loaded, with the reason require() gave', () => {
    const error = refusal('./valves/missing.js');
    expect(error.code).toBe('SV_ERR_CONFIG_CLASS_NOT_FOUND');
    expect(error.message).toMatch(
      /^Class \[\.\/valves\/missing\.js\] for element \[conf\/server\.xml:12 Server\/Service\[0\]\/Engine\[0\]\/Valve\[0\]\] cannot be loaded: Cannot find module/,
    );
  });

  it('refuses a module that exports no class, and a class that is no valve', () => {
    expect(refusal('./valves/no-class.js')).toMatchObject({
      code: 'SV_ERR_CONFIG_CLASS_NO_EXPORT',
      message:
        'Module [./valves/no-class.js] for element [conf/server.xml:12 Server/Service[0]/Engine[0]/Valve[0]] exports no class; export the component class as its default or a named export',
    });
    expect(refusal('./valves/not-a-valve.js')).toMatchObject({
      code: 'SV_ERR_CONFIG_VALVE_NO_INVOKE',
      message:
        'Class [./valves/not-a-valve.js] for element [conf/server.xml:12 Server/Service[0]/Engine[0]/Valve[0]] has no invoke(request, response) method: extend ValveBase from serval',
    });
  });
});

describe('createValve: the error report and access log valves of issue #21', () => {
  const at = (className: string, attributes: Record<string, string>): ComponentConfig => ({
    ...valve(`org.apache.catalina.valves.${className}`),
    attributes,
  });
  const failure = (config: ComponentConfig): ConfigError => {
    try {
      createValve(config, fixtures, logger);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return error as ConfigError;
    }
    throw new Error(`${config.className} was accepted`);
  };
  const where = 'conf/server.xml:12 Server/Service[0]/Engine[0]/Valve[0]';

  it('builds each by its Tomcat class name', () => {
    for (const name of ['JsonErrorReportValve', 'ProxyErrorReportValve', 'ExtendedAccessLogValve', 'JsonAccessLogValve']) {
      expect(createValve(at(name, {}), fixtures, logger).constructor.name).toBe(name);
    }
  });

  it('refuses a bad value naming file, line, element and attribute', () => {
    expect(failure(at('ExtendedAccessLogValve', { pattern: 'date bogus' })).message).toMatch(
      new RegExp(`^Attribute \\[pattern\\] on element \\[${escape(where)}\\] has invalid value \\[bogus\\]; allowed: W3C fields`),
    );
    expect(failure(at('JsonAccessLogValve', { locale: 'not a locale!' })).message).toContain(`Attribute [locale] on element [${where}]`);
    expect(failure(at('ErrorReportValve', { 'errorCode.abc': 'x.html' })).message).toContain(
      `Attribute [errorCode.abc] on element [${where}] has invalid value [x.html]`,
    );
    expect(failure(at('ProxyErrorReportValve', { 'errorCode.404': 'errors/404' }))).toMatchObject({ code: 'SV_ERR_ERROR_REPORT_URL' });
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

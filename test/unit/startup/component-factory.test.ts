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

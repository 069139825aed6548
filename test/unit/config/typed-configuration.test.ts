// The attribute table as the single source of the configuration's types and defaults: the types derived from
// it (checked by the type checker: `npm run typecheck` fails when an expectation below stops holding), the
// defaults filled from it once, computed defaults, and the invalid values it still refuses with file:line.
import { availableParallelism } from 'node:os';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { builder, type TypedValues } from '../../../src/config/attribute-spec.js';
import {
  convertAttribute,
  defaultOf,
  defaultsOf,
  fillDefaults,
  implementedAttributes,
  resolveAttributes,
} from '../../../src/config/attribute-values.js';
import { attributesOf, type ElementAttributes } from '../../../src/config/attributes.js';
import type {
  AjpConnectorConfig,
  ConnectorConfig,
  ContextElementConfig,
  Http11ConnectorConfig,
  HostElementConfig,
  SslHostConfig,
} from '../../../src/config/server-config.js';
import {
  ConfigValidationError,
  formatProblem,
  loadServerConfigFromString,
  type ConfigEnvironment,
} from '../../../src/config/server-xml-loader.js';
import { ConfigError } from '../../../src/errors/container-error.js';

const env: ConfigEnvironment = { catalinaHome: '/opt/serval', catalinaBase: '/srv/base', env: {} };

function server(connectors: string, host = ''): string {
  return `<Server port="8005" shutdown="SHUTDOWN">
  <Service name="Catalina">
    ${connectors}
    <Engine name="Catalina" defaultHost="localhost">
      <Host name="localhost">${host}</Host>
    </Engine>
  </Service>
</Server>`;
}

function spec(owner: string, name: string) {
  const found = attributesOf(owner).find((s) => s.name === name);
  if (found === undefined) throw new Error(`no ${owner}.${name} in the table`);
  return found;
}

describe('types derived from the table', () => {
  it('a table of declarations becomes a typed object: required and defaulted fields set, the rest optional, Tomcat-only absent', () => {
    const b = builder('Thing');
    const table = [
      b.int('size', 5, 'Size.'),
      b.str('label', undefined, 'Label.'),
      b.str('name', undefined, 'Name.', { required: true }),
      b.int('copy', undefined, 'Copy.', { inherits: 'size' }),
      b.enum('mode', ['on', 'off'], 'on', 'Mode.'),
      b.bool('legacy', false, 'Legacy.', { tomcatOnly: true }),
      b.bool('ajpOnly', false, 'AJP only.', { protocol: 'ajp' }),
    ] as const;
    type Thing = TypedValues<(typeof table)[number], 'Thing'>;
    expectTypeOf<Thing>().toEqualTypeOf<{
      readonly size: number;
      readonly label: string | undefined;
      readonly name: string;
      readonly copy: number;
      readonly mode: 'on' | 'off';
    }>();
    expectTypeOf<TypedValues<(typeof table)[number], 'Thing', 'ajp'>>().toHaveProperty('ajpOnly').toEqualTypeOf<boolean>();
    // At run time the same declarations carry what validation and the docs need.
    expect(table.map((s) => [s.name, s.type, s.default])).toEqual([
      ['size', 'int', 5],
      ['label', 'string', undefined],
      ['name', 'string', undefined],
      ['copy', 'int', undefined],
      ['mode', 'enum', 'on'],
      ['legacy', 'bool', false],
      ['ajpOnly', 'bool', false],
    ]);
  });

  it('gives each configuration object the fields of its element, typed by the table', () => {
    expectTypeOf<Http11ConnectorConfig['maxTrailerSize']>().toEqualTypeOf<number>();
    expectTypeOf<Http11ConnectorConfig['encodedSolidusHandling']>().toEqualTypeOf<'reject' | 'decode' | 'passthrough'>();
    expectTypeOf<Http11ConnectorConfig['continueResponseTiming']>().toEqualTypeOf<'immediately' | 'onRead'>();
    expectTypeOf<Http11ConnectorConfig['server']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<AjpConnectorConfig['packetSize']>().toEqualTypeOf<number>();
    expectTypeOf<AjpConnectorConfig['secret']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<HostElementConfig['maxUnpackEntries']>().toEqualTypeOf<number>();
    expectTypeOf<ContextElementConfig['allowCasualMultipartParsing']>().toEqualTypeOf<boolean>();
    expectTypeOf<SslHostConfig['certificateVerification']>().toEqualTypeOf<'none' | 'optional' | 'optionalNoCA' | 'required'>();
    expectTypeOf<ElementAttributes<'Valve:AccessLogValve'>['maxDays']>().toEqualTypeOf<number>();

    const http = null as unknown as Http11ConnectorConfig;
    const ajp = null as unknown as AjpConnectorConfig;
    const any = null as unknown as ConnectorConfig;
    const misspelt = (): unknown =>
      // @ts-expect-error no such attribute: a misspelt name does not compile
      http.maxTrailerSise;
    const wrongType = (): unknown => {
      // @ts-expect-error maxTrailerSize is a number
      const size: string = http.maxTrailerSize;
      return size;
    };
    const ajpOnHttp = (): unknown =>
      // @ts-expect-error an AJP attribute is not a field of an HTTP/1.1 connector
      http.packetSize;
    const httpOnAjp = (): unknown =>
      // @ts-expect-error an HTTP/1.1 attribute is not a field of an AJP connector
      ajp.compression;
    const tomcatOnly = (): unknown =>
      // @ts-expect-error a Tomcat-only attribute is ignored, so it is no field
      http.useSendfile;
    const unnarrowed = (): unknown =>
      // @ts-expect-error a protocol's attribute needs the protocol first
      any.strictSni;
    const narrowed = (): boolean => (any.protocol === 'http11' ? any.strictSni : any.ajpFlush);
    expect([misspelt, wrongType, ajpOnHttp, httpOnAjp, tomcatOnly, unnarrowed, narrowed]).toHaveLength(7);
  });

  it('fills every implemented attribute of an element, and only those, into its configuration object', () => {
    const config = loadServerConfigFromString(
      server('<Connector port="8080"/><Connector port="8009" protocol="AJP/1.3" secret="s"/>', '<Context path="/a" docBase="a"/>'),
      env,
    );
    const [http, ajp] = config.services[0]!.connectors;
    const element = ['protocolName', 'protocol', 'style', 'location'];
    const fields = (protocol: 'http11' | 'ajp'): string[] => [
      ...implementedAttributes('Connector', protocol).map((s) => s.name),
      ...element.filter((name) => name !== 'protocol'),
    ];
    expect(Object.keys(http!).sort()).toEqual([...new Set(fields('http11'))].sort());
    expect(Object.keys(ajp!).sort()).toEqual([...new Set(fields('ajp'))].sort());
    const context = config.services[0]!.engine.hosts[0]!.contexts[0]!;
    for (const s of implementedAttributes('Context')) expect(Object.keys(context), s.name).toContain(s.name);
  });
});

describe('defaults, from the table, applied once', () => {
  it('are the table defaults in the loaded configuration (-1 = unlimited as Infinity)', () => {
    const connector = loadServerConfigFromString(server('<Connector port="8080"/>'), env).services[0]!.connectors[0]!;
    for (const s of implementedAttributes('Connector', 'http11')) {
      if (s.required === true || s.name === 'protocol' || s.inherits !== undefined) continue;
      expect(connector[s.name as keyof ConnectorConfig], s.name).toBe(defaultOf(s, { protocol: 'http11', style: 'event-loop' }));
    }
    expect(connector.maxPostSize).toBe(2097152);
    expect(defaultOf(spec('Connector', 'maxConnections'))).toBe(8192);
    expect(defaultOf(spec('Valve:AccessLogValve', 'maxDays'))).toBe(Infinity);
  });

  it('defaultsOf gives the table defaults of an element without its required attributes', () => {
    const executor = defaultsOf('Executor');
    expect(executor).toEqual({ maxThreads: 200, minSpareThreads: 25, maxIdleTime: 60000 });
    expect(defaultsOf('Resources')).toEqual({
      cachingAllowed: true,
      cacheMaxSize: 10240,
      cacheObjectMaxSize: 512,
      cacheTtl: 5000,
      allowLinking: false,
    });
    const ajp = defaultsOf('Connector', { protocol: 'ajp' });
    expect(ajp).toMatchObject({ address: '127.0.0.1', connectionTimeout: Infinity, keepAliveTimeout: Infinity, packetSize: 8192 });
    expect(ajp).not.toHaveProperty('compression');
    expect(ajp).not.toHaveProperty('port');
  });

  it('a component resolves what it was given once: validated values pass as they are, the rest from the table', () => {
    const loaded = loadServerConfigFromString(
      server('<Connector port="8080"/>', '<Valve className="org.apache.catalina.valves.AccessLogValve" maxDays="3" suffix=".log"/>'),
      env,
    ).services[0]!.engine.hosts[0]!.valves[0]!.attributes;
    const resolved = resolveAttributes('Valve:AccessLogValve', loaded, 'Valve[AccessLogValve]');
    expect(resolved).toMatchObject({ maxDays: 3, suffix: '.log', prefix: 'access_log', pattern: 'common', conditionIf: undefined });
    // Resolving again changes nothing: nothing is defaulted twice or differently.
    expect(resolveAttributes('Valve:AccessLogValve', { ...resolved }, 'Valve[AccessLogValve]')).toEqual(resolved);
    // Written strings (a hand-built configuration) are converted by the same table.
    expect(resolveAttributes('Valve:AccessLogValve', { maxDays: '-1', rotatable: 'FALSE' }, 'x')).toMatchObject({
      maxDays: Infinity,
      rotatable: false,
      directory: 'logs',
    });
    expect(resolveAttributes('Valve:ErrorReportValve', {}, 'x')).toEqual({ showReport: true, showServerInfo: true });
  });

  it('a component refuses a value the table refuses, naming the attribute and what is allowed', () => {
    const refuse = (): unknown =>
      resolveAttributes('Valve:StuckThreadDetectionValve', { threshold: 'soon' }, 'Valve[StuckThreadDetectionValve]');
    expect(refuse).toThrow(ConfigError);
    expect(refuse).toThrow(/\[threshold\].*\[soon\].*an integer from 0 to 2147483647/);
  });
});

describe('computed and inherited defaults', () => {
  it('maxThreads: twice the available cores on the blocking style, 200 on the event loop, an explicit value kept', () => {
    const maxThreads = spec('Connector', 'maxThreads');
    expect(defaultOf(maxThreads, { protocol: 'http11', style: 'blocking' })).toBe(2 * availableParallelism());
    expect(defaultOf(maxThreads, { protocol: 'ajp', style: 'blocking' })).toBe(2 * availableParallelism());
    expect(defaultOf(maxThreads, { protocol: 'http11', style: 'event-loop' })).toBe(200);
    expect(maxThreads.default).toBe(200);
    expect(convertAttribute(maxThreads, String(2 * availableParallelism())).ok).toBe(true);
    const load = (connector: string): ConnectorConfig => loadServerConfigFromString(server(connector), env).services[0]!.connectors[0]!;
    expect(load('<Connector port="1" protocol="HTTP/1.1-blocking"/>').maxThreads).toBe(2 * availableParallelism());
    expect(load('<Connector port="1" protocol="HTTP/1.1-blocking" maxThreads="200"/>').maxThreads).toBe(200);
    expect(load('<Connector port="1"/>').maxThreads).toBe(200);
  });

  it('inherited values follow the attribute they inherit, whatever the table order', () => {
    const first = { owner: 'X', name: 'copy', type: 'int', inherits: 'size', doc: 'Copy.' } as const;
    const second = { owner: 'X', name: 'size', type: 'int', default: 7, doc: 'Size.' } as const;
    const values: Record<string, number | undefined> = {};
    fillDefaults([first, second], values, new Set(), {});
    expect(values).toEqual({ copy: 7, size: 7 });
    const written: Record<string, number | undefined> = { size: 9 };
    fillDefaults([first, second], written, new Set(['size']), {});
    expect(written).toEqual({ copy: 9, size: 9 });
  });

  it('AJP defaults and inherited timeouts reach the loaded connector', () => {
    const [http, ajp] = loadServerConfigFromString(
      server('<Connector port="1" connectionTimeout="5000"/><Connector port="2" protocol="AJP/1.3" secret="s"/>'),
      env,
    ).services[0]!.connectors;
    expect(http).toMatchObject({ address: undefined, connectionTimeout: 5000, keepAliveTimeout: 5000 });
    expect(ajp).toMatchObject({ address: '127.0.0.1', connectionTimeout: Infinity, keepAliveTimeout: Infinity });
  });
});

describe('invalid values are still refused with file:line', () => {
  it('reports every refused value with its line, even where the loader uses the value to build the tree', () => {
    const xml = server('<Connector port="8080" maxTrailerSize="big" continueResponseTiming="later"/>').replace(
      '<Host name="localhost">',
      '<Host name="localhost" appBase="" maxUnpackEntries="0">',
    );
    let error: unknown;
    try {
      loadServerConfigFromString(xml, env);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    const problems = (error as ConfigValidationError).problems.map(formatProblem);
    expect(problems).toEqual([
      expect.stringMatching(/^conf\/server\.xml:3: Server\/Service\[0\]\/Connector\[0\] \[maxTrailerSize\]: .*\[big\]/),
      expect.stringMatching(/^conf\/server\.xml:3: .*\[continueResponseTiming\]: .*\[later\]; allowed: one of \[immediately, onRead\]/),
      expect.stringMatching(/^conf\/server\.xml:5: Server\/Service\[0\]\/Engine\[0\]\/Host\[0\] \[appBase\]: .*a non-empty path/),
      expect.stringMatching(/^conf\/server\.xml:5: .*\[maxUnpackEntries\]: .*\[0\]/),
    ]);
  });
});

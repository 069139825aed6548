import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors/container-error.js';
import type { ConfigProblem } from '../../../src/config/server-config.js';
import {
  ConfigValidationError,
  formatProblem,
  loadContextDescriptor,
  loadContextDescriptorFromString,
  loadServerConfig,
  loadServerConfigFromString,
  type ConfigEnvironment,
} from '../../../src/config/server-xml-loader.js';

const repoRoot = resolve(__dirname, '../../..');
const scratch = mkdtempSync(join(tmpdir(), 'serval-config-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const env: ConfigEnvironment = { catalinaHome: '/opt/serval', catalinaBase: '/srv/base', env: {} };

function server(inner: string, connector = '<Connector port="8080"/>'): string {
  return `<Server port="8005" shutdown="SHUTDOWN">
  <Service name="Catalina">
    ${connector}
    <Engine name="Catalina" defaultHost="localhost">
      <Host name="localhost">${inner}</Host>
    </Engine>
  </Service>
</Server>`;
}

function problemsOf(xml: string, environment: ConfigEnvironment = env): readonly ConfigProblem[] {
  try {
    loadServerConfigFromString(xml, environment);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigValidationError).problems;
  }
  throw new Error('expected the configuration to be rejected');
}

function onlyProblem(xml: string): ConfigProblem {
  const errors = problemsOf(xml).filter((p) => p.severity === 'error');
  expect(errors).toHaveLength(1);
  return errors[0]!;
}

describe('defaults', () => {
  const config = loadServerConfigFromString(server(''), env);
  const connector = config.services[0]!.connectors[0]!;
  const engine = config.services[0]!.engine;
  const host = engine.hosts[0]!;

  it('fills Server defaults', () => {
    expect(config).toMatchObject({ port: 8005, shutdown: 'SHUTDOWN', address: 'localhost', portOffset: 0, listeners: [], warnings: [] });
    expect(config.location).toEqual({ file: 'conf/server.xml', line: 1, path: 'Server' });
  });

  it('fills Connector defaults as Tomcat 10.1 does, with -1 turned into Infinity', () => {
    expect(connector).toMatchObject({
      protocolName: 'HTTP/1.1',
      protocol: 'http11',
      style: 'event-loop',
      port: 8080,
      address: undefined,
      connectionTimeout: 60000,
      keepAliveTimeout: 60000,
      maxKeepAliveRequests: 100,
      maxThreads: 200,
      acceptCount: 100,
      maxConnections: 8192,
      maxHttpHeaderSize: 8192,
      maxHeaderCount: 100,
      maxPostSize: 2097152,
      maxSwallowSize: 2097152,
      maxParameterCount: 10000,
      maxCookieCount: 200,
      redirectPort: 443,
      scheme: 'http',
      secure: false,
      URIEncoding: 'UTF-8',
      enableLookups: false,
      xpoweredBy: false,
      server: undefined,
      allowTrace: false,
      proxyName: undefined,
      proxyPort: 0,
      executor: undefined,
    });
    expect(connector).toMatchObject({
      minSpareThreads: 10,
      encodedSolidusHandling: 'reject',
      allowBackslash: false,
      rejectSuspiciousURIs: false,
      tcpNoDelay: true,
    });
    // AJP-only and Tomcat-only attributes are not part of an HTTP connector.
    expect(connector).not.toHaveProperty('secretRequired');
    expect(connector).not.toHaveProperty('useSendfile');
    expect(connector).toMatchObject({ compression: 'off', compressionMinSize: 2048, continueResponseTiming: 'immediately' });
  });

  it('fills Engine and Host defaults and resolves appBase against catalina.base', () => {
    expect(engine).toMatchObject({
      name: 'Catalina',
      defaultHost: 'localhost',
      jvmRoute: undefined,
      backgroundProcessorDelay: 10,
      realm: undefined,
    });
    expect(host).toMatchObject({
      name: 'localhost',
      aliases: [],
      appBase: '/srv/base/webapps',
      autoDeploy: true,
      deployOnStartup: true,
      unpackWARs: true,
      deployXML: true,
      copyXML: false,
      deployIgnore: undefined,
      undeployOldVersions: false,
      backgroundProcessorDelay: -1,
      errorReportValveClass: 'org.apache.catalina.valves.ErrorReportValve',
      contexts: [],
    });
  });

  it('fills Context and AccessLogValve defaults', () => {
    const c = loadServerConfigFromString(
      server('<Context path="/app" docBase="app-dir"><Valve className="org.apache.catalina.valves.AccessLogValve"/></Context>'),
      env,
    );
    const context = c.services[0]!.engine.hosts[0]!.contexts[0]!;
    expect(context).toMatchObject({
      path: '/app',
      docBase: '/srv/base/webapps/app-dir',
      reloadable: false,
      crossContext: false,
      cookies: true,
      useHttpOnly: true,
      sessionCookieName: 'JSESSIONID',
      sessionCookiePath: undefined,
      mapperContextRootRedirectEnabled: true,
      useRelativeRedirects: true,
      backgroundProcessorDelay: -1,
    });
    expect(context.valves).toHaveLength(1);
    expect(context.valves[0]!.className).toBe('org.apache.catalina.valves.AccessLogValve');
    expect(context.valves[0]!.attributes).toEqual({
      directory: 'logs',
      prefix: 'access_log',
      suffix: '',
      fileDateFormat: '.yyyy-MM-dd',
      rotatable: true,
      renameOnRotate: false,
      buffered: true,
      encoding: 'UTF-8',
      maxDays: Infinity,
      requestAttributesEnabled: false,
      pattern: 'common',
      enabled: true,
      ipv6Canonical: false,
      checkExists: false,
      maxLogMessageBufferSize: 256,
    });
  });

  it('keeps an absolute docBase and an explicit keepAliveTimeout', () => {
    const c = loadServerConfigFromString(
      server('<Context path="" docBase="/data/root"/>', '<Connector port="8080" connectionTimeout="-1" keepAliveTimeout="5000"/>'),
      env,
    );
    expect(c.services[0]!.engine.hosts[0]!.contexts[0]!.docBase).toBe('/data/root');
    expect(c.services[0]!.connectors[0]).toMatchObject({ connectionTimeout: Infinity, keepAliveTimeout: 5000 });
  });

  it('makes keepAliveTimeout follow connectionTimeout when unset', () => {
    const c = loadServerConfigFromString(server('', '<Connector port="8080" connectionTimeout="20000"/>'), env);
    expect(c.services[0]!.connectors[0]).toMatchObject({ connectionTimeout: 20000, keepAliveTimeout: 20000 });
  });

  it('gives AJP its own defaults: loopback address and no timeout', () => {
    const c = loadServerConfigFromString(server('', '<Connector port="8009" protocol="AJP/1.3" secret="s3cret"/>'), env);
    expect(c.services[0]!.connectors[0]).toMatchObject({
      protocol: 'ajp',
      address: '127.0.0.1',
      connectionTimeout: Infinity,
      keepAliveTimeout: Infinity,
    });
    expect(c.services[0]!.connectors[0]!).toMatchObject({ secret: 's3cret', secretRequired: true, packetSize: 8192 });
  });

  it('reads executors, aliases, parameters, environments and watched resources', () => {
    const xml = `<Server port="-1" shutdown="X"><Service name="S">
      <Executor name="pool" maxThreads="50"/>
      <Connector port="0" executor="pool"/>
      <Engine name="E" defaultHost="www.example.com">
        <Host name="Example.COM"><Alias>www.Example.com</Alias>
          <Context path="/a" docBase="a">
            <Parameter name="p" value="v" override="false"/>
            <Environment name="e" type="java.lang.Integer" value="3"/>
            <WatchedResource>WEB-INF/web.xml</WatchedResource>
          </Context>
        </Host>
      </Engine></Service></Server>`;
    const c = loadServerConfigFromString(xml, env);
    const service = c.services[0]!;
    expect(service.executors).toEqual([
      { name: 'pool', maxThreads: 50, minSpareThreads: 25, maxIdleTime: 60000, location: expect.objectContaining({ line: 2 }) },
    ]);
    expect(service.connectors[0]!.executor).toBe('pool');
    expect(service.engine.hosts[0]).toMatchObject({ name: 'example.com', aliases: ['www.example.com'] });
    const context = service.engine.hosts[0]!.contexts[0]!;
    expect(context.parameters).toEqual([{ name: 'p', value: 'v', override: false }]);
    expect(context.environments).toEqual([{ name: 'e', type: 'java.lang.Integer', value: '3', override: true }]);
    expect(context.watchedResources).toEqual(['WEB-INF/web.xml']);
    expect(c.port).toBe(-1);
  });
});

describe('type errors', () => {
  const cases: [string, string, RegExp][] = [
    [
      'not an integer',
      '<Connector port="80a"/>',
      /Attribute \[port\] on element \[Connector\] has invalid value \[80a\]; allowed: an integer from 0 to 65535/,
    ],
    ['integer above max', '<Connector port="70000"/>', /invalid value \[70000\]; allowed: an integer from 0 to 65535/],
    [
      'below min, with unlimited',
      '<Connector port="1" maxConnections="0"/>',
      /\[maxConnections\].*invalid value \[0\]; allowed: -1 \(unlimited\) or an integer from 1 to 2147483647/,
    ],
    ['-2 where only -1 means unlimited', '<Connector port="1" maxPostSize="-2"/>', /\[maxPostSize\].*invalid value \[-2\]/],
    ['not a boolean', '<Connector port="1" secure="yes"/>', /\[secure\].*invalid value \[yes\]; allowed: true or false/],
    [
      'not in the enum',
      '<Connector port="1" encodedSolidusHandling="allow"/>',
      /invalid value \[allow\]; allowed: one of \[reject, decode, passthrough\]/,
    ],
    [
      'bad protocol',
      '<Connector port="1" protocol="HTTP/2"/>',
      /\[protocol\].*invalid value \[HTTP\/2\]; allowed: one of \[HTTP\/1\.1, .*AJP\/1\.3-blocking\]/,
    ],
    ['missing required', '<Connector/>', /Required attribute \[port\] is missing on element \[Connector\]/],
  ];
  for (const [name, connector, message] of cases) {
    it(name, () => {
      const problem = onlyProblem(server('', connector));
      expect(problem.message).toMatch(message);
      expect(problem).toMatchObject({ severity: 'error', line: 3, path: 'Server/Service[0]/Connector[0]' });
    });
  }

  it('rejects an invalid regular expression', () => {
    const problem = onlyProblem(server('').replace('<Host name="localhost">', '<Host name="localhost" deployIgnore="(unclosed">'));
    expect(problem).toMatchObject({ code: 'SV_ERR_CONFIG_INVALID_VALUE', attribute: 'deployIgnore' });
    expect(problem.message).toMatch(/allowed: a regular expression Serval can match in linear time/);
  });

  it('refuses a regular expression that cannot be matched in linear time (a backreference), naming file, line and attribute', () => {
    const xml = server('', '<Connector port="1" compression="on"\n  noCompressionUserAgents="(a+)\\1"/>');
    const problem = onlyProblem(xml);
    expect(problem).toMatchObject({ code: 'SV_ERR_CONFIG_INVALID_VALUE', attribute: 'noCompressionUserAgents' });
    expect(problem.message).toMatch(/cannot be matched in linear time/);
    expect(problem.message).toMatch(/line/);
  });

  it('rejects an empty path', () => {
    const problem = onlyProblem(server('').replace('<Host name="localhost">', '<Host name="localhost" appBase="">'));
    expect(problem.message).toMatch(/\[appBase\].*allowed: a non-empty path/);
  });

  it('accepts booleans and enum values in any case, stored canonically', () => {
    const c = loadServerConfigFromString(server('', '<Connector port="1" secure="TRUE" encodedSolidusHandling="Decode"/>'), env);
    expect(c.services[0]!.connectors[0]!.secure).toBe(true);
    expect(c.services[0]!.connectors[0]!.encodedSolidusHandling).toBe('decode');
  });
});

describe('unknown names', () => {
  it('suggests the attribute meant, in the documented format', () => {
    const problem = onlyProblem(server('', '<Connector port="8080" prot="HTTP/1.1"/>'));
    expect(problem).toMatchObject({ code: 'SV_ERR_CONFIG_UNKNOWN_ATTRIBUTE', attribute: 'prot' });
    expect(formatProblem(problem)).toBe(
      'conf/server.xml:3: Server/Service[0]/Connector[0] [prot]: Unknown attribute [prot] on element [Connector]; did you mean [protocol]? (SV_ERR_CONFIG_UNKNOWN_ATTRIBUTE)',
    );
  });

  it('suggests by edit distance and by case', () => {
    expect(onlyProblem(server('', '<Connector port="1" maxTreads="5"/>')).message).toMatch(/did you mean \[maxThreads\]\?/);
    expect(onlyProblem(server('', '<Connector port="1" uriEncoding="UTF-8"/>')).message).toMatch(/did you mean \[URIEncoding\]\?/);
  });

  it('gives no suggestion when nothing is close', () => {
    expect(onlyProblem(server('', '<Connector port="1" zzzzzz="1"/>')).message).toBe('Unknown attribute [zzzzzz] on element [Connector]');
  });

  it('explains AJP-only attributes on an HTTP connector and renamed attributes', () => {
    expect(onlyProblem(server('', '<Connector port="1" secret="x"/>')).message).toMatch(/only valid on AJP\/1\.3 connectors/);
    const renamed = onlyProblem(server('', '<Connector port="1" protocol="AJP/1.3" secretRequired="false" requiredSecret="x"/>'));
    expect(renamed.message).toMatch(/it was renamed to \[secret\]/);
  });

  it('suggests a sibling element allowed at that place', () => {
    const problem = onlyProblem(server('<Vlave className="x"/>'));
    expect(problem).toMatchObject({ code: 'SV_ERR_CONFIG_UNKNOWN_ELEMENT', path: 'Server/Service[0]/Engine[0]/Host[0]/Vlave[0]', line: 5 });
    expect(problem.message).toBe('Unknown element [Vlave]; did you mean [Valve]?');
  });

  it('lists allowed children for a misplaced element', () => {
    const problem = onlyProblem(server('<Engine name="x" defaultHost="y"/>'));
    expect(problem.message).toBe('Unknown element [Engine]; allowed inside [Host]: [Alias, Realm, Valve, Cluster, Listener, Context]');
  });

  it('rejects a wrong root element', () => {
    const problems = problemsOf('<Servr port="1" shutdown="x"/>');
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toMatch(/Unknown element \[Servr\]; the root element must be \[Server\]/);
  });
});

describe('all problems at once', () => {
  const xml = [
    '<?xml version="1.0"?>',
    '<Server port="8005" shutdwn="SHUTDOWN">',
    '  <Service name="Catalina">',
    '    <Connector port="8080" maxThreads="-5"/>',
    '    <Connector port="8080" protocol="HTTP/1.1" useVirtualThreads="true"/>',
    '    <Engine name="Catalina" defaultHost="nowhere">',
    '      <Realm className="org.apache.catalina.realm.LockOutRealm"/>',
    '      <Host name="localhost" autoDeploy="maybe">',
    '        <Valve className="org.apache.catalina.valves.AccessLogValve" patern="common"/>',
    '        <Valve className="org.apache.catalina.valves.PersistentValve"/>',
    '        <Valve className="com.example.MyValve"/>',
    '      </Host>',
    '    </Engine>',
    '  </Service>',
    '</Server>',
  ].join('\n');
  const problems = problemsOf(xml);
  const summary = problems.map((p) => [p.severity, p.line, p.path, p.attribute ?? '', p.code]);

  it('reports every error with its line, path and attribute, errors first', () => {
    expect(summary).toEqual([
      ['error', 2, 'Server', 'shutdwn', 'SV_ERR_CONFIG_UNKNOWN_ATTRIBUTE'],
      ['error', 2, 'Server', 'shutdown', 'SV_ERR_CONFIG_MISSING_ATTRIBUTE'],
      ['error', 4, 'Server/Service[0]/Connector[0]', 'maxThreads', 'SV_ERR_CONFIG_INVALID_VALUE'],
      ['error', 5, 'Server/Service[0]/Connector[1]', 'port', 'SV_ERR_CONFIG_ADDRESS_IN_USE'],
      ['error', 6, 'Server/Service[0]/Engine[0]', 'defaultHost', 'SV_ERR_CONFIG_UNKNOWN_REFERENCE'],
      ['error', 8, 'Server/Service[0]/Engine[0]/Host[0]', 'autoDeploy', 'SV_ERR_CONFIG_INVALID_VALUE'],
      ['error', 9, 'Server/Service[0]/Engine[0]/Host[0]/Valve[0]', 'patern', 'SV_ERR_CONFIG_UNKNOWN_ATTRIBUTE'],
      ['error', 10, 'Server/Service[0]/Engine[0]/Host[0]/Valve[1]', 'className', 'SV_ERR_CONFIG_CLASS_REFUSED'],
      ['error', 11, 'Server/Service[0]/Engine[0]/Host[0]/Valve[2]', 'className', 'SV_ERR_CONFIG_CLASS_UNKNOWN'],
      ['warning', 5, 'Server/Service[0]/Connector[1]', 'useVirtualThreads', 'SV_ERR_CONFIG_ATTRIBUTE_NOT_IMPLEMENTED'],
    ]);
  });

  it('puts every problem in the error message and counts the errors', () => {
    try {
      loadServerConfigFromString(xml, env);
    } catch (error) {
      const e = error as ConfigValidationError;
      expect(e.code).toBe('SV_ERR_CONFIG_INVALID');
      expect(e.message.split('\n')[0]).toBe('Configuration file [conf/server.xml] has 9 problem(s)');
      expect(e.message).toContain(
        'conf/server.xml:9: Server/Service[0]/Engine[0]/Host[0]/Valve[0] [patern]: Unknown attribute [patern] on element [Valve]; did you mean [pattern]?',
      );
      expect(e.message).toContain(
        'conf/server.xml:5: Server/Service[0]/Connector[1] [useVirtualThreads]: warning: Tomcat attribute [useVirtualThreads]',
      );
      expect(e.message).toContain('did you mean [shutdown]?');
      return;
    }
    throw new Error('expected failure');
  });
});

describe('cross-field rules', () => {
  it('accepts defaultHost naming an Alias, case-insensitively', () => {
    const xml = server('<Alias>www</Alias>').replace('defaultHost="localhost"', 'defaultHost="WWW"');
    expect(loadServerConfigFromString(xml, env).services[0]!.engine.defaultHost).toBe('www');
  });

  it('allows the same port on different addresses and port 0 twice', () => {
    const two =
      '<Connector port="8080" address="127.0.0.1"/><Connector port="8080" address="127.0.0.2"/><Connector port="0"/><Connector port="0"/>';
    expect(loadServerConfigFromString(server('', two), env).services[0]!.connectors).toHaveLength(4);
  });

  it('rejects a wildcard and a specific address on the same port, and the shutdown port', () => {
    const clash = onlyProblem(server('', '<Connector port="8080"/><Connector port="8080" address="127.0.0.1"/>'));
    expect(clash.message).toBe(
      'Connector listens on [127.0.0.1:8080], already used by the Connector at [Server/Service[0]/Connector[0]]; change its port or address',
    );
    const shutdown = onlyProblem(server('', '<Connector port="8005"/>'));
    expect(shutdown.message).toMatch(/already used by the Server shutdown port at \[Server\]/);
  });

  it('rejects an executor that does not exist', () => {
    expect(onlyProblem(server('', '<Connector port="1" executor="pool"/>')).message).toBe(
      'Connector executor [pool] names no Executor of this Service; known: []',
    );
  });

  it('refuses an empty shutdown command while the shutdown port is open (any local connection could stop the server)', () => {
    const xml = server('').replace('shutdown="SHUTDOWN"', 'shutdown=""');
    const problem = onlyProblem(xml);
    expect(problem).toMatchObject({ code: 'SV_ERR_CONFIG_EMPTY_SHUTDOWN', attribute: 'shutdown' });
    expect(problem.message).toMatch(/shutdown port \[8005\] is open/);
    expect(problem).toMatchObject({ line: 1, path: 'Server' });
    const disabled = loadServerConfigFromString(xml.replace('port="8005"', 'port="-1"'), env);
    expect(disabled.shutdown).toBe('');
  });

  it('refuses an AJP connector without a secret unless secretRequired is false', () => {
    const problem = onlyProblem(server('', '<Connector port="8009" protocol="AJP/1.3"/>'));
    expect(problem).toMatchObject({ code: 'SV_ERR_AJP_SECRET_REQUIRED', attribute: 'secret' });
    expect(problem.message).toMatch(/^AJP Connector on \[127\.0\.0\.1:8009\] has secretRequired \[true\] but no secret/);
    const c = loadServerConfigFromString(server('', '<Connector port="8009" protocol="AJP/1.3" secretRequired="false"/>'), env);
    expect(c.services[0]!.connectors[0]!).toMatchObject({ secretRequired: false });
  });

  it('refuses a server value that would split responses (it becomes the Server header)', () => {
    const problem = onlyProblem(server('', '<Connector port="8080" server="Serval&#13;&#10;Set-Cookie: x=1"/>'));
    expect(problem).toMatchObject({ code: 'SV_ERR_CONFIG_INVALID_VALUE', attribute: 'server' });
    expect(problem.message).toBe(
      'Attribute [server] on element [Connector] has invalid value [Serval\\r\\nSet-Cookie: x=1]; allowed: text without CR, LF or NUL (it is sent as the Server response header)',
    );
    expect(
      loadServerConfigFromString(server('', '<Connector port="8080" server="Serval/1.0 (test)"/>'), env).services[0]!.connectors[0]!.server,
    ).toBe('Serval/1.0 (test)');
  });

  it('refuses a URIEncoding nothing can decode with, and takes the names Tomcat users write', () => {
    const problem = onlyProblem(server('', '<Connector port="8080" URIEncoding="no-such-charset"/>'));
    expect(problem).toMatchObject({ code: 'SV_ERR_CONFIG_INVALID_VALUE', attribute: 'URIEncoding' });
    expect(problem.message).toMatch(
      /^Attribute \[URIEncoding\] on element \[Connector\] has invalid value \[no-such-charset\]; allowed: a character set/,
    );
    for (const name of ['UTF-8', 'ISO-8859-1', 'windows-1252', 'Shift_JIS']) {
      const c = loadServerConfigFromString(server('', `<Connector port="8080" URIEncoding="${name}"/>`), env);
      expect(c.services[0]!.connectors[0]!.URIEncoding).toBe(name);
    }
  });

  it('rejects duplicate host names and context paths', () => {
    const hosts = server('').replace('<Host name="localhost"></Host>', '<Host name="localhost"/><Host name="LOCALHOST"/>');
    expect(onlyProblem(hosts).message).toBe('Host name or alias [localhost] is used twice in Engine [Catalina]');
    expect(onlyProblem(server('<Context path="/a" docBase="a"/><Context path="/a" docBase="b"/>')).message).toBe(
      'Context path [/a] is used twice in Host [localhost]',
    );
  });

  it('checks context paths and requires path and docBase in server.xml', () => {
    const allowed = 'allowed: "" (ROOT), or a path that starts with "/" and does not end with "/"';
    expect(onlyProblem(server('<Context path="a" docBase="a"/>')).message).toBe(
      `Attribute [path] on element [Context] has invalid value [a]; ${allowed}`,
    );
    expect(onlyProblem(server('<Context path="/a/" docBase="a"/>')).message).toBe(
      `Attribute [path] on element [Context] has invalid value [/a/]; ${allowed}`,
    );
    expect(onlyProblem(server('<Context docBase="a"/>')).message).toBe('Required attribute [path] is missing on element [Context]');
    const slash = loadServerConfigFromString(server('<Context path="/" docBase="ROOT"/>'), env);
    expect(slash.services[0]!.engine.hosts[0]!.contexts[0]!.path).toBe('');
    expect(slash.warnings.map((w) => w.message)).toEqual(['Context path [/] means ROOT; write path="" instead']);
  });

  it('requires exactly one Engine and at least one Host', () => {
    expect(onlyProblem('<Server port="1" shutdown="x"><Service name="s"/></Server>').message).toBe(
      'Element [Service] must contain exactly one [Engine]; found [0]',
    );
    expect(
      onlyProblem('<Server port="1" shutdown="x"><Service name="s"><Engine name="e" defaultHost="h"/></Service></Server>').message,
    ).toBe('Element [Engine] must contain at least one [Host]');
  });
});

describe('components', () => {
  it('keeps user modules with raw attributes and resolves their path against catalina.base', () => {
    const c = loadServerConfigFromString(
      server('<Valve className="./lib/audit-valve.js" level="3" tag="${catalina.home}"/><Listener className="/abs/listener.js"/>'),
      env,
    );
    const host = c.services[0]!.engine.hosts[0]!;
    expect(host.valves).toEqual([
      {
        className: '/srv/base/lib/audit-valve.js',
        attributes: { level: '3', tag: '/opt/serval' },
        location: { file: 'conf/server.xml', line: 5, path: 'Server/Service[0]/Engine[0]/Host[0]/Valve[0]' },
      },
    ]);
    expect(host.listeners.map((l) => l.className)).toEqual(['/abs/listener.js']);
    expect(c.warnings).toEqual([]);
  });

  it('validates ErrorReportValve and skips a harmless Tomcat valve with a warning that says why', () => {
    const c = loadServerConfigFromString(
      server(
        '<Valve className="org.apache.catalina.valves.ErrorReportValve" showReport="false"/><Valve className="org.apache.catalina.valves.JDBCAccessLogValve"/>',
      ),
      env,
    );
    const host = c.services[0]!.engine.hosts[0]!;
    expect(host.valves).toHaveLength(1);
    expect(host.valves[0]!.attributes).toEqual({ showReport: false, showServerInfo: true });
    expect(c.warnings).toHaveLength(1);
    expect(c.warnings[0]!.message).toBe(
      'Tomcat class [org.apache.catalina.valves.JDBCAccessLogValve] on element [Valve] is not implemented; it is ignored, which is safe because it only writes an access log in another format; it never refuses, redirects or changes a request',
    );
  });

  it('requires className on a Valve', () => {
    expect(onlyProblem(server('<Valve/>')).message).toBe('Required attribute [className] is missing on element [Valve]');
  });
});

describe('protocol mapping', () => {
  const cases: [string, string, string][] = [
    ['HTTP/1.1', 'http11', 'event-loop'],
    ['org.apache.coyote.http11.Http11NioProtocol', 'http11', 'event-loop'],
    ['org.apache.coyote.http11.Http11Nio2Protocol', 'http11', 'event-loop'],
    ['AJP/1.3', 'ajp', 'event-loop'],
    ['org.apache.coyote.ajp.AjpNioProtocol', 'ajp', 'event-loop'],
    ['org.apache.coyote.ajp.AjpNio2Protocol', 'ajp', 'event-loop'],
    ['org.apache.coyote.http11.Http11Protocol', 'http11', 'blocking'],
    ['org.apache.coyote.ajp.AjpProtocol', 'ajp', 'blocking'],
    ['HTTP/1.1-blocking', 'http11', 'blocking'],
    ['AJP/1.3-blocking', 'ajp', 'blocking'],
  ];
  for (const [name, protocol, style] of cases) {
    it(name, () => {
      const extra = protocol === 'ajp' ? ' secretRequired="false"' : '';
      const c = loadServerConfigFromString(server('', `<Connector port="1" protocol="${name}"${extra}/>`), env);
      expect(c.services[0]!.connectors[0]).toMatchObject({ protocolName: name, protocol, style });
    });
  }
});

describe('property substitution', () => {
  const base = join(scratch, 'base');
  mkdirSync(join(base, 'conf'), { recursive: true });
  writeFileSync(join(base, 'conf', 'catalina.properties'), '# ports\nhttp.port=9090\nshutdown.word : STOP\n');
  const substEnv: ConfigEnvironment = {
    catalinaHome: '/opt/serval',
    catalinaBase: base,
    properties: { 'app.name': 'shop' },
    env: { HTTP_ADDR: '127.0.0.9' },
  };

  it('replaces properties from every source, with defaults', () => {
    const xml = `<Server port="\${missing.port:-8105}" shutdown="\${shutdown.word}"><Service name="\${app.name}">
      <Connector port="\${http.port}" address="\${env.HTTP_ADDR}" server="\${env.UNSET:-}"/>
      <Engine name="E" defaultHost="h"><Host name="h" appBase="\${catalina.base}/apps"/></Engine></Service></Server>`;
    const c = loadServerConfigFromString(xml, substEnv);
    expect(c).toMatchObject({ port: 8105, shutdown: 'STOP' });
    expect(c.services[0]!.name).toBe('shop');
    expect(c.services[0]!.connectors[0]).toMatchObject({ port: 9090, address: '127.0.0.9', server: '' });
    expect(c.services[0]!.engine.hosts[0]!.appBase).toBe(join(base, 'apps'));
  });

  it('reports an undefined property by name, with every other problem', () => {
    const problems = problemsOf(server('', '<Connector port="${nope}" address="${env.NOT_SET}"/>'), substEnv);
    expect(problems.map((p) => [p.attribute, p.message])).toEqual([
      ['port', 'Property [nope] used in attribute [port] is not defined'],
      ['address', 'Property [env.NOT_SET] used in attribute [address] is not defined'],
    ]);
  });

  it('validates the substituted value', () => {
    const problem = problemsOf(server('', '<Connector port="${app.name}"/>'), substEnv)[0]!;
    expect(problem.message).toMatch(/invalid value \[shop\]/);
  });
});

describe('files', () => {
  it('loads the shipped conf/server.xml with no warnings', () => {
    const c = loadServerConfig('conf/server.xml', { catalinaHome: repoRoot, catalinaBase: repoRoot, env: {} });
    expect(c.warnings).toEqual([]);
    expect(c).toMatchObject({ port: 8005, shutdown: 'SHUTDOWN' });
    const service = c.services[0]!;
    expect(service.name).toBe('Catalina');
    expect(service.connectors).toHaveLength(1);
    expect(service.connectors[0]).toMatchObject({
      port: 8080,
      protocol: 'http11',
      connectionTimeout: 20000,
      keepAliveTimeout: 20000,
      redirectPort: 8443,
    });
    expect(service.engine).toMatchObject({ name: 'Catalina', defaultHost: 'localhost' });
    const host = service.engine.hosts[0]!;
    expect(host).toMatchObject({ name: 'localhost', appBase: join(repoRoot, 'webapps'), unpackWARs: true, autoDeploy: true });
    expect(host.valves[0]!.attributes).toMatchObject({
      directory: 'logs',
      prefix: 'localhost_access_log',
      suffix: '.txt',
      pattern: '%h %l %u %t "%r" %s %b',
    });
  });

  it('loads the Tomcat 10.1 default server.xml with warnings only', () => {
    const c = loadServerConfig(join(repoRoot, 'test/fixtures/conf/tomcat10-server.xml'), {
      catalinaHome: repoRoot,
      catalinaBase: repoRoot,
      env: {},
    });
    expect(c.warnings.length).toBeGreaterThan(0);
    expect(c.warnings.every((w) => w.severity === 'warning')).toBe(true);
    expect(c.warnings.map((w) => [w.path, w.code])).toEqual([
      ['Server/Listener[0]', 'SV_ERR_CONFIG_CLASS_NOT_IMPLEMENTED'],
      ['Server/Listener[1]', 'SV_ERR_CONFIG_CLASS_NOT_IMPLEMENTED'],
      ['Server/Listener[2]', 'SV_ERR_CONFIG_CLASS_NOT_IMPLEMENTED'],
      ['Server/Listener[3]', 'SV_ERR_CONFIG_CLASS_NOT_IMPLEMENTED'],
      ['Server/Listener[4]', 'SV_ERR_CONFIG_CLASS_NOT_IMPLEMENTED'],
    ]);
    // Its realm and user database are built (issue #20): a LockOutRealm around a UserDatabaseRealm.
    expect(c.globalResources).toEqual([
      expect.objectContaining({
        name: 'UserDatabase',
        type: 'org.apache.catalina.UserDatabase',
        attributes: expect.objectContaining({ pathname: 'conf/tomcat-users.xml' }),
      }),
    ]);
    expect(c.services[0]!.engine.realm).toMatchObject({
      className: 'org.apache.catalina.realm.LockOutRealm',
      realms: [{ className: 'org.apache.catalina.realm.UserDatabaseRealm', attributes: { resourceName: 'UserDatabase' }, realms: [] }],
    });
    expect(c.warnings[0]!.file).toBe('test/fixtures/conf/tomcat10-server.xml');
    expect(c.listeners).toEqual([]);
    expect(c.services[0]!.connectors[0]).toMatchObject({ port: 8080, connectionTimeout: 20000, redirectPort: 8443 });
    expect(c.services[0]!.engine.hosts[0]!.valves).toHaveLength(1);
  });

  it('reports an XML syntax error with file and line', () => {
    const file = join(scratch, 'broken.xml');
    writeFileSync(file, '<Server port="1" shutdown="x">\n  <Service name="a">\n</Server>\n');
    try {
      loadServerConfig(file, env);
    } catch (error) {
      const problems = (error as ConfigValidationError).problems;
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatchObject({ code: 'SV_ERR_CONFIG_XML_SYNTAX', line: 3, file });
      expect(formatProblem(problems[0]!)).toMatch(new RegExp(`^${file}:3: XML syntax error: .+ \\(SV_ERR_CONFIG_XML_SYNTAX\\)$`));
      return;
    }
    throw new Error('expected failure');
  });

  it('reports a missing file', () => {
    expect(() => loadServerConfig('conf/none.xml', env)).toThrow(ConfigValidationError);
    try {
      loadServerConfig('conf/none.xml', env);
    } catch (error) {
      expect((error as ConfigValidationError).problems[0]).toMatchObject({
        code: 'SV_ERR_CONFIG_FILE_NOT_FOUND',
        file: 'conf/none.xml',
        line: 0,
      });
    }
  });
});

describe('context descriptors', () => {
  it('loads the shipped conf/context.xml', () => {
    const c = loadContextDescriptor('conf/context.xml', { catalinaHome: repoRoot, catalinaBase: repoRoot, env: {} });
    expect(c.watchedResources).toEqual(['WEB-INF/web.xml', 'WEB-INF/tomcat-web.xml', join(repoRoot, 'conf/web.xml')]);
    expect(c.path).toBeUndefined();
    expect(c.docBase).toBe('');
    expect(c.location).toEqual({ file: 'conf/context.xml', line: 5, path: 'Context' });
  });

  it('keeps a relative docBase for the deployer and passes warnings to the callback', () => {
    const warnings: ConfigProblem[] = [];
    const c = loadContextDescriptorFromString(
      '<Context docBase="../shop" reloadable="true" privileged="true"><Manager pathname=""/></Context>',
      env,
      'conf/Catalina/localhost/shop.xml',
      { onWarning: (p) => warnings.push(p) },
    );
    expect(c).toMatchObject({
      path: undefined,
      docBase: '../shop',
      reloadable: true,
      manager: { pathname: '', maxActiveSessions: Infinity },
    });
    expect(warnings.map((w) => [w.code, w.attribute])).toEqual([['SV_ERR_CONFIG_ATTRIBUTE_NOT_IMPLEMENTED', 'privileged']]);
  });

  it('rejects a descriptor whose root is not Context, and an empty WatchedResource', () => {
    expect(() => loadContextDescriptorFromString('<Server/>', env)).toThrow(/root element must be \[Context\]/);
    expect(() => loadContextDescriptorFromString('<Context><WatchedResource> </WatchedResource></Context>', env)).toThrow(
      /Element \[WatchedResource\] must contain a value/,
    );
  });
});

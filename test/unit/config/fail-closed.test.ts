/**
 * Fail closed (architecture decision 11) while a configuration file loads: a Tomcat Listener or Valve Serval does
 * not implement refuses the file unless it is on the harmless list, a Realm only warns, a misspelt class name is an
 * error with "did you mean", and every Tomcat 10.1 attribute is known (ignored with the reason, or refused).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { attributeTable } from '../../../src/config/attributes.js';
import type { ConfigProblem } from '../../../src/config/server-config.js';
import {
  ConfigValidationError,
  formatProblem,
  loadContextDescriptorFromString,
  loadServerConfig,
  loadServerConfigFromString,
  type ConfigEnvironment,
} from '../../../src/config/server-xml-loader.js';
import { tomcatComponentClasses } from '../../../src/config/tomcat-classes.js';

const env: ConfigEnvironment = { catalinaHome: '/opt/serval', catalinaBase: '/srv/base', env: {} };

/** A server.xml whose line 2 holds `server`, line 4 the Connector (`connector`: its attributes), line 7 `engine` and line 8 `host`. */
function serverXml(parts: { server?: string; connector?: string; engine?: string; host?: string }): string {
  return [
    '<Server port="-1" shutdown="SHUTDOWN">',
    `  ${parts.server ?? ''}`,
    '  <Service name="Catalina">',
    '    <Connector port="8080"',
    `      ${parts.connector ?? ''}/>`,
    '    <Engine name="Catalina" defaultHost="localhost">',
    `      ${parts.engine ?? ''}`,
    `      <Host name="localhost">${parts.host ?? ''}</Host>`,
    '    </Engine>',
    '  </Service>',
    '</Server>',
  ].join('\n');
}

function refusal(load: () => unknown): ConfigValidationError {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    return error as ConfigValidationError;
  }
  throw new Error('expected the file to be refused');
}

function errorsOf(xml: string): ConfigProblem[] {
  return refusal(() => loadServerConfigFromString(xml, env)).problems.filter((p) => p.severity === 'error');
}

function warningsOf(xml: string): readonly ConfigProblem[] {
  return loadServerConfigFromString(xml, env).warnings;
}

describe('Tomcat components Serval does not implement', () => {
  it.each([
    ['org.apache.catalina.authenticator.SpnegoAuthenticator', 'authenticates users'],
    ['org.apache.catalina.ha.authenticator.ClusterSingleSignOn', 'authenticated users'],
  ])('refuses server.xml with Valve %s, naming file:line and why', (className, why) => {
    const error = refusal(() =>
      loadServerConfigFromString(serverXml({ host: `<Valve className="${className}" allow="10\\.0\\.0\\.1"/>` }), env),
    );
    expect(error.problems.map((p) => [p.severity, p.code, p.line, p.path])).toEqual([
      ['error', 'SV_ERR_CONFIG_CLASS_REFUSED', 8, 'Server/Service[0]/Engine[0]/Host[0]/Valve[0]'],
    ]);
    expect(error.message).toContain(
      `conf/server.xml:8: Server/Service[0]/Engine[0]/Host[0]/Valve[0] [className]: Tomcat class [${className}]`,
    );
    expect(error.message).toContain('cannot be ignored');
    expect(error.message).toContain(why);
  });

  it('refuses a Valve in conf/context.xml with file:line', () => {
    const xml =
      '<Context>\n  <WatchedResource>WEB-INF/web.xml</WatchedResource>\n  <Valve className="org.apache.catalina.valves.PersistentValve"/>\n</Context>';
    const error = refusal(() => loadContextDescriptorFromString(xml, env, 'conf/context.xml'));
    expect(error.problems).toHaveLength(1);
    expect(formatProblem(error.problems[0]!)).toMatch(
      /^conf\/context\.xml:3: Context\/Valve\[0\] \[className\]: Tomcat class \[org\.apache\.catalina\.valves\.PersistentValve\]/,
    );
  });

  it('refuses SecurityListener (a protection) and an unlisted Tomcat valve with the generic reason', () => {
    const errors = errorsOf(
      serverXml({
        server: '<Listener className="org.apache.catalina.security.SecurityListener"/>',
        host: '<Valve className="org.apache.catalina.valves.PersistentValve"/>',
      }),
    );
    expect(errors.map((p) => [p.code, p.line])).toEqual([
      ['SV_ERR_CONFIG_CLASS_REFUSED', 2],
      ['SV_ERR_CONFIG_CLASS_REFUSED', 8],
    ]);
    expect(errors[0]!.message).toContain('privileged user');
    expect(errors[1]!.message).toContain('a Valve sees every request before the application');
  });

  it('skips the harmless listeners and valves with one warning each that says why it is safe', () => {
    const harmless = [...tomcatComponentClasses].filter(([, entry]) => entry.kind === 'harmless');
    expect(harmless.length).toBeGreaterThan(10);
    const listeners = harmless.filter(([name]) => !name.includes('Valve')).map(([name]) => `<Listener className="${name}"/>`);
    const valves = harmless.filter(([name]) => name.includes('Valve')).map(([name]) => `<Valve className="${name}"/>`);
    const c = loadServerConfigFromString(serverXml({ server: listeners.join(''), host: valves.join('') }), env);
    expect(c.listeners).toEqual([]);
    expect(c.services[0]!.engine.hosts[0]!.valves).toEqual([]);
    expect(c.warnings).toHaveLength(harmless.length);
    for (const [warning, [className, entry]] of c.warnings.map((w, i) => [w, harmless[i]!] as const)) {
      expect(warning.code).toBe('SV_ERR_CONFIG_CLASS_NOT_IMPLEMENTED');
      expect(warning.message).toBe(
        `Tomcat class [${className}] on element [${warning.path.includes('Valve') ? 'Valve' : 'Listener'}] is not implemented; it is ignored, which is safe because ${entry.reason}`,
      );
    }
  });

  it('never lists a Remote*, authenticator, single sign-on or crawler class as harmless', () => {
    for (const [name, entry] of tomcatComponentClasses) {
      if (/Remote|authenticator|SingleSignOn|Crawler|Security|Rewrite|ErrorReport/.test(name)) expect(entry.kind, name).toBe('refused');
    }
  });

  it('reports a misspelt Tomcat class as unknown, suggesting the real one', () => {
    const [problem] = errorsOf(serverXml({ host: '<Valve className="org.apache.catalina.valves.RemoteAddrValv"/>' }));
    expect(problem!.code).toBe('SV_ERR_CONFIG_CLASS_UNKNOWN');
    expect(problem!.line).toBe(8);
    expect(problem!.message).toContain('did you mean [org.apache.catalina.valves.RemoteAddrValve]?');
    const [listener] = errorsOf(serverXml({ server: '<Listener className="org.apache.catalina.startup.VersionLogerListener"/>' }));
    expect(listener!.message).toContain('did you mean [org.apache.catalina.startup.VersionLoggerListener]?');
  });

  it.each([['com.example.MyErrorReportValve'], ['']])(
    'refuses Host errorReportValveClass [%s], which would have shown less than the full report',
    (className) => {
      const xml = serverXml({}).replace('<Host name="localhost">', `<Host name="localhost" errorReportValveClass="${className}">`);
      const [problem] = errorsOf(xml);
      expect([problem!.code, problem!.attribute, problem!.line]).toEqual(['SV_ERR_CONFIG_CLASS_REFUSED', 'errorReportValveClass', 8]);
      expect(problem!.message).toContain('error report (with exception details)');
    },
  );

  it('refuses an org.apache class it does not know instead of skipping it', () => {
    const [problem] = errorsOf(serverXml({ host: '<Valve className="org.apache.example.MadeUpValve"/>' }));
    expect(problem!.code).toBe('SV_ERR_CONFIG_CLASS_UNKNOWN');
  });
});

describe('Realm', () => {
  it('is built with its nested realms and credential handler, and nothing is warned about', () => {
    const xml = serverXml({
      engine:
        '<Realm className="org.apache.catalina.realm.LockOutRealm" failureCount="3"><Realm className="org.apache.catalina.realm.UserDatabaseRealm" resourceName="UserDatabase"><CredentialHandler className="org.apache.catalina.realm.SecretKeyCredentialHandler" iterations="1000"/></Realm></Realm>',
    });
    expect(warningsOf(xml)).toEqual([]);
  });

  it('refuses JAASRealm, which cannot work without Java login modules', () => {
    const [problem] = errorsOf(serverXml({ engine: '<Realm className="org.apache.catalina.realm.JAASRealm" appName="x"/>' }));
    expect(problem!.code).toBe('SV_ERR_CONFIG_CLASS_REFUSED');
    expect(problem!.message).toContain('Java login modules');
  });

  it('refuses realms nested in a realm that does not combine them, and a second Realm in one container', () => {
    const nested = errorsOf(
      serverXml({
        engine: '<Realm className="org.apache.catalina.realm.MemoryRealm"><Realm className="org.apache.catalina.realm.NullRealm"/></Realm>',
      }),
    );
    expect(nested.map((p) => [p.code, p.path])).toEqual([
      ['SV_ERR_CONFIG_UNKNOWN_ELEMENT', 'Server/Service[0]/Engine[0]/Realm[0]/Realm[0]'],
    ]);
    const twice = errorsOf(
      serverXml({
        engine: '<Realm className="org.apache.catalina.realm.NullRealm"/><Realm className="org.apache.catalina.realm.NullRealm"/>',
      }),
    );
    expect(twice.map((p) => p.code)).toEqual(['SV_ERR_CONFIG_CHILD_COUNT']);
  });

  it('checks the attributes of the realm and of its credential handler against the table', () => {
    const problems = errorsOf(
      serverXml({
        engine:
          '<Realm className="org.apache.catalina.realm.LockOutRealm" failureCont="3"><Realm className="org.apache.catalina.realm.MemoryRealm"><CredentialHandler className="org.apache.catalina.realm.MessageDigestCredentialHandler" iterations="zero"/></Realm></Realm>',
      }),
    );
    expect(problems.map((p) => [p.code, p.attribute])).toEqual([
      ['SV_ERR_CONFIG_UNKNOWN_ATTRIBUTE', 'failureCont'],
      ['SV_ERR_CONFIG_INVALID_VALUE', 'iterations'],
    ]);
  });

  it('is an error when its class name is misspelt', () => {
    const [problem] = errorsOf(serverXml({ engine: '<Realm className="org.apache.catalina.realm.LockoutRealm"/>' }));
    expect(problem!.code).toBe('SV_ERR_CONFIG_CLASS_UNKNOWN');
    expect(problem!.message).toContain('did you mean [org.apache.catalina.realm.LockOutRealm]?');
  });
});

describe("Tomcat 10.1's attributes", () => {
  it("loads the issue's examples, each with a warning that says what Tomcat does and why ignoring it is safe", () => {
    const xml = serverXml({
      connector: 'useIPVHosts="true" socket.soKeepAlive="true" socket.rxBufSize="65536" parseBodyMethods="POST,PUT" throwOnFailure="true"',
      host: [
        '<Valve className="org.apache.catalina.valves.ErrorReportValve" errorCode.404="/errors/404.html" exceptionType.java.lang.Exception="/errors/ex.html"/>',
        '<Context path="/a" docBase="a" clearReferencesStopThreads="true" resourceOnlyServlets="jsp"/>',
      ].join(''),
    });
    const warnings = warningsOf(xml);
    expect(warnings.map((w) => w.attribute)).toEqual([
      'useIPVHosts',
      'socket.soKeepAlive',
      'socket.rxBufSize',
      'parseBodyMethods',
      'throwOnFailure',
      'clearReferencesStopThreads',
      'resourceOnlyServlets',
    ]);
    for (const warning of warnings) expect(warning.code).toBe('SV_ERR_CONFIG_ATTRIBUTE_NOT_IMPLEMENTED');
    expect(warnings[1]!.message).toBe(
      'Tomcat attribute [socket.soKeepAlive] on element [Connector] is not implemented: in Tomcat it sets: Java socket options and NIO buffers (`socket.soKeepAlive`, `socket.rxBufSize`, `socket.soLingerOn`, `socket.directBuffer`, `socket.appReadBufSize`…). Serval ignores it, which is safe because it only tunes performance or resource use; every request is answered the same way',
    );
  });

  it('still refuses names Tomcat does not know, a bare prefix included, with did-you-mean', () => {
    const errors = errorsOf(serverXml({ connector: 'useIPVHost="true" socket.="x"' }));
    expect(errors.map((p) => [p.code, p.attribute, p.line])).toEqual([
      ['SV_ERR_CONFIG_UNKNOWN_ATTRIBUTE', 'useIPVHost', 4],
      ['SV_ERR_CONFIG_UNKNOWN_ATTRIBUTE', 'socket.', 4],
    ]);
    expect(errors[0]!.message).toContain('did you mean [useIPVHosts]?');
  });

  it('refuses a Tomcat attribute whose absence would open what the configuration keeps closed', () => {
    const [problem] = errorsOf(serverXml({ connector: 'unixDomainSocketPath="/run/tomcat.sock"' }));
    expect(problem!.code).toBe('SV_ERR_CONFIG_ATTRIBUTE_REFUSED');
    expect(problem!.message).toContain('Unix domain socket');
  });

  it('refuses useIPVHosts="true" once the Host header could select another Host', () => {
    const xml = serverXml({ connector: 'useIPVHosts="true"', host: '' }).replace('</Host>', '</Host><Host name="internal"/>');
    const [problem] = errorsOf(xml);
    expect([problem!.code, problem!.attribute, problem!.line]).toEqual(['SV_ERR_CONFIG_ATTRIBUTE_REFUSED', 'useIPVHosts', 4]);
    expect(problem!.message).toContain('by the Host header');
    expect(warningsOf(serverXml({ connector: 'useIPVHosts="false"' })).map((w) => w.attribute)).toEqual(['useIPVHosts']);
  });

  it('checks the attribute names of elements it skips (Loader, JarScanner, CookieProcessor) and of Manager, which it implements', () => {
    const good =
      '<Context><Manager pathname="" maxActiveSessions="10"/><JarScanner scanClassPath="false"/><CookieProcessor sameSiteCookies="strict"/></Context>';
    const warnings: ConfigProblem[] = [];
    loadContextDescriptorFromString(good, env, 'conf/context.xml', { onWarning: (w) => warnings.push(w) });
    expect(warnings.map((w) => w.code)).toEqual(Array(2).fill('SV_ERR_CONFIG_ELEMENT_NOT_IMPLEMENTED'));
    const error = refusal(() => loadContextDescriptorFromString('<Context>\n<Manager pathnme=""/>\n</Context>', env, 'conf/context.xml'));
    expect(error.problems.filter((p) => p.severity === 'error').map((p) => [p.code, p.line, p.attribute])).toEqual([
      ['SV_ERR_CONFIG_UNKNOWN_ATTRIBUTE', 2, 'pathnme'],
    ]);
    expect(error.message).toContain('did you mean [pathname]?');
  });

  it('gives every Tomcat-only entry exactly one reason, and only Tomcat-only entries and the error report pages are prefixes', () => {
    for (const spec of attributeTable) {
      const reasons = [spec.ignoredBecause, spec.refusedBecause].filter((r) => r !== undefined);
      const where = `${spec.owner}.${spec.name}`;
      if (spec.tomcatOnly === true) expect(reasons, where).toHaveLength(1);
      else expect(reasons, where).toHaveLength(0);
      // The error report valves' errorCode.* and exceptionType.* are the implemented prefixes (issue #21).
      if (spec.prefix === true && !/^Valve:\w*ErrorReportValve$/.test(spec.owner)) expect(spec.tomcatOnly, where).toBe(true);
    }
  });
});

describe('conf/context.xml and context.xml.default at startup', () => {
  const base = mkdtempSync(join(tmpdir(), 'serval-fail-closed-'));
  afterAll(() => rmSync(base, { recursive: true, force: true }));
  mkdirSync(join(base, 'conf', 'Catalina', 'localhost'), { recursive: true });
  writeFileSync(join(base, 'conf', 'server.xml'), serverXml({}));
  const baseEnv: ConfigEnvironment = { catalinaHome: base, catalinaBase: base, env: {} };
  const refused = '<Context>\n  <Valve className="org.apache.catalina.valves.PersistentValve"/>\n</Context>\n';

  it.each([['conf/context.xml'], ['conf/Catalina/localhost/context.xml.default']])(
    'refuse the configuration when %s is refused',
    (file) => {
      writeFileSync(join(base, file), refused);
      try {
        const error = refusal(() => loadServerConfig(join(base, 'conf', 'server.xml'), baseEnv));
        expect(error.message).toContain(
          `${file}:2: Context/Valve[0] [className]: Tomcat class [org.apache.catalina.valves.PersistentValve]`,
        );
        // `catalina stop` only needs the shutdown port.
        expect(loadServerConfig(join(base, 'conf', 'server.xml'), { ...baseEnv, checkContextDefaults: false }).port).toBe(-1);
      } finally {
        rmSync(join(base, file));
      }
      expect(loadServerConfig(join(base, 'conf', 'server.xml'), baseEnv).port).toBe(-1);
    },
  );
});

/**
 * The proxy valves as server.xml configures them (issue #21): Tomcat's class names and defaults, and an unusable
 * pattern refused while the file loads with file:line, element and attribute. RemoteIpFilter's init-params the same
 * way, as the filter's init error.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ConfigValidationError, loadServerConfigFromString, type ConfigEnvironment } from '../../../src/config/server-xml-loader.js';
import { RemoteIpFilter } from '../../../src/filters/remote-ip-filter.js';
import type { FilterConfig } from '../../../src/servlet/filter.js';
import type { ServletContext } from '../../../src/servlet/servlet-context.js';
import { createValve } from '../../../src/startup/component-factory.js';
import { LoadBalancerDrainingValve } from '../../../src/valves/load-balancer-draining-valve.js';
import { RemoteIpValve } from '../../../src/valves/remote-ip-valve.js';
import { SslValve } from '../../../src/valves/ssl-valve.js';

const env: ConfigEnvironment = { catalinaHome: '/opt/serval', catalinaBase: '/srv/base', env: {} };

/** A server.xml whose line 5 holds the Engine's valve. */
function serverXml(valve: string): string {
  return [
    '<Server port="-1" shutdown="SHUTDOWN">',
    '  <Service name="Catalina">',
    '    <Connector port="8080"/>',
    '    <Engine name="Catalina" defaultHost="localhost">',
    `      ${valve}`,
    '      <Host name="localhost"/>',
    '    </Engine>',
    '  </Service>',
    '</Server>',
  ].join('\n');
}

function engineValve(valve: string): ReturnType<typeof createValve> {
  const config = loadServerConfigFromString(serverXml(valve), env);
  const component = config.services[0]!.engine.valves[0]!;
  return createValve(component, '/srv/base', pino({ enabled: false }));
}

function refusal(valve: string): ConfigValidationError {
  try {
    loadServerConfigFromString(serverXml(valve), env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    return error as ConfigValidationError;
  }
  throw new Error('expected the file to be refused');
}

describe('proxy valves in server.xml', () => {
  it("builds RemoteIpValve with Tomcat 10.1's defaults, its default internalProxies included", () => {
    const valve = engineValve('<Valve className="org.apache.catalina.valves.RemoteIpValve"/>');
    expect(valve).toBeInstanceOf(RemoteIpValve);
    const { rules } = valve as RemoteIpValve;
    expect(rules).toMatchObject({
      trustedProxies: null,
      remoteIpHeader: 'X-Forwarded-For',
      proxiesHeader: 'X-Forwarded-By',
      protocolHeader: 'X-Forwarded-Proto',
      protocolHeaderHttpsValue: 'https',
      hostHeader: null,
      portHeader: null,
      httpServerPort: 80,
      httpsServerPort: 443,
      changeLocalName: false,
      changeLocalPort: false,
      requestAttributesEnabled: true,
    });
    expect(rules.internalProxies?.test('192.168.1.1')).toBe(true);
    expect(rules.internalProxies?.test('8.8.8.8')).toBe(false);
  });

  it('takes an empty internalProxies as trusting no internal proxy', () => {
    const valve = engineValve(
      '<Valve className="org.apache.catalina.valves.RemoteIpValve" internalProxies="" trustedProxies="10\\.1\\.1\\.1"/>',
    );
    expect((valve as RemoteIpValve).rules.internalProxies).toBeNull();
    expect((valve as RemoteIpValve).rules.trustedProxies?.test('10.1.1.1')).toBe(true);
  });

  it.each([
    ['internalProxies', '10\\.(0'],
    ['trustedProxies', '(a+)\\1'],
  ])('refuses an unusable %s pattern with file:line, element and attribute', (attribute, value) => {
    const error = refusal(`<Valve className="org.apache.catalina.valves.RemoteIpValve" ${attribute}="${value}"/>`);
    expect(error.problems.map((p) => [p.severity, p.code, p.line])).toEqual([['error', 'SV_ERR_CONFIG_INVALID_VALUE', 5]]);
    expect(error.message).toContain(`[${attribute}]`);
    expect(error.message).toContain('Server/Service[0]/Engine[0]/Valve[0]');
  });

  it('refuses a port or status out of range', () => {
    expect(refusal('<Valve className="org.apache.catalina.valves.RemoteIpValve" httpsServerPort="70000"/>').message).toContain(
      '[httpsServerPort]',
    );
    expect(refusal('<Valve className="org.apache.catalina.valves.LoadBalancerDrainingValve" redirectStatusCode="200"/>').message).toContain(
      '[redirectStatusCode]',
    );
  });

  it("builds SSLValve and LoadBalancerDrainingValve with Tomcat's header names and defaults", () => {
    const ssl = engineValve('<Valve className="org.apache.catalina.valves.SSLValve"/>');
    expect(ssl).toBeInstanceOf(SslValve);
    expect((ssl as SslValve).headers).toEqual({
      sslClientCertHeader: 'ssl_client_cert',
      sslClientEscapedCertHeader: 'ssl_client_escaped_cert',
      sslCipherHeader: 'ssl_cipher',
      sslSessionIdHeader: 'ssl_session_id',
      sslCipherUserKeySizeHeader: 'ssl_cipher_usekeysize',
    });
    const draining = engineValve('<Valve className="org.apache.catalina.valves.LoadBalancerDrainingValve"/>');
    expect(draining).toBeInstanceOf(LoadBalancerDrainingValve);
    expect((draining as LoadBalancerDrainingValve).options).toEqual({
      redirectStatusCode: 307,
      ignoreCookieName: undefined,
      ignoreCookieValue: undefined,
    });
  });
});

describe('RemoteIpFilter init-params and typed options', () => {
  function config(params: Record<string, string>): FilterConfig {
    return {
      getFilterName: () => 'remote-ip',
      getServletContext: () => ({}) as ServletContext,
      getInitParameter: (name) => params[name] ?? null,
      getInitParameterNames: () => Object.keys(params),
    };
  }

  it('reads the init-params (defaults as the valve) and refuses an unusable pattern with a coded init error', async () => {
    const filter = new RemoteIpFilter();
    await filter.init(config({ internalProxies: '127\\.0\\.0\\.1', protocolHeader: 'X-Proto' }));
    expect(filter.rules).toMatchObject({ protocolHeader: 'X-Proto', httpsServerPort: 443, trustedProxies: null });
    expect(filter.rules?.internalProxies?.test('127.0.0.2')).toBe(false);
    expect(() => new RemoteIpFilter().init(config({ trustedProxies: '(?<=a)b' }))).toThrow(
      expect.objectContaining({ code: 'SV_ERR_REMOTE_IP_FILTER_INIT_PARAM' }),
    );
    expect(() => new RemoteIpFilter().init(config({ httpServerPort: 'eighty' }))).toThrow(/httpServerPort/);
  });

  it('is built from code with typed options, an unusable pattern throwing at once', () => {
    const filter = new RemoteIpFilter({ internalProxies: '', trustedProxies: '10\\.0\\.0\\.1', remoteIpHeader: 'X-Real-Chain' });
    expect(filter.rules).toMatchObject({ internalProxies: null, remoteIpHeader: 'X-Real-Chain' });
    expect(() => new RemoteIpFilter({ internalProxies: '(' })).toThrow(
      expect.objectContaining({ code: 'SV_ERR_REMOTE_IP_FILTER_INIT_PARAM' }),
    );
  });
});

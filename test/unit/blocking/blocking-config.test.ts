// server.xml for the blocking style: protocol names, maxThreads default, disableKeepAlivePercentage bounds, and a
// configuration that crosses into worker threads intact.
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigValidationError, loadServerConfigFromString, type ConfigEnvironment } from '../../../src/config/server-xml-loader.js';

const env: ConfigEnvironment = { catalinaHome: '/opt/serval', catalinaBase: '/srv/base', env: {} };

function xml(connector: string, service = ''): string {
  return `<Server port="8005" shutdown="SHUTDOWN">
  <Service name="Catalina">
    ${service}
    ${connector}
    <Engine name="Catalina" defaultHost="localhost"><Host name="localhost"/></Engine>
  </Service>
</Server>`;
}

describe('blocking-style connector configuration', () => {
  it.each([
    ['org.apache.coyote.http11.Http11Protocol', 'http11'],
    ['HTTP/1.1-blocking', 'http11'],
    ['org.apache.coyote.ajp.AjpProtocol', 'ajp'],
    ['AJP/1.3-blocking', 'ajp'],
  ])('%s selects the blocking style; maxThreads defaults to twice the cores', (protocol, kind) => {
    const secret = kind === 'ajp' ? 'secret="s"' : '';
    const config = loadServerConfigFromString(xml(`<Connector port="8080" protocol="${protocol}" ${secret}/>`), env);
    const connector = config.services[0]!.connectors[0]!;
    expect(connector).toMatchObject({ protocol: kind, style: 'blocking', maxThreads: 2 * availableParallelism() });
    expect(connector.disableKeepAlivePercentage).toBe(75);
  });

  it('keeps an explicit maxThreads, and the event-loop default of 200', () => {
    const blocking = loadServerConfigFromString(xml('<Connector port="8080" protocol="HTTP/1.1-blocking" maxThreads="7"/>'), env);
    expect(blocking.services[0]!.connectors[0]!.maxThreads).toBe(7);
    const eventLoop = loadServerConfigFromString(xml('<Connector port="8080" protocol="HTTP/1.1"/>'), env);
    expect(eventLoop.services[0]!.connectors[0]).toMatchObject({ style: 'event-loop', maxThreads: 200 });
  });

  it.each(['101', '-1', 'half'])('rejects disableKeepAlivePercentage="%s"', (value) => {
    expect(() =>
      loadServerConfigFromString(xml(`<Connector port="8080" protocol="HTTP/1.1-blocking" disableKeepAlivePercentage="${value}"/>`), env),
    ).toThrowError(ConfigValidationError);
  });

  it('accepts disableKeepAlivePercentage at its bounds 0 and 100', () => {
    for (const value of ['0', '100']) {
      const config = loadServerConfigFromString(
        xml(`<Connector port="8080" protocol="HTTP/1.1-blocking" disableKeepAlivePercentage="${value}"/>`),
        env,
      );
      expect(config.services[0]!.connectors[0]!.disableKeepAlivePercentage).toBe(Number(value));
    }
  });

  it('a connector naming an Executor shares it; the whole configuration survives the structured clone to a worker', () => {
    const config = loadServerConfigFromString(
      xml(
        '<Connector port="8080" protocol="HTTP/1.1-blocking" executor="pool"/>',
        '<Executor name="pool" maxThreads="6" minSpareThreads="2"/>',
      ),
      env,
    );
    expect(config.services[0]!.executors[0]).toMatchObject({ name: 'pool', maxThreads: 6, minSpareThreads: 2 });
    expect(structuredClone(config)).toEqual(config);
  });
});

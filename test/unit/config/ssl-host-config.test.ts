/** server.xml → TLS settings: SSLEnabled, SSLHostConfig and Certificate elements, and their load-time checks. */
import { describe, expect, it } from 'vitest';
import type { ConfigProblem } from '../../../src/config/server-config.js';
import { ConfigValidationError, loadServerConfigFromString, type ConfigEnvironment } from '../../../src/config/server-xml-loader.js';

const env: ConfigEnvironment = { catalinaHome: '/opt/serval', catalinaBase: '/srv/base', env: {} };

function server(connector: string): string {
  return `<Server port="8005" shutdown="SHUTDOWN">
  <Service name="Catalina">
    ${connector}
    <Engine name="Catalina" defaultHost="localhost"><Host name="localhost"/></Engine>
  </Service>
</Server>`;
}

const CERT = '<Certificate certificateFile="conf/localhost.pem" certificateKeyFile="conf/localhost.key"/>';

function problemsOf(xml: string): readonly ConfigProblem[] {
  try {
    loadServerConfigFromString(xml, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    return (error as ConfigValidationError).problems;
  }
  throw new Error('expected the configuration to be rejected');
}

function errors(xml: string): string[] {
  return problemsOf(xml)
    .filter((problem) => problem.severity === 'error')
    .map((problem) => `${problem.attribute ?? ''}: ${problem.message}`);
}

function connectorOf(xml: string) {
  return loadServerConfigFromString(xml, env).services[0]!.connectors[0]!;
}

describe('SSLHostConfig loading', () => {
  it('builds typed TLS settings with Tomcat defaults, paths resolved against catalina.base, and reports https', () => {
    const connector = connectorOf(
      server(`<Connector port="8443" SSLEnabled="true" scheme="http"><SSLHostConfig>${CERT}</SSLHostConfig></Connector>`),
    );
    expect(connector.scheme).toBe('https');
    expect(connector.secure).toBe(true);
    expect(connector.sslHostConfigs).toHaveLength(1);
    const host = connector.sslHostConfigs![0]!;
    expect(host).toMatchObject({
      hostName: '_default_',
      protocols: 'all',
      ciphers: 'HIGH:!aNULL:!eNULL:!EXPORT:!DES:!RC4:!MD5:!kRSA',
      honorCipherOrder: false,
      certificateVerification: 'none',
      caCertificateFile: undefined,
      sessionTimeout: 86400,
    });
    expect(host.certificates[0]).toMatchObject({
      certificateFile: '/srv/base/conf/localhost.pem',
      certificateKeyFile: '/srv/base/conf/localhost.key',
      certificateKeyPassword: undefined,
      certificateChainFile: undefined,
      type: 'UNDEFINED',
    });
  });

  it('keeps the key in the certificate file when certificateKeyFile is not set, and lower-cases hostName', () => {
    const connector = connectorOf(
      server(`<Connector port="8443" SSLEnabled="true" defaultSSLHostConfigName="Example.COM">
        <SSLHostConfig hostName="Example.com" certificateVerification="OPTIONAL" caCertificateFile="/etc/ca.pem">
          <Certificate certificateFile="/etc/both.pem" certificateKeyPassword="secret" certificateChainFile="chain.pem"/>
        </SSLHostConfig></Connector>`),
    );
    const host = connector.sslHostConfigs![0]!;
    expect(host.hostName).toBe('example.com');
    expect(host.certificateVerification).toBe('optional');
    expect(host.caCertificateFile).toBe('/etc/ca.pem');
    expect(host.certificates[0]).toMatchObject({
      certificateFile: '/etc/both.pem',
      certificateKeyFile: '/etc/both.pem',
      certificateKeyPassword: 'secret',
      certificateChainFile: '/srv/base/chain.pem',
    });
  });

  it('a plain connector has no TLS settings and keeps its scheme', () => {
    const connector = connectorOf(server('<Connector port="8080" scheme="https" secure="true"/>'));
    expect(connector.sslHostConfigs).toBeUndefined();
    expect(connector.scheme).toBe('https');
  });

  it('SSLEnabled without an SSLHostConfig is an error', () => {
    expect(errors(server('<Connector port="8443" SSLEnabled="true"/>'))).toEqual([
      expect.stringMatching(/^SSLEnabled: .*no <SSLHostConfig>/),
    ]);
  });

  it('an SSLHostConfig on a connector without SSLEnabled is ignored with a warning', () => {
    const config = loadServerConfigFromString(server(`<Connector port="8080"><SSLHostConfig>${CERT}</SSLHostConfig></Connector>`), env);
    expect(config.services[0]!.connectors[0]!.sslHostConfigs).toBeUndefined();
    expect(config.warnings.map((w) => w.message)).toContainEqual(expect.stringMatching(/SSLHostConfig is ignored because .*SSLEnabled/));
  });

  it('keystore and truststore attributes are errors that say to convert to PEM', () => {
    const messages = errors(
      server(`<Connector port="8443" SSLEnabled="true"><SSLHostConfig truststoreFile="conf/trust.jks">
        <Certificate certificateKeystoreFile="conf/keystore.p12" certificateKeystorePassword="changeit"/></SSLHostConfig></Connector>`),
    );
    expect(messages).toContainEqual(expect.stringMatching(/truststoreFile.*PEM files only.*caCertificateFile/));
    expect(messages).toContainEqual(
      expect.stringMatching(/certificateKeystoreFile, certificateKeystorePassword.*PEM files only.*openssl pkcs12/),
    );
    // The Certificate then also lacks its certificateFile.
    expect(messages).toContainEqual(expect.stringMatching(/^certificateFile: Required attribute/));
  });

  it('rejects bad protocols and ciphers values at load time', () => {
    const messages = errors(
      server(
        `<Connector port="8443" SSLEnabled="true"><SSLHostConfig protocols="TLSv1.2+TLSv9" ciphers="TLS_FOO_WITH_BAR">${CERT}</SSLHostConfig></Connector>`,
      ),
    );
    expect(messages).toContainEqual(expect.stringMatching(/^protocols: .*\[TLSv1\.2\+TLSv9\].*unknown protocol \[TLSv9\]/));
    expect(messages).toContainEqual(expect.stringMatching(/^ciphers: .*cipher suite \[TLS_FOO_WITH_BAR\] is unknown/));
    expect(
      errors(server(`<Connector port="8443" SSLEnabled="true"><SSLHostConfig protocols="SSLv3">${CERT}</SSLHostConfig></Connector>`)),
    ).toEqual([expect.stringMatching(/SSLv3 is not supported/)]);
    expect(
      errors(
        server(
          `<Connector port="8443" SSLEnabled="true"><SSLHostConfig protocols="all-TLSv1.2-TLSv1.3">${CERT}</SSLHostConfig></Connector>`,
        ),
      ),
    ).toEqual([expect.stringMatching(/no protocol is left enabled/)]);
  });

  it('needs a Certificate, unique host names and a default SSLHostConfig that exists', () => {
    expect(errors(server('<Connector port="8443" SSLEnabled="true"><SSLHostConfig/></Connector>'))).toEqual([
      expect.stringMatching(/SSLHostConfig \[_default_\] has no <Certificate>/),
    ]);
    expect(
      errors(
        server(
          `<Connector port="8443" SSLEnabled="true"><SSLHostConfig hostName="a.test">${CERT}</SSLHostConfig><SSLHostConfig hostName="A.test">${CERT}</SSLHostConfig></Connector>`,
        ),
      ),
    ).toContainEqual(
      expect.stringMatching(
        /^hostName: SSLHostConfig hostName \[a\.test\] is used twice in Connector \[Server\/Service\[0\]\/Connector\[0\]\]$/,
      ),
    );
    expect(
      errors(server(`<Connector port="8443" SSLEnabled="true"><SSLHostConfig hostName="a.test">${CERT}</SSLHostConfig></Connector>`)),
    ).toEqual([
      'defaultSSLHostConfigName: Connector defaultSSLHostConfigName [_default_] names no SSLHostConfig of this Connector; known: [a.test]',
    ]);
  });

  it('warns when a non-default SSLHostConfig sets protocols that node:tls cannot switch by SNI, and about obsolete versions', () => {
    const config = loadServerConfigFromString(
      server(`<Connector port="8443" SSLEnabled="true"><SSLHostConfig>${CERT}</SSLHostConfig>
        <SSLHostConfig hostName="old.test" protocols="TLSv1.1+TLSv1.2">${CERT}</SSLHostConfig></Connector>`),
      env,
    );
    const warnings = config.warnings.map((w) => `${w.attribute ?? ''}: ${w.message}`);
    expect(warnings).toContainEqual(expect.stringMatching(/^protocols: SSLHostConfig \[old\.test\] protocols differs from the default/));
    expect(warnings).toContainEqual(expect.stringMatching(/^protocols: SSLHostConfig \[old\.test\]: protocol \[TLSv1\.1\] is obsolete/));
  });

  it('SSLEnabled is an HTTP/1.1 attribute', () => {
    expect(errors(server('<Connector port="8009" protocol="AJP/1.3" secretRequired="false" SSLEnabled="true"/>'))).toEqual([
      expect.stringMatching(/^SSLEnabled: .*only valid on HTTP\/1\.1 connectors/),
    ]);
  });
});

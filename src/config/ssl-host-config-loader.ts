/**
 * Builds a Connector's `<SSLHostConfig>`/`<Certificate>` children into typed TLS settings, checking at load
 * time what can be checked without reading the PEM files (those are read when the connector starts).
 */
import { resolve } from 'node:path';
import { parseProtocols, toNodeCiphers } from '../net/tls-config.js';
import type { AttributeValues, ConfigValidator } from './config-validator.js';
import { elementChildren } from './element-schema.js';
import type { CertificateConfig, CertificateVerification, SslHostConfig } from './server-config.js';
import type { XmlElement } from './xml-document.js';

const TRUSTSTORE_ATTRIBUTES = ['truststoreFile', 'truststorePassword', 'truststoreType', 'truststoreProvider'];
const KEYSTORE_ATTRIBUTES = [
  'certificateKeystoreFile',
  'certificateKeystorePassword',
  'certificateKeystoreType',
  'certificateKeystoreProvider',
  'certificateKeyAlias',
];

/**
 * The TLS settings of one Connector element. `sslEnabled` is its SSLEnabled value: without it the
 * SSLHostConfigs are ignored (with a warning, as they would never be used) and undefined is returned.
 */
export function buildSslHostConfigs(
  v: ConfigValidator,
  connector: XmlElement,
  children: readonly XmlElement[],
  values: AttributeValues,
  catalinaBase: string,
): SslHostConfig[] | undefined {
  const elements = children.filter((child) => child.name === 'SSLHostConfig');
  const sslEnabled = values['SSLEnabled'] === true;
  if (!sslEnabled) {
    for (const element of elements) {
      v.report('warning', 'SV_ERR_CONFIG_SSL_NOT_ENABLED', {}, element);
    }
    return undefined;
  }
  if (elements.length === 0) {
    v.report('error', 'SV_ERR_CONFIG_SSL_MISSING', {}, connector, 'SSLEnabled');
    return [];
  }
  const configs = elements.map((element) => sslHostConfig(v, element, catalinaBase));
  const seen = new Set<string>();
  configs.forEach((config, index) => {
    if (seen.has(config.hostName)) {
      const params = { what: 'SSLHostConfig hostName', name: config.hostName, owner: 'Connector', ownerName: connector.path };
      v.report('error', 'SV_ERR_CONFIG_DUPLICATE_NAME', params, elements[index]!, 'hostName');
    }
    seen.add(config.hostName);
  });
  const defaultName = String(values['defaultSSLHostConfigName'] ?? '_default_').toLowerCase();
  const fallback = configs.find((config) => config.hostName === defaultName);
  if (fallback === undefined) {
    const params = {
      element: 'Connector',
      attribute: 'defaultSSLHostConfigName',
      value: defaultName,
      target: 'SSLHostConfig',
      owner: 'Connector',
      known: configs.map((config) => config.hostName).join(', '),
    };
    v.report('error', 'SV_ERR_CONFIG_UNKNOWN_REFERENCE', params, connector, 'defaultSSLHostConfigName');
    return configs;
  }
  // OpenSSL fixes the protocol range and TLS 1.2 cipher list when the connection starts, before SNI is known;
  // SNI switches only certificates and CAs. Say so rather than silently ignore a per-host setting.
  configs.forEach((config, index) => {
    if (config === fallback) return;
    for (const attribute of ['protocols', 'ciphers', 'honorCipherOrder'] as const) {
      if (config[attribute] !== fallback[attribute]) {
        const params = { hostName: config.hostName, attribute, defaultHostName: fallback.hostName };
        v.report('warning', 'SV_ERR_CONFIG_SSL_PER_HOST_SETTING', params, elements[index]!, attribute);
      }
    }
  });
  return configs;
}

function sslHostConfig(v: ConfigValidator, element: XmlElement, catalinaBase: string): SslHostConfig {
  const values = v.attributes(element, ['SSLHostConfig']);
  const children = v.children(element, elementChildren['SSLHostConfig']!);
  rejectStoreAttributes(v, element, TRUSTSTORE_ATTRIBUTES, 'caCertificateFile', 'openssl pkcs12 -in truststore.p12 -nokeys -out ca.pem');
  const hostName = text(values, 'hostName').toLowerCase();
  const protocols = text(values, 'protocols');
  const parsed = parseProtocols(protocols);
  if (!parsed.ok) {
    v.report(
      'error',
      'SV_ERR_CONFIG_INVALID_VALUE',
      { attribute: 'protocols', element: 'SSLHostConfig', value: protocols, allowed: parsed.error },
      element,
      'protocols',
    );
  } else {
    for (const protocol of parsed.obsolete) {
      v.report('warning', 'SV_ERR_CONFIG_SSL_OBSOLETE_PROTOCOL', { hostName, protocol }, element, 'protocols');
    }
  }
  const ciphers = text(values, 'ciphers');
  const mapped = toNodeCiphers(ciphers);
  if (!mapped.ok) {
    v.report(
      'error',
      'SV_ERR_CONFIG_INVALID_VALUE',
      { attribute: 'ciphers', element: 'SSLHostConfig', value: ciphers, allowed: mapped.error },
      element,
      'ciphers',
    );
  }
  const certificates = children.filter((child) => child.name === 'Certificate').map((child) => certificate(v, child, catalinaBase));
  if (certificates.length === 0) {
    v.report('error', 'SV_ERR_CONFIG_SSL_NO_CERTIFICATE', { hostName }, element);
  }
  const types = certificates.map((c) => c.type);
  if (certificates.length > 1 && (types.includes('UNDEFINED') || new Set(types).size !== types.length)) {
    v.report('error', 'SV_ERR_CONFIG_SSL_CERTIFICATE_TYPES', { hostName }, element);
  }
  return {
    hostName,
    protocols,
    ciphers,
    honorCipherOrder: values['honorCipherOrder'] === true,
    certificateVerification: text(values, 'certificateVerification') as CertificateVerification,
    caCertificateFile: optionalPath(values, 'caCertificateFile', catalinaBase),
    certificateRevocationListFile: optionalPath(values, 'certificateRevocationListFile', catalinaBase),
    sessionTimeout: typeof values['sessionTimeout'] === 'number' ? values['sessionTimeout'] : 86400,
    certificates,
    location: v.location(element),
  };
}

function certificate(v: ConfigValidator, element: XmlElement, catalinaBase: string): CertificateConfig {
  const values = v.attributes(element, ['Certificate']);
  v.children(element, elementChildren['Certificate']!);
  rejectStoreAttributes(
    v,
    element,
    KEYSTORE_ATTRIBUTES,
    'certificateFile and certificateKeyFile',
    'openssl pkcs12 -in keystore.p12 -nokeys -out cert.pem && openssl pkcs12 -in keystore.p12 -nocerts -nodes -out key.pem',
  );
  const certificateFile = optionalPath(values, 'certificateFile', catalinaBase) ?? '';
  return {
    certificateFile,
    // Tomcat reads the key from the certificate file when no key file is named.
    certificateKeyFile: optionalPath(values, 'certificateKeyFile', catalinaBase) ?? certificateFile,
    certificateKeyPassword: typeof values['certificateKeyPassword'] === 'string' ? values['certificateKeyPassword'] : undefined,
    certificateKeyPasswordFile: optionalPath(values, 'certificateKeyPasswordFile', catalinaBase),
    certificateChainFile: optionalPath(values, 'certificateChainFile', catalinaBase),
    type: text(values, 'type') as CertificateConfig['type'],
    location: v.location(element),
  };
}

/** JKS and PKCS12 stores are Java formats; one clear error per element instead of a failure at start. */
function rejectStoreAttributes(v: ConfigValidator, element: XmlElement, attributes: readonly string[], use: string, convert: string): void {
  const used = attributes.filter((attribute) => element.attributes.has(attribute));
  if (used.length === 0) return;
  v.report('error', 'SV_ERR_CONFIG_SSL_STORE', { attributes: used.join(', '), element: element.name, convert, use }, element, used[0]);
}

function text(values: AttributeValues, name: string): string {
  const value = values[name];
  return typeof value === 'string' ? value : '';
}

/** Tomcat resolves relative TLS file paths against catalina.base. */
function optionalPath(values: AttributeValues, name: string, catalinaBase: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? resolve(catalinaBase, value) : undefined;
}

/**
 * Builds a Connector's `<SSLHostConfig>`/`<Certificate>` children into typed TLS settings, checking at load
 * time what can be checked without reading the PEM files (those are read when the connector starts).
 */
import { resolve } from 'node:path';
import { parseProtocols, toNodeCiphers } from './tls-config.js';
import type { ElementAttributes } from './attributes.js';
import type { ConfigValidator } from './config-validator.js';
import { elementChildren } from './element-schema.js';
import { KEYSTORE_ATTRIBUTES, TRUSTSTORE_ATTRIBUTES, type CertificateConfig, type SslHostConfig } from './server-config.js';
import type { XmlElement } from './xml-document.js';

/** What the Connector element says about TLS; undefined on AJP, which has no SSLEnabled. */
type ConnectorTls = Pick<ElementAttributes<'Connector', 'http11'>, 'SSLEnabled' | 'defaultSSLHostConfigName'> | undefined;

/**
 * The TLS settings of one Connector element. Without SSLEnabled the SSLHostConfigs are ignored (with a
 * warning, as they would never be used) and undefined is returned. defaultSSLHostConfigName is lower-cased.
 */
export function buildSslHostConfigs(
  v: ConfigValidator,
  connector: XmlElement,
  children: readonly XmlElement[],
  tls: ConnectorTls,
  catalinaBase: string,
): SslHostConfig[] | undefined {
  const elements = children.filter((child) => child.name === 'SSLHostConfig');
  if (tls?.SSLEnabled !== true) {
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
  const defaultName = tls.defaultSSLHostConfigName;
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
  const values = without(v.element(element, 'SSLHostConfig'), TRUSTSTORE_ATTRIBUTES);
  const children = v.children(element, elementChildren['SSLHostConfig']!);
  rejectStoreAttributes(v, element, TRUSTSTORE_ATTRIBUTES, 'caCertificateFile', 'openssl pkcs12 -in truststore.p12 -nokeys -out ca.pem');
  const hostName = values.hostName.toLowerCase();
  const protocols = values.protocols;
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
  const ciphers = values.ciphers;
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
    ...values,
    hostName,
    caCertificateFile: absolute(values.caCertificateFile, catalinaBase),
    certificateRevocationListFile: absolute(values.certificateRevocationListFile, catalinaBase),
    certificates,
    location: v.location(element),
  };
}

function certificate(v: ConfigValidator, element: XmlElement, catalinaBase: string): CertificateConfig {
  const values = without(v.element(element, 'Certificate'), KEYSTORE_ATTRIBUTES);
  v.children(element, elementChildren['Certificate']!);
  rejectStoreAttributes(
    v,
    element,
    KEYSTORE_ATTRIBUTES,
    'certificateFile and certificateKeyFile',
    'openssl pkcs12 -in keystore.p12 -nokeys -out cert.pem && openssl pkcs12 -in keystore.p12 -nocerts -nodes -out key.pem',
  );
  return {
    ...values,
    certificateFile: absolute(values.certificateFile, catalinaBase) ?? '',
    certificateKeyFile: absolute(values.certificateKeyFile, catalinaBase) ?? '',
    certificateKeyPasswordFile: absolute(values.certificateKeyPasswordFile, catalinaBase),
    certificateChainFile: absolute(values.certificateChainFile, catalinaBase),
    location: v.location(element),
  };
}

/** JKS and PKCS12 stores are Java formats; one clear error per element instead of a failure at start. */
function rejectStoreAttributes(v: ConfigValidator, element: XmlElement, attributes: readonly string[], use: string, convert: string): void {
  const used = attributes.filter((attribute) => element.attributes.has(attribute));
  if (used.length === 0) return;
  v.report('error', 'SV_ERR_CONFIG_SSL_STORE', { attributes: used.join(', '), element: element.name, convert, use }, element, used[0]);
}

/** Tomcat resolves relative TLS file paths against catalina.base. */
function absolute(path: string | undefined, catalinaBase: string): string | undefined {
  return path === undefined ? undefined : resolve(catalinaBase, path);
}

/** The attributes except the refused Java keystore ones, which are never part of the typed settings. */
function without<T extends object, K extends keyof T>(values: T, names: readonly K[]): Omit<T, K> {
  const kept = { ...values };
  for (const name of names) delete kept[name];
  return kept;
}

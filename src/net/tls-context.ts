/**
 * The TLS side of a connector: one node:tls SecureContext per SSLHostConfig built from PEM files, chosen per
 * connection by SNI with the default SSLHostConfig as fallback, and rebuilt in place on reload.
 */
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import type { CertificateConfig, CertificateVerification, ConnectorConfig, SslHostConfig } from '../config/server-config.js';
import { ContainerError } from '../errors/container-error.js';
import { parseProtocols, toNodeCiphers } from './tls-config.js';

export interface TlsSettings {
  readonly hostConfigs: readonly SslHostConfig[];
  /** Lower-cased hostName of the SSLHostConfig used without SNI or for an unknown name. */
  readonly defaultHostConfigName: string;
  /** ms a client has to complete the handshake (the connector's connectionTimeout); Infinity = no limit. */
  readonly handshakeTimeout: number;
}

/** The TLS settings of a connector, or undefined when it does not speak TLS. */
export function tlsSettingsOf(config: ConnectorConfig): TlsSettings | undefined {
  const hostConfigs = config.sslHostConfigs;
  if (hostConfigs === undefined || hostConfigs.length === 0) return undefined;
  const name = config.attributes['defaultSSLHostConfigName'];
  return {
    hostConfigs,
    defaultHostConfigName: typeof name === 'string' ? name.toLowerCase() : '_default_',
    handshakeTimeout: config.connectionTimeout,
  };
}

export interface HostContext {
  readonly config: SslHostConfig;
  readonly context: tls.SecureContext;
}

/**
 * The TLSWrap methods node's own tls.Server uses on its sockets: SSL_set_verify, and the result of chain
 * verification (which tls.Server, not TLSSocket, turns into `authorized`; our acceptor is not a tls.Server).
 */
interface TlsHandle {
  setVerifyMode(requestCert: boolean, rejectUnauthorized: boolean): void;
  verifyError(): Error | null;
}

function handleOf(socket: tls.TLSSocket | undefined): Partial<TlsHandle> | undefined {
  return (socket as unknown as { _handle?: Partial<TlsHandle> } | undefined)?._handle;
}

/** Server-side session IDs are tied to this context name so they cannot be resumed by another program. */
const SESSION_ID_CONTEXT = 'serval';

export class TlsContexts {
  readonly #settings: TlsSettings;
  #byName = new Map<string, HostContext>();

  constructor(settings: TlsSettings) {
    this.#settings = settings;
  }

  get loaded(): boolean {
    return this.#byName.size > 0;
  }

  /**
   * Reads every PEM file and builds the contexts, or only those of `hostName`. Throws SV_ERR_TLS_CERTIFICATE or
   * SV_ERR_TLS_CONFIG naming the file or attribute; on failure the contexts in use stay as they were, so a
   * reload with a broken certificate does not take a running connector down.
   */
  load(hostName?: string): void {
    const wanted = hostName?.toLowerCase();
    const configs = this.#settings.hostConfigs.filter((config) => wanted === undefined || config.hostName === wanted);
    if (configs.length === 0) {
      const known = this.#settings.hostConfigs.map((config) => config.hostName).join(', ');
      throw new ContainerError('SV_ERR_TLS_UNKNOWN_HOST_CONFIG', { hostName: hostName ?? '', known });
    }
    const next = new Map(this.#byName);
    for (const config of configs) next.set(config.hostName, { config, context: buildContext(config) });
    if (!next.has(this.#settings.defaultHostConfigName)) {
      const first = this.#settings.hostConfigs[0]!;
      throw new ContainerError('SV_ERR_TLS_NO_DEFAULT_HOST_CONFIG', {
        hostName: this.#settings.defaultHostConfigName,
        location: describeLocation(first),
      });
    }
    this.#byName = next;
  }

  /** RFC 6066 §3: the SSLHostConfig for a server name: exact, then a one-label wildcard, then the default. */
  select(serverName: string | false | undefined | null): HostContext {
    const byName = this.#byName;
    const matched = matchHostConfig(byName, serverName);
    if (matched !== undefined) return matched;
    const fallback = byName.get(this.#settings.defaultHostConfigName);
    if (fallback === undefined) throw new ContainerError('SV_ERR_TLS_NOT_LOADED', { hostName: this.#settings.defaultHostConfigName });
    return fallback;
  }

  /**
   * Wraps an accepted socket as a server TLSSocket. Verification is a per-connection setting in OpenSSL, not a
   * per-context one, so when SNI picks an SSLHostConfig with another certificateVerification the mode is
   * switched during the ClientHello, before the server asks for a certificate.
   */
  wrap(socket: import('node:net').Socket): tls.TLSSocket {
    const initial = this.select(undefined);
    const initialMode = verifyMode(initial.config.certificateVerification);
    // The SNI callback needs the socket this options object creates: a holder filled once it exists.
    const created: { socket?: tls.TLSSocket } = {};
    const options: tls.TLSSocketOptions = {
      isServer: true,
      secureContext: initial.context,
      requestCert: initialMode.requestCert,
      rejectUnauthorized: initialMode.rejectUnauthorized,
      SNICallback: (serverName, callback) => {
        let selected: HostContext;
        try {
          selected = this.select(serverName);
        } catch (error) {
          callback(error as Error, undefined);
          return;
        }
        const mode = verifyMode(selected.config.certificateVerification);
        const handle = handleOf(created.socket);
        if (
          (mode.requestCert !== initialMode.requestCert || mode.rejectUnauthorized !== initialMode.rejectUnauthorized) &&
          typeof handle?.setVerifyMode === 'function'
        ) {
          handle.setVerifyMode(mode.requestCert, mode.rejectUnauthorized);
        }
        callback(null, selected.context);
      },
    };
    const tlsSocket = new tls.TLSSocket(socket, options);
    created.socket = tlsSocket;
    return tlsSocket;
  }

  /**
   * After the handshake: why the connection must be dropped, or undefined. Only `optional` needs this: the
   * client may send no certificate, but one it sends must verify (OpenSSL cannot express that on its own).
   */
  peerProblem(
    socket: tls.TLSSocket,
  ): { readonly hostName: string; readonly mode: CertificateVerification; readonly detail: string } | undefined {
    const { config } = this.select(socket.servername);
    if (config.certificateVerification !== 'optional') return undefined;
    const peer = socket.getPeerCertificate();
    if (peer === null || Object.keys(peer).length === 0) return undefined;
    const handle = handleOf(socket);
    const rejected = (detail: string) => ({ hostName: config.hostName, mode: config.certificateVerification, detail });
    // Fail closed if a future node drops the method: an unverifiable certificate is treated as unverified.
    if (typeof handle?.verifyError !== 'function') return rejected('verification result unavailable');
    const error = handle.verifyError();
    if (error === null) return undefined;
    const code = (error as NodeJS.ErrnoException).code;
    return rejected(code === undefined ? error.message : `${code}: ${error.message}`);
  }
}

/**
 * The entry for a server name by SSLHostConfig hostName (lower-case keys): exact, then a one-label wildcard;
 * undefined when neither matches (the caller falls back to the default). Shared with the strictSni check.
 */
export function matchHostConfig<T>(byName: ReadonlyMap<string, T>, serverName: string | false | undefined | null): T | undefined {
  if (typeof serverName !== 'string' || serverName === '') return undefined;
  const name = serverName.toLowerCase();
  const exact = byName.get(name);
  if (exact !== undefined) return exact;
  const dot = name.indexOf('.');
  return dot > 0 ? byName.get(`*${name.slice(dot)}`) : undefined;
}

function verifyMode(mode: CertificateVerification): { readonly requestCert: boolean; readonly rejectUnauthorized: boolean } {
  return { requestCert: mode !== 'none', rejectUnauthorized: mode === 'required' };
}

function describeLocation(config: { readonly location: SslHostConfig['location'] }): string {
  return `${config.location.file}:${config.location.line} ${config.location.path}`;
}

function buildContext(config: SslHostConfig): tls.SecureContext {
  const location = describeLocation(config);
  const invalid = (attribute: string, value: string, allowed: string): never => {
    throw new ContainerError('SV_ERR_TLS_INVALID_SETTING', { hostName: config.hostName, location, attribute, value, allowed });
  };
  const protocols = parseProtocols(config.protocols);
  if (!protocols.ok) invalid('protocols', config.protocols, protocols.error);
  const ciphers = toNodeCiphers(config.ciphers);
  if (!ciphers.ok) invalid('ciphers', config.ciphers, ciphers.error);
  const range = protocols.ok ? protocols.range : undefined;

  const keys: tls.KeyObject[] = [];
  const certs: string[] = [];
  for (const certificate of config.certificates) {
    const loaded = loadCertificate(config, certificate);
    keys.push({ pem: loaded.keyPem, ...(loaded.passphrase === undefined ? {} : { passphrase: loaded.passphrase }) });
    certs.push(loaded.certPem);
  }
  const options: tls.SecureContextOptions = {
    key: keys,
    cert: certs,
    ciphers: ciphers.ok ? ciphers.ciphers : undefined,
    honorCipherOrder: config.honorCipherOrder,
    sessionTimeout: config.sessionTimeout,
    sessionIdContext: SESSION_ID_CONTEXT,
  };
  if (range !== undefined) {
    options.minVersion = range.minVersion;
    options.maxVersion = range.maxVersion;
    if (range.secureOptions !== 0) options.secureOptions = range.secureOptions;
  }
  if (config.caCertificateFile !== undefined) {
    const ca = readPem(config, config, 'caCertificateFile', config.caCertificateFile);
    if (!ca.includes('-----BEGIN CERTIFICATE-----')) {
      throw noPemCertificate(config, config, 'caCertificateFile', config.caCertificateFile);
    }
    options.ca = ca;
  }
  if (config.certificateRevocationListFile !== undefined) {
    options.crl = readPem(config, config, 'certificateRevocationListFile', config.certificateRevocationListFile);
  }
  try {
    return tls.createSecureContext(options);
  } catch (error) {
    throw new ContainerError(
      'SV_ERR_TLS_CONFIG',
      { hostName: config.hostName, location, protocols: config.protocols, ciphers: config.ciphers, detail: (error as Error).message },
      { cause: error },
    );
  }
}

interface LoadedCertificate {
  readonly certPem: string;
  readonly keyPem: string;
  readonly passphrase: string | undefined;
}

/** Reads and checks one Certificate: each PEM file parses, the key opens with its password and matches the certificate. */
function loadCertificate(host: SslHostConfig, certificate: CertificateConfig): LoadedCertificate {
  const certPem = readPem(host, certificate, 'certificateFile', certificate.certificateFile);
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(certPem);
  } catch (error) {
    return certificateError(host, certificate, 'certificateFile', certificate.certificateFile, (error as Error).message);
  }
  let chain = '';
  if (certificate.certificateChainFile !== undefined) {
    chain = readPem(host, certificate, 'certificateChainFile', certificate.certificateChainFile);
    if (!chain.includes('-----BEGIN CERTIFICATE-----')) {
      throw noPemCertificate(host, certificate, 'certificateChainFile', certificate.certificateChainFile);
    }
  }
  const keyPem = readPem(host, certificate, 'certificateKeyFile', certificate.certificateKeyFile);
  let passphrase = certificate.certificateKeyPassword;
  if (passphrase === undefined && certificate.certificateKeyPasswordFile !== undefined) {
    const text = readPem(host, certificate, 'certificateKeyPasswordFile', certificate.certificateKeyPasswordFile);
    passphrase = text.split(/\r?\n/)[0] ?? '';
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(passphrase === undefined ? { key: keyPem, format: 'pem' } : { key: keyPem, format: 'pem', passphrase });
  } catch (error) {
    const message = (error as Error).message;
    if (/passphrase|decrypt/i.test(message)) {
      const params = {
        file: certificate.certificateKeyFile,
        hostName: host.hostName,
        location: describeLocation(certificate),
        detail: message,
      };
      throw new ContainerError('SV_ERR_TLS_KEY_PASSWORD', params, { cause: error });
    }
    return certificateError(host, certificate, 'certificateKeyFile', certificate.certificateKeyFile, message);
  }
  if (!leaf.checkPrivateKey(key)) {
    throw new ContainerError('SV_ERR_TLS_KEY_MISMATCH', {
      file: certificate.certificateKeyFile,
      hostName: host.hostName,
      location: describeLocation(certificate),
      certificateFile: certificate.certificateFile,
    });
  }
  return { certPem: chain === '' ? certPem : `${certPem.trimEnd()}\n${chain}`, keyPem, passphrase };
}

function readPem(host: SslHostConfig, at: { readonly location: SslHostConfig['location'] }, attribute: string, file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'latin1');
  } catch (error) {
    return certificateError(host, at, attribute, file, (error as Error).message);
  }
  if (!text.includes('-----BEGIN ')) {
    throw new ContainerError('SV_ERR_TLS_NOT_PEM', { what: attribute, file, hostName: host.hostName, location: describeLocation(at) });
  }
  return text;
}

function certificateError(
  host: SslHostConfig,
  at: { readonly location: SslHostConfig['location'] },
  attribute: string,
  file: string,
  detail: string,
): never {
  throw new ContainerError('SV_ERR_TLS_CERTIFICATE', {
    what: attribute,
    file,
    hostName: host.hostName,
    location: describeLocation(at),
    detail,
  });
}

function noPemCertificate(
  host: SslHostConfig,
  at: { readonly location: SslHostConfig['location'] },
  attribute: string,
  file: string,
): ContainerError {
  return new ContainerError('SV_ERR_TLS_NO_PEM_CERTIFICATE', {
    what: attribute,
    file,
    hostName: host.hostName,
    location: describeLocation(at),
  });
}

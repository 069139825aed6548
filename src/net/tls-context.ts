/**
 * The TLS side of a connector: one node:tls SecureContext per SSLHostConfig built from PEM files, chosen per
 * connection by SNI with the default SSLHostConfig as fallback, and rebuilt in place on reload.
 */
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import tls from 'node:tls';
import type { CertificateConfig, CertificateVerification, Http11ConnectorConfig, SslHostConfig } from '../config/server-config.js';
import { ContainerError } from '../errors/container-error.js';
import { tlsHandleUsable, tlsVerification } from './node-internals/index.js';
import { parseProtocols, toNodeCiphers } from '../config/tls-config.js';

export interface TlsSettings {
  readonly hostConfigs: readonly SslHostConfig[];
  /** Lower-cased hostName of the SSLHostConfig used without SNI or for an unknown name. */
  readonly defaultHostConfigName: string;
  /** ms a client has to complete the handshake (the connector's connectionTimeout); Infinity = no limit. */
  readonly handshakeTimeout: number;
}

/** The TLS settings of a connector, or undefined when it does not speak TLS. */
export function tlsSettingsOf(config: Http11ConnectorConfig): TlsSettings | undefined {
  const hostConfigs = config.sslHostConfigs;
  if (hostConfigs === undefined || hostConfigs.length === 0) return undefined;
  return {
    hostConfigs,
    defaultHostConfigName: config.defaultSSLHostConfigName,
    handshakeTimeout: config.connectionTimeout,
  };
}

export interface HostContext {
  readonly config: SslHostConfig;
  readonly context: tls.SecureContext;
  /** What the context was built from (a tls.Server's setSecureContext takes options, not a context). */
  readonly options: tls.SecureContextOptions;
}

/** What the acceptor learns of a handshake (TlsContexts.handshake). */
export interface HandshakeEvents {
  secure(socket: tls.TLSSocket): void;
  failed(detail: string): void;
}

interface PendingHandshake {
  readonly raw: Socket;
  readonly events: HandshakeEvents;
}

/** Server-side session IDs are tied to this context name so they cannot be resumed by another program. */
const SESSION_ID_CONTEXT = 'serval';

export class TlsContexts {
  readonly #settings: TlsSettings;
  #byName = new Map<string, HostContext>();
  /** The public path's tls.Server (see handshake()), made on first use; and its handshakes in progress. */
  #publicServer: tls.Server | undefined;
  readonly #pending = new Map<string, PendingHandshake>();

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
    for (const config of configs) next.set(config.hostName, { config, ...buildContext(config) });
    if (!next.has(this.#settings.defaultHostConfigName)) {
      const first = this.#settings.hostConfigs[0]!;
      throw new ContainerError('SV_ERR_TLS_NO_DEFAULT_HOST_CONFIG', {
        hostName: this.#settings.defaultHostConfigName,
        location: describeLocation(first),
      });
    }
    this.#byName = next;
    this.#publicServer?.setSecureContext(this.#defaultOptions());
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
   * Runs the server side of the TLS handshake over an accepted socket: `events.secure` gets the TLSSocket once it
   * completed, `events.failed` why it did not. Neither is called when `raw` closes first. Whichever side closes
   * first, the other is closed too (the TLS socket owns the TCP handle; `raw` holds the acceptor's slot).
   *
   * Certificate verification is a per-connection setting in OpenSSL, so when SNI picks an SSLHostConfig with
   * another certificateVerification, the mode is switched during the ClientHello through the TLSSocket's
   * handle (node-internals). Where that handle cannot be used, the handshake runs through a private tls.Server
   * instead (#publicHandshake): public, at the price of asking every client for a certificate when any
   * SSLHostConfig wants one, the verification of each SSLHostConfig being applied afterwards (peerProblem).
   */
  handshake(raw: Socket, events: HandshakeEvents): void {
    if (!tlsHandleUsable()) {
      this.#publicHandshake(raw, events);
      return;
    }
    let secure: tls.TLSSocket;
    try {
      secure = this.#wrap(raw);
    } catch (error) {
      events.failed((error as Error).message);
      raw.destroy();
      return;
    }
    const onError = (error: Error): void => events.failed(error.message);
    secure.once('error', onError);
    secure.once('close', () => raw.destroy());
    secure.once('secure', () => {
      secure.off('error', onError);
      // A socket without an 'error' listener turns a client RST into a process crash.
      secure.on('error', () => undefined);
      events.secure(secure);
    });
  }

  /** Wraps an accepted socket as a server TLSSocket whose verify mode follows the SSLHostConfig SNI selects. */
  #wrap(socket: Socket): tls.TLSSocket {
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
        const verification = created.socket === undefined ? null : tlsVerification(created.socket);
        if (
          verification !== null &&
          (mode.requestCert !== initialMode.requestCert || mode.rejectUnauthorized !== initialMode.rejectUnauthorized)
        ) {
          verification.setVerifyMode(mode.requestCert, mode.rejectUnauthorized);
        }
        callback(null, selected.context);
      },
    };
    const tlsSocket = new tls.TLSSocket(socket, options);
    created.socket = tlsSocket;
    return tlsSocket;
  }

  /**
   * The handshake through a private tls.Server that never listens: it makes the TLSSocket itself and, unlike a
   * bare TLSSocket, records the client certificate's verification in the public `authorized` and
   * `authorizationError`. It reports sockets by event, so they are matched to `raw` by the peer's address and
   * port (unique among the open connections of this connector).
   */
  #publicHandshake(raw: Socket, events: HandshakeEvents): void {
    const server = (this.#publicServer ??= this.#createPublicServer());
    const key = peerKey(raw);
    const pending: PendingHandshake = { raw, events };
    this.#pending.set(key, pending);
    raw.once('close', () => {
      if (this.#pending.get(key) === pending) this.#pending.delete(key);
    });
    server.emit('connection', raw);
  }

  #createPublicServer(): tls.Server {
    const requestCert = this.#settings.hostConfigs.some((config) => config.certificateVerification !== 'none');
    const server = tls.createServer({
      requestCert,
      // Never refused by node: peerProblem() applies each SSLHostConfig's own certificateVerification.
      rejectUnauthorized: false,
      SNICallback: (serverName, callback) => {
        try {
          callback(null, this.select(serverName).context);
        } catch (error) {
          callback(error as Error, undefined);
        }
      },
    });
    // Clients that send no SNI get the default SSLHostConfig's context, which the server holds as its own.
    server.setSecureContext(this.#defaultOptions());
    server.on('secureConnection', (secure: tls.TLSSocket) => {
      const pending = this.#takePending(secure);
      if (pending === undefined) {
        secure.destroy();
        return;
      }
      secure.on('error', () => undefined);
      secure.once('close', () => pending.raw.destroy());
      pending.events.secure(secure);
    });
    server.on('tlsClientError', (error: Error, secure: tls.TLSSocket) => {
      const pending = this.#takePending(secure);
      secure.destroy();
      if (pending === undefined) return;
      pending.events.failed(error.message);
      pending.raw.destroy();
    });
    return server;
  }

  #takePending(secure: tls.TLSSocket): PendingHandshake | undefined {
    const key = peerKey(secure);
    const pending = this.#pending.get(key);
    if (pending !== undefined) this.#pending.delete(key);
    return pending;
  }

  /** The secure-context options of the default SSLHostConfig (for the public path's tls.Server). */
  #defaultOptions(): tls.SecureContextOptions {
    const fallback = this.#byName.get(this.#settings.defaultHostConfigName);
    if (fallback === undefined) throw new Error('TLS contexts used before load()');
    return fallback.options;
  }

  /**
   * After the handshake: why the connection must be dropped, or undefined. `optional`: the client may send no
   * certificate, but one it sends must verify (OpenSSL cannot express that on its own); `required`: it must send
   * one and it must verify. Node verifies the chain during the handshake but only a tls.Server acts on the
   * result, so it is read here (through the TLSSocket's handle, or from `authorized` on the public path).
   */
  peerProblem(
    socket: tls.TLSSocket,
  ): { readonly hostName: string; readonly mode: CertificateVerification; readonly detail: string } | undefined {
    const { config } = this.select(socket.servername);
    const mode = config.certificateVerification;
    if (mode === 'none' || mode === 'optionalNoCA') return undefined;
    const peer = socket.getPeerCertificate();
    const problem = (detail: string): { hostName: string; mode: CertificateVerification; detail: string } => ({
      hostName: config.hostName,
      mode,
      detail,
    });
    if (peer === null || Object.keys(peer).length === 0) return mode === 'required' ? problem('the client sent no certificate') : undefined;
    const error = verificationError(socket);
    if (error === null) return undefined;
    const code = (error as NodeJS.ErrnoException).code;
    return problem(code === undefined ? error.message : `${code}: ${error.message}`);
  }
}

/** The verification error of the client certificate of a socket whose handshake completed, or null. */
export function verificationError(socket: tls.TLSSocket): Error | null {
  const verification = tlsVerification(socket);
  if (verification !== null) return verification.verifyError();
  // The public path: the private tls.Server has recorded OpenSSL's result.
  if (socket.authorized) return null;
  const reason = socket.authorizationError as unknown;
  if (reason instanceof Error) return reason;
  const code = typeof reason === 'string' && reason !== '' ? reason : 'UNABLE_TO_VERIFY';
  return Object.assign(new Error('the client certificate did not verify'), { code });
}

/** A connection's peer, as both the accepted socket and the TLSSocket over it report it. */
function peerKey(socket: Socket): string {
  return `${socket.remoteAddress ?? ''}|${socket.remotePort ?? ''}`;
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

function buildContext(config: SslHostConfig): { context: tls.SecureContext; options: tls.SecureContextOptions } {
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
    return { context: tls.createSecureContext(options), options };
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

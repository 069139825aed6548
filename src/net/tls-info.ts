/**
 * What a request may learn about its TLS connection (Servlet 6.0 §3.10 SSL attributes): peer certificate
 * chain, cipher suite, key size and session id, computed once per connection and only when asked for.
 */
import { randomBytes, X509Certificate } from 'node:crypto';
import type { Socket } from 'node:net';
import { TLSSocket, type DetailedPeerCertificate } from 'node:tls';
import { keySizeOf } from '../config/tls-config.js';
import { verificationError } from './tls-context.js';

export interface TlsInfo {
  /** Negotiated protocol, e.g. `TLSv1.3`. */
  readonly protocol: string;
  /** IANA name of the negotiated suite (what JSSE reports), e.g. `TLS_AES_128_GCM_SHA256`. */
  readonly cipherSuite: string;
  /** Symmetric key bits of the suite; 0 when unknown. */
  readonly keySize: number;
  /** Hex session id; TLS 1.3 and cache-less sessions have none on the wire, so a random per-connection id stands in. */
  readonly sessionId: string;
  /** The client's certificate first, then its chain as sent; empty when the client sent none. */
  readonly peerCertificates: readonly X509Certificate[];
  /** The SNI name the client sent, if any. */
  readonly serverName: string | undefined;
  /**
   * Whether the client's certificate was verified against the connector's trusted CAs during the handshake (not so
   * with certificateVerification="optional_no_ca", or without a certificate): CLIENT-CERT logs in only such a client.
   */
  readonly peerVerified: boolean;
}

const cache = new WeakMap<Socket, TlsInfo>();

/** The TLS facts of a connection, or undefined for a plain one. */
export function tlsInfoOf(socket: Socket): TlsInfo | undefined {
  if (!(socket instanceof TLSSocket)) return undefined;
  let info = cache.get(socket);
  if (info === undefined) {
    info = new SocketTlsInfo(socket);
    cache.set(socket, info);
  }
  return info;
}

class SocketTlsInfo implements TlsInfo {
  readonly protocol: string;
  readonly cipherSuite: string;
  readonly keySize: number;
  readonly serverName: string | undefined;
  readonly #socket: TLSSocket;
  #peerVerified: boolean | undefined;
  #sessionId: string | undefined;
  #peers: readonly X509Certificate[] | undefined;

  constructor(socket: TLSSocket) {
    this.#socket = socket;
    // Read now: node forgets the session state once the socket is destroyed.
    const cipher = socket.getCipher();
    this.protocol = socket.getProtocol() ?? '';
    this.cipherSuite = cipher?.standardName ?? cipher?.name ?? '';
    this.keySize = keySizeOf(this.cipherSuite);
    this.serverName = typeof socket.servername === 'string' ? socket.servername : undefined;
  }

  /** OpenSSL's verification of the chain, read as the connector's own check reads it (TlsContexts.peerProblem). */
  get peerVerified(): boolean {
    this.#peerVerified ??= this.peerCertificates.length > 0 && verificationError(this.#socket) === null;
    return this.#peerVerified;
  }

  get sessionId(): string {
    this.#sessionId ??= sessionIdOf(this.#socket.getSession()) ?? randomBytes(32).toString('hex');
    return this.#sessionId;
  }

  get peerCertificates(): readonly X509Certificate[] {
    this.#peers ??= Object.freeze(peerChain(this.#socket));
    return this.#peers;
  }
}

/** Follows issuerCertificate links from the leaf; the last one links to itself. */
function peerChain(socket: TLSSocket): X509Certificate[] {
  const chain: X509Certificate[] = [];
  let current: DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  const seen = new Set<string>();
  while (current !== undefined && current.raw !== undefined && !seen.has(current.fingerprint256)) {
    seen.add(current.fingerprint256);
    chain.push(new X509Certificate(current.raw));
    current = current.issuerCertificate;
  }
  return chain;
}

/**
 * The session_id of an OpenSSL SSL_SESSION in its DER form (the fourth field of the SEQUENCE:
 * version, ssl_version, cipher, session_id …). Undefined when absent or empty.
 */
export function sessionIdOf(der: Buffer | undefined): string | undefined {
  if (der === undefined || der.length < 2 || der[0] !== 0x30) return undefined;
  let offset = headerLength(der, 0);
  if (offset === undefined) return undefined;
  for (let field = 0; field < 4; field++) {
    const length = contentLength(der, offset);
    const header = headerLength(der, offset);
    if (length === undefined || header === undefined || offset + header + length > der.length) return undefined;
    if (field === 3)
      return der[offset] === 0x04 && length > 0 ? der.subarray(offset + header, offset + header + length).toString('hex') : undefined;
    offset += header + length;
  }
  return undefined;
}

/** DER tag + length bytes (short and long form lengths up to 4 bytes). */
function headerLength(der: Buffer, offset: number): number | undefined {
  const first = der[offset + 1];
  if (first === undefined) return undefined;
  return first < 0x80 ? 2 : 2 + (first & 0x7f);
}

function contentLength(der: Buffer, offset: number): number | undefined {
  const first = der[offset + 1];
  if (first === undefined) return undefined;
  if (first < 0x80) return first;
  const bytes = first & 0x7f;
  if (bytes === 0 || bytes > 4 || offset + 2 + bytes > der.length) return undefined;
  let length = 0;
  for (let i = 0; i < bytes; i++) length = length * 256 + der[offset + 2 + i]!;
  return length;
}

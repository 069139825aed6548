/**
 * The request attributes a TLS connection provides (Servlet 6.0 §3.10 "SSL Attributes"), read from the
 * exchange's TLS facts on demand. An attribute set by the application takes precedence.
 */
import type { TlsInfo } from '../net/tls-info.js';

export const TlsAttributes = Object.freeze({
  /** The client's certificate chain, leaf first (node:crypto X509Certificate objects); absent without one. */
  X509_CERTIFICATE: 'jakarta.servlet.request.X509Certificate',
  CIPHER_SUITE: 'jakarta.servlet.request.cipher_suite',
  KEY_SIZE: 'jakarta.servlet.request.key_size',
  SSL_SESSION_ID: 'jakarta.servlet.request.ssl_session_id',
  SECURE_PROTOCOL: 'jakarta.servlet.request.secure_protocol',
});

/** The value of a TLS attribute, or null when the name is not one or the connection has no such fact. */
export function tlsAttribute(tls: TlsInfo | undefined, name: string): unknown {
  if (tls === undefined || !name.startsWith('jakarta.servlet.request.')) return null;
  switch (name) {
    case TlsAttributes.X509_CERTIFICATE:
      return tls.peerCertificates.length > 0 ? [...tls.peerCertificates] : null;
    case TlsAttributes.CIPHER_SUITE:
      return tls.cipherSuite;
    case TlsAttributes.KEY_SIZE:
      return tls.keySize;
    case TlsAttributes.SSL_SESSION_ID:
      return tls.sessionId;
    case TlsAttributes.SECURE_PROTOCOL:
      return tls.protocol;
    default:
      return null;
  }
}

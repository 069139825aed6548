/**
 * What the connector makes of a decoded FORWARD_REQUEST: the secret check (constant time), the attribute
 * allow-list (Ghostcat, CVE-2020-1938), header limits and body framing. Pure: decisions, no I/O.
 */
import { X509Certificate } from 'node:crypto';
import { ProtocolError } from '../../errors/container-error.js';
import {
  REQ_ATTRIBUTE_LB_ACTIVATION,
  REQ_ATTRIBUTE_LOCAL_ADDR,
  REQ_ATTRIBUTE_REMOTE_PORT,
  REQ_ATTRIBUTE_SSL_PROTOCOL,
} from './ajp-constants.js';
import type { TlsInfo } from '../../net/tls-info.js';
import type { ForwardRequest } from './ajp-forward-request.js';

export interface AjpRequestPolicy {
  /** undefined or '' = no secret required from the web server. */
  readonly secret: string | undefined;
  /** Matched against the whole attribute name; undefined = no unknown attribute is allowed. */
  readonly allowedRequestAttributesPattern: RegExp | undefined;
  /** false = trust the web server's remote_user / auth_type. */
  readonly tomcatAuthentication: boolean;
  /** true = keep the web server's user name for the Realm to authorise. */
  readonly tomcatAuthorization: boolean;
  readonly maxHeaderCount: number;
}

/** The user the web server authenticated, when the connector is told to trust it. */
export interface ForwardedUser {
  readonly name: string;
  readonly authType: string | null;
  /**
   * tomcatAuthorization: the front end vouches only for the name; the Context's Realm must know the user and
   * decides the roles (unknown there: no user at all).
   */
  readonly authorize: boolean;
}

/** The request as the exchange presents it. */
export interface AcceptedRequest {
  readonly method: string;
  /** Path and query as in an HTTP request line. */
  readonly target: string;
  readonly protocol: string;
  readonly rawHeaders: readonly string[];
  readonly remoteAddress: string;
  /** From AJP_REMOTE_PORT; 0 when the web server did not say. */
  readonly remotePort: number;
  /** From AJP_LOCAL_ADDR; null = use the socket's. */
  readonly localAddress: string | null;
  readonly serverPort: number;
  readonly secure: boolean;
  /** -1 = no Content-Length: the body is chunked (until an empty packet) or, without chunked, empty. */
  readonly contentLength: number;
  readonly chunked: boolean;
  /** The client's TLS facts as the web server forwarded them; the container derives the Servlet §3.10 SSL attributes from them. */
  readonly tls: TlsInfo | undefined;
  /** Other request attributes to expose to the application (allowed req_attributes, JK_LB_ACTIVATION). */
  readonly attributes: ReadonlyMap<string, unknown>;
  readonly user: ForwardedUser | null;
  readonly route: string | null;
}

export type PolicyResult = { readonly ok: true; readonly request: AcceptedRequest } | { readonly ok: false; readonly error: ProtocolError };

/**
 * Names that only the container may set: a proxy that could set `jakarta.servlet.include.*` could make the
 * default servlet serve any file of the webapp (Ghostcat). Refused even when the allow-list matches.
 */
const RESERVED_ATTRIBUTE = /^(?:jakarta|javax)\.servlet\.|^org\.apache\.(?:catalina|tomcat)\.|^serval\./;

/**
 * `peerAddress` is the socket's peer: a packet without the right secret is unauthenticated, so the client address
 * it claims (remote_addr) is not what a warning about it may name.
 */
export function applyRequestPolicy(forward: ForwardRequest, policy: AjpRequestPolicy, peerAddress: string): PolicyResult {
  const secret = policy.secret;
  if (secret !== undefined && secret !== '') {
    if (forward.secret === null)
      return reject(new ProtocolError('SV_ERR_AJP_SECRET_MISMATCH', { remote: peerAddress, problem: 'no secret' }));
    if (!secretsEqual(forward.secret, secret)) {
      return reject(new ProtocolError('SV_ERR_AJP_SECRET_MISMATCH', { remote: peerAddress, problem: 'a wrong secret' }));
    }
  }

  if (forward.headers.length > policy.maxHeaderCount) {
    return reject(new ProtocolError('SV_ERR_HTTP_TOO_MANY_HEADERS', { count: forward.headers.length, limit: policy.maxHeaderCount }));
  }
  const rawHeaders: string[] = [];
  let contentLength = -1;
  let chunked = false;
  for (const [name, value] of forward.headers) {
    const lower = name.toLowerCase();
    if (lower === 'content-length') {
      // Two lengths or a non-number: the body's end is ambiguous (request smuggling, CVE-2013-4286 class).
      if (contentLength >= 0) return reject(new ProtocolError('SV_ERR_HTTP_CONTENT_LENGTH_DUPLICATE'));
      if (!/^\d{1,15}$/.test(value.trim())) return reject(new ProtocolError('SV_ERR_HTTP_CONTENT_LENGTH_INVALID', { value }));
      contentLength = Number(value.trim());
    } else if (lower === 'transfer-encoding' && /(?:^|,)\s*chunked\s*$/i.test(value)) {
      chunked = true;
    }
    rawHeaders.push(name, value);
  }
  // RFC 9112 §6.3: with both, the chunked framing wins and the length is ignored.
  if (chunked) contentLength = -1;

  const attributes = new Map<string, unknown>();
  let remotePort = 0;
  let localAddress: string | null = null;
  let sslProtocol: string | null = null;
  for (const [name, value] of forward.requestAttributes) {
    if (name === REQ_ATTRIBUTE_REMOTE_PORT) {
      const port = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
      if (port <= 65535) remotePort = port;
    } else if (name === REQ_ATTRIBUTE_LOCAL_ADDR) {
      localAddress = value;
    } else if (name === REQ_ATTRIBUTE_SSL_PROTOCOL) {
      sslProtocol = value;
    } else if (name === REQ_ATTRIBUTE_LB_ACTIVATION) {
      attributes.set(name, value);
    } else if (!RESERVED_ATTRIBUTE.test(name) && policy.allowedRequestAttributesPattern?.test(name) === true) {
      attributes.set(name, value);
    } else {
      return reject(
        new ProtocolError('SV_ERR_AJP_ATTRIBUTE_NOT_ALLOWED', {
          name,
          pattern: policy.allowedRequestAttributesPattern?.source ?? '',
        }),
      );
    }
  }
  const hasTls =
    forward.isSsl || forward.sslCipher !== null || forward.sslSession !== null || forward.sslCert !== null || sslProtocol !== null;
  const certificate = forward.sslCert === null || forward.sslCert === '' ? null : parseCertificate(forward.sslCert);
  const tls: TlsInfo | undefined = hasTls
    ? {
        protocol: sslProtocol ?? '',
        cipherSuite: forward.sslCipher ?? '',
        keySize: forward.sslKeySize ?? 0,
        sessionId: forward.sslSession ?? '',
        peerCertificates: certificate === null ? [] : [certificate],
        serverName: undefined,
        // The front end (httpd's mod_ssl) verified the certificate before forwarding it; AJP is trusted by configuration.
        peerVerified: certificate !== null,
      }
    : undefined;

  let user: ForwardedUser | null = null;
  if (forward.remoteUser !== null && forward.remoteUser !== '') {
    if (!policy.tomcatAuthentication) user = { name: forward.remoteUser, authType: forward.authType, authorize: false };
    else if (policy.tomcatAuthorization) user = { name: forward.remoteUser, authType: forward.authType, authorize: true };
  }

  return {
    ok: true,
    request: {
      method: forward.method,
      target: requestTarget(forward),
      protocol: forward.protocol,
      rawHeaders,
      remoteAddress: forward.remoteAddress,
      remotePort,
      localAddress,
      serverPort: forward.serverPort,
      secure: forward.isSsl,
      contentLength,
      chunked,
      tls,
      attributes,
      user,
      route: forward.route,
    },
  };
}

/** The client certificate as PEM (web servers send it so); one that does not parse is left out, as Tomcat does. */
function parseCertificate(pem: string): X509Certificate | null {
  try {
    return new X509Certificate(pem);
  } catch {
    return null;
  }
}

/**
 * Constant-time comparison: the loop runs over the configured secret whatever arrives, with no branch on the
 * data, so the time taken says nothing about how much of the received value matched nor how long it was
 * (the lengths' difference is folded into the result, not tested first). Hashing both values first would do
 * the same at ~1.5 µs a request (two SHA-256 digests); this costs tens of nanoseconds.
 */
export function secretsEqual(received: string, expected: string): boolean {
  // charCodeAt past the end of a shorter received value is NaN, which XOR treats as 0: the length term still differs.
  let difference = received.length ^ expected.length;
  for (let i = 0; i < expected.length; i++) difference |= received.charCodeAt(i) ^ expected.charCodeAt(i);
  return difference === 0;
}

function reject(error: ProtocolError): PolicyResult {
  return { ok: false, error };
}

/** The request target as a browser sent it: the URI, and the query string the front end passes apart. */
export function requestTarget(forward: ForwardRequest): string {
  return forward.queryString === null ? forward.requestUri : `${forward.requestUri}?${forward.queryString}`;
}

/**
 * SSLValve: where TLS ends at a front end (httpd with mod_headers, nginx) that forwards the client certificate and
 * the session's facts in request headers, the request gets them as if it had come over TLS itself: the
 * `jakarta.servlet.request.*` TLS attributes, and a certificate CLIENT-CERT login accepts (the front end verified it,
 * as an AJP front end does).
 *
 * Trust: as Tomcat 10.1's, the valve believes the headers of every request: it must only be used where every request
 * comes through a front end that sets (or removes) these headers itself, for a client could otherwise send a
 * certificate header of its own and log in as anyone. Tomcat's own documentation says the same; Serval adds nothing
 * to check it, so a mistake stays as visible as it is in Tomcat.
 */
import { X509Certificate } from 'node:crypto';
import type { Request } from '../core/request.js';
import type { Response } from '../core/response.js';
import { ContainerValveBase, type ValveResult } from '../core/valve.js';
import { formatMessage } from '../errors/codes.js';

export const SSL_VALVE_CLASS = 'org.apache.catalina.valves.SSLValve';

/** The Servlet spec's TLS attributes (§3.10), which the valve sets. */
const X509_CERTIFICATE = 'jakarta.servlet.request.X509Certificate';
const CIPHER_SUITE = 'jakarta.servlet.request.cipher_suite';
const SSL_SESSION_ID = 'jakarta.servlet.request.ssl_session_id';
const KEY_SIZE = 'jakarta.servlet.request.key_size';

export interface SslValveHeaders {
  readonly sslClientCertHeader: string;
  readonly sslClientEscapedCertHeader: string;
  readonly sslCipherHeader: string;
  readonly sslSessionIdHeader: string;
  readonly sslCipherUserKeySizeHeader: string;
}

const BEGIN = '-----BEGIN CERTIFICATE-----';
const END = '-----END CERTIFICATE-----';

export class SslValve extends ContainerValveBase {
  readonly headers: SslValveHeaders;
  readonly #warn: (message: string) => void;

  constructor(headers: SslValveHeaders, warn: (message: string) => void) {
    super();
    this.headers = headers;
    this.#warn = warn;
  }

  invoke(request: Request, response: Response): ValveResult {
    const headers = this.headers;
    const escaped = headerValue(request, headers.sslClientEscapedCertHeader);
    const raw = escaped !== null ? decodeEscaped(escaped) : headerValue(request, headers.sslClientCertHeader);
    if (raw !== null) {
      const header = escaped !== null ? headers.sslClientEscapedCertHeader : headers.sslClientCertHeader;
      const certificate = this.#certificate(raw, header);
      if (certificate !== null) {
        request.setAttribute(X509_CERTIFICATE, [certificate]);
        request.setForwardedClientCertificates([certificate]);
      }
    }
    const cipher = headerValue(request, headers.sslCipherHeader);
    if (cipher !== null) request.setAttribute(CIPHER_SUITE, cipher);
    const sessionId = headerValue(request, headers.sslSessionIdHeader);
    if (sessionId !== null) request.setAttribute(SSL_SESSION_ID, sessionId);
    const keySize = headerValue(request, headers.sslCipherUserKeySizeHeader);
    // Tomcat's Integer.valueOf fails the request on a value that is not a number; here it is left out instead.
    if (keySize !== null && /^[+-]?\d{1,9}$/.test(keySize)) request.setAttribute(KEY_SIZE, Number(keySize));
    return (this.next as NonNullable<ContainerValveBase['next']>).invoke(request, response);
  }

  /**
   * The PEM a front end put in a header: httpd's mod_headers turns its line breaks into spaces, so (as Tomcat does)
   * the text between the BEGIN and END lines is re-broken on spaces and tabs. null when it is no certificate (logged).
   */
  #certificate(value: string, header: string): X509Certificate | null {
    const text = value.trim();
    if (text.length <= BEGIN.length) return null;
    const start = text.startsWith(BEGIN) ? BEGIN.length : 0;
    const end = text.endsWith(END) ? text.length - END.length : text.length;
    const body = text
      .slice(start, Math.max(start, end))
      .trim()
      .replace(/[ \t]+/g, '\n');
    try {
      return new X509Certificate(`${BEGIN}\n${body}\n${END}\n`);
    } catch (error) {
      this.#warn(
        formatMessage('SV_ERR_SSL_VALVE_CERTIFICATE', {
          valve: this.componentName,
          header,
          detail: error instanceof Error ? error.message : String(error),
        }),
      );
      return null;
    }
  }
}

/** A header's value; mod_headers writes `(null)` for a variable that is not set, which means absent (as in Tomcat). */
function headerValue(request: Request, name: string): string | null {
  const value = request.getHeader(name);
  return value === null || value === '(null)' ? null : value;
}

/** nginx's $ssl_client_escaped_cert: the PEM percent-encoded (Tomcat decodes it with UDecoder: `+` stays). */
function decodeEscaped(value: string): string {
  return value.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

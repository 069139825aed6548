/**
 * The protocol-neutral exchange: one request and its response as the protocol processors (HTTP/1.1, AJP)
 * hand them to the Adapter. Nothing here knows about containers or servlets.
 */
import type { Readable } from 'node:stream';
import type { TlsInfo } from '../net/tls-info.js';

/** Response header fields in order, names as the application spelled them. */
export type HeaderList = ReadonlyArray<readonly [name: string, value: string]>;

/**
 * 'validated': every name is a token and every value holds only field-value characters (the container's
 * header-validation.ts made sure), so the protocol does not check them again; 'unvalidated': it does.
 */
export type FieldValidation = 'validated' | 'unvalidated';

export interface Exchange {
  /** 'HTTP/1.1', 'HTTP/1.0' … */
  readonly protocol: string;
  readonly method: string;
  /** The request target exactly as received (origin form: path and query, still %-encoded). */
  readonly target: string;
  /** Request header fields as received: name, value, name, value … */
  readonly rawHeaders: readonly string[];
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
  readonly secure: boolean;
  readonly scheme: 'http' | 'https';
  /** The TLS connection's facts (peer certificates, cipher suite…); undefined on a plain connection. */
  readonly tls?: TlsInfo | undefined;
  /** Identifies the connection in logs (AccessLog %{c}L). */
  readonly connectionId: string;
  /** process.hrtime.bigint() when the request head was complete. */
  readonly startTime: bigint;
  /**
   * Date.now() when the request began to arrive, where the protocol reads the clock anyway (HTTP/1.1 does for
   * its header timeout); without it the container derives the wall-clock start from startTime.
   */
  readonly startTimeMs?: number;
  /** The request body; ends immediately when there is none. Framing is the processor's job. */
  readonly body: Readable;
  /** Body bytes read so far (for limits and logs). */
  readonly bodyBytesRead: number;
  /**
   * Request trailer fields the connector lets through (allowedTrailerHeaders) once the body has ended:
   * name, value, name, value … Optional: protocols without trailers leave it out.
   */
  readonly rawTrailers?: readonly string[] | undefined;
  /**
   * The user a front end already authenticated (AJP remote_user and auth_type, honoured only when the
   * connector trusts it: tomcatAuthentication="false"). Optional: HTTP leaves it out.
   */
  readonly forwardedUser?: { readonly name: string; readonly authType: string | null; readonly authorize: boolean } | null;
  /** Request attributes a front end sent that the connector lets through (AJP req_attribute). */
  readonly forwardedAttributes?: ReadonlyMap<string, unknown>;

  /** True once the status line and headers have been handed to the connection. */
  readonly headersSent: boolean;
  /** Body bytes written so far (AccessLog %b). */
  readonly bytesWritten: number;
  /** True when the client went away before the response ended. */
  readonly aborted: boolean;

  /**
   * Sends the status line and headers. Framing follows the headers: Content-Length when present,
   * chunked otherwise; no body at all for HEAD, 1xx, 204 and 304. `fields` says whether the protocol must
   * still check the names and values (default 'unvalidated').
   */
  writeHead(status: number, reason: string | null, headers: HeaderList, fields?: FieldValidation): void;
  /** Returns false when the connection's buffer is full; wait for drain() before writing more. */
  write(chunk: Uint8Array): boolean;
  drain(): Promise<void>;
  /**
   * Optional: pushes out what the protocol itself still holds after write() (a compressor's pending block;
   * AJP's explicit flush packet when ajpFlush=true). Called by response.flushBuffer() / OutputBuffer.flush().
   */
  flush?(): void;
  /** Finishes the response; optional trailer fields follow a chunked body. */
  end(trailers?: HeaderList): Promise<void>;
  /** Ask the processor to close the connection once this response is complete. */
  closeAfterResponse(): void;
  /** True when this response will be the last on its connection. */
  readonly willClose: boolean;
  /** Drop the connection now (fatal error mid-response). */
  abort(error?: Error): void;
  /** Optional: calls `listener` once if the client goes away before the response ended; returns its removal. */
  onAbort?(listener: () => void): () => void;
}

/** The one entry point from the protocol layer into the container (Tomcat's Adapter). */
export interface Adapter {
  service(exchange: Exchange): Promise<void>;
  /**
   * A request rejected by the protocol layer before it reached the container (e.g. a 400 from the
   * parser); the adapter logs it through the access log so every response is recorded.
   */
  logRejected(rejected: RejectedRequest): void;
  /**
   * Optional: the connection has closed (the blocking-style adapter gives the connection's worker back).
   * Processors call it once per connection, after its socket closed.
   */
  connectionClosed?(connectionId: string): void;
}

export interface RejectedRequest {
  readonly status: number;
  readonly method: string | null;
  readonly target: string | null;
  readonly protocol: string | null;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
  readonly connectionId: string;
  readonly bytesWritten: number;
  readonly startTime: bigint;
  readonly code: string;
}

/** The rejection record of a request whose head was read: what the access log writes for a refused exchange. */
export function rejectedFromExchange(exchange: Exchange, status: number, code: string): RejectedRequest {
  return {
    status,
    method: exchange.method,
    target: exchange.target,
    protocol: exchange.protocol,
    remoteAddress: exchange.remoteAddress,
    remotePort: exchange.remotePort,
    localAddress: exchange.localAddress,
    localPort: exchange.localPort,
    connectionId: exchange.connectionId,
    bytesWritten: 0,
    startTime: exchange.startTime,
    code,
  };
}

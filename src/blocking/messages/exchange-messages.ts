/**
 * The messages of one request on the blocking style: the main thread sends the head (and the connection once per
 * worker), the worker streams the response back, and both sides drive the body's flow control.
 */
import type { StuckPolicy } from '../../valves/stuck-request-watch.js';

/** The TLS facts of a connection, cloneable: certificates travel as PEM text. */
export interface TlsInfoData {
  readonly protocol: string;
  readonly cipherSuite: string;
  readonly keySize: number;
  readonly sessionId: string;
  readonly peerCertificatesPem: readonly string[];
  readonly peerVerified: boolean;
  readonly serverName: string | undefined;
}

/** The values an AJP front end forwarded beyond headers (see AjpExchange ForwardedRequestValues). */
export interface ForwardedData {
  readonly attributes: ReadonlyArray<readonly [string, unknown]>;
  readonly user: { readonly name: string; readonly authType: string | null; readonly authorize: boolean } | null;
  readonly route: string | null;
}

/** What stays the same for every request of a connection: sent once per connection and worker (see RequestMessage). */
export interface ConnectionData {
  readonly id: string;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
  readonly secure: boolean;
  readonly scheme: 'http' | 'https';
  readonly tls: TlsInfoData | undefined;
}

export interface RequestMessage {
  readonly type: 'request';
  /** Unique within the pool; every later message about this request carries it. */
  readonly id: number;
  /** Index of the Connector within its Service (a shared Executor serves several). */
  readonly connector: number;
  /**
   * The connection, with the first request a worker gets from it after being pinned to it; undefined on the
   * requests that follow (the worker keeps the last one it received: it serves one connection at a time, in
   * order), so that addresses and certificates are not cloned again for every request.
   */
  readonly connection: ConnectionData | undefined;
  readonly protocol: string;
  readonly method: string;
  readonly target: string;
  readonly rawHeaders: readonly string[];
  readonly startTime: bigint;
  /** The response will close the connection (client asked, maxKeepAliveRequests, disableKeepAlivePercentage). */
  readonly willClose: boolean;
  /** True when the body has already ended (no body at all): the worker never has to ask for it. */
  readonly bodyEnded: boolean;
  readonly forwarded: ForwardedData | undefined;
}

/** Main thread → worker, about a request in progress. */
export type ExchangeToWorker =
  | RequestMessage
  /** Response bytes the main thread has handed to the connection: the worker may send that many more. */
  | { readonly type: 'ack'; readonly id: number; readonly bytes: number }
  /** The client went away. */
  | { readonly type: 'aborted'; readonly id: number };

/** Worker → main thread, about a request in progress. */
export type ExchangeFromWorker =
  | {
      readonly type: 'head';
      readonly id: number;
      readonly status: number;
      readonly reason: string | null;
      readonly headers: ReadonlyArray<readonly [string, string]>;
    }
  | { readonly type: 'data'; readonly id: number; readonly chunk: ArrayBuffer }
  /**
   * The response is complete. The worker does not wait for the connection to finish it (the next request of
   * the connection only comes after 'done'); a failure there aborts the connection on the main thread.
   */
  | { readonly type: 'end'; readonly id: number; readonly trailers: ReadonlyArray<readonly [string, string]> | undefined }
  | { readonly type: 'close-after'; readonly id: number }
  | { readonly type: 'abort'; readonly id: number; readonly message: string | undefined }
  /** The application started reading the body: the main thread starts streaming it. */
  | { readonly type: 'body-demand'; readonly id: number }
  /** The worker consumed this many more body bytes (flow control). */
  | { readonly type: 'body-credit'; readonly id: number; readonly bytes: number }
  /** The worker has finished the request completely (response ended, access log written). */
  | { readonly type: 'done'; readonly id: number }
  /**
   * The request entered a Context's StuckThreadDetectionValve (`valve` names it): the main thread watches it
   * from now on with `policy`, as it watches every request for the Engine's and Hosts' valves.
   */
  | { readonly type: 'stuck-watch'; readonly id: number; readonly valve: string; readonly policy: StuckPolicy };

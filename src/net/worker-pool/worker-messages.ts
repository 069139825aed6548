/**
 * The message protocol between the main thread (sockets, parsing, session ownership) and the worker threads
 * that run servlet code on the blocking-style endpoint. Plain data only: everything here is structured-cloned
 * or transferred, so nothing may reference sockets, containers or servlet objects.
 */
import type { MessagePort } from 'node:worker_threads';
import type { ContextConfig } from '../../config/server-config.js';
import type { MessageParams } from '../../errors/codes.js';
import type { StuckPolicy } from './stuck-request-watch.js';

/** Slots of the per-worker Int32Array on a SharedArrayBuffer: counters a blocked worker waits on (Atomics.wait). */
export const SIGNAL_BODY = 0;
export const SIGNAL_REPLY = 1;
export const SIGNAL_SLOTS = 2;

/**
 * Response bytes a worker may have on their way to the connection before write() reports back-pressure; the
 * main thread acknowledges what the connection took in steps of RESPONSE_ACK_STEP (one 'ack' per step, not
 * per chunk: a small response needs none). The step is below the window, so a worker waiting in drain()
 * always gets an ack once the main thread has caught up.
 */
export const RESPONSE_WINDOW = 256 * 1024;
export const RESPONSE_ACK_STEP = 64 * 1024;

/** What every worker receives in workerData.channel: its private ports and the shared counters. */
export interface WorkerChannelData {
  readonly workerId: number;
  /** Request body messages (BodyMessage), read with receiveMessageOnPort so that a blocked worker can read them. */
  readonly bodyPort: MessagePort;
  /** Answers to synchronous calls (ReplyMessage), read with receiveMessageOnPort. */
  readonly replyPort: MessagePort;
  readonly signal: SharedArrayBuffer;
}

/** The TLS facts of a connection, cloneable: certificates travel as PEM text. */
export interface TlsInfoData {
  readonly protocol: string;
  readonly cipherSuite: string;
  readonly keySize: number;
  readonly sessionId: string;
  readonly peerCertificatesPem: readonly string[];
  readonly serverName: string | undefined;
}

/** The values an AJP front end forwarded beyond headers (see AjpExchange ForwardedRequestValues). */
export interface ForwardedData {
  readonly attributes: ReadonlyArray<readonly [string, unknown]>;
  readonly user: { readonly name: string; readonly authType: string | null } | null;
  readonly route: string | null;
}

/** A coded container error as it crosses threads; rebuilt as the same class and code on the other side. */
export interface ErrorData {
  readonly kind: 'ProtocolError' | 'ContainerError' | 'Error';
  readonly code: string | undefined;
  readonly params: MessageParams | undefined;
  readonly status: number | undefined;
  readonly message: string;
}

/**
 * One step of a deployment change the main thread's HostConfig carried out (its DeploymentEvent), for a
 * worker to apply to its own tree: the Context is named by its base name within the Host.
 */
export type DeploymentData =
  | { readonly type: 'deployed'; readonly name: string; readonly path: string; readonly docBase: string; readonly config: ContextConfig }
  | { readonly type: 'undeployed' | 'reloaded' | 'redeploying' | 'redeployed'; readonly name: string };

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

export type MainToWorker =
  | RequestMessage
  /** Response bytes the main thread has handed to the connection: the worker may send that many more. */
  | { readonly type: 'ack'; readonly id: number; readonly bytes: number }
  /** The client went away. */
  | { readonly type: 'aborted'; readonly id: number }
  /** Apply a deployment step to the worker's own tree; answered by 'deployment-done' with the same id. */
  | { readonly type: 'deployment'; readonly id: number; readonly host: string; readonly event: DeploymentData }
  /** Graceful stop: finish the requests already received, stop the container tree and exit. */
  | { readonly type: 'stop' };

export type SessionCall =
  | { readonly op: 'find'; readonly id: string }
  | { readonly op: 'create' }
  | { readonly op: 'changeId'; readonly id: string }
  | { readonly op: 'count' };

/** Which session Manager a session message is for: the Context `name` (base name) within a Host. */
export interface ManagerKey {
  readonly host: string;
  readonly context: string;
}

/** The changes one request made to a session, applied by the owner in one step (see WorkerSession). */
export interface SessionCommit {
  readonly id: string;
  /** name → new value, or `removed: true`. */
  readonly attributes: ReadonlyArray<{ readonly name: string; readonly value?: unknown; readonly removed?: true }>;
  readonly maxInactiveInterval: number | undefined;
  readonly invalidated: boolean;
  /** The request that accessed the session is over (StandardSession.endAccess on the owner). */
  readonly endAccess: boolean;
}

export type WorkerToMain =
  | { readonly type: 'ready' }
  | { readonly type: 'start-failed'; readonly error: ErrorData }
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
  | { readonly type: 'stuck-watch'; readonly id: number; readonly valve: string; readonly policy: StuckPolicy }
  /** A synchronous call: the worker waits (Atomics.wait) for the ReplyMessage with the same `call`. */
  | { readonly type: 'session-call'; readonly call: number; readonly manager: ManagerKey; readonly request: SessionCall }
  | { readonly type: 'session-access'; readonly manager: ManagerKey; readonly id: string }
  | { readonly type: 'session-commit'; readonly manager: ManagerKey; readonly commit: SessionCommit }
  /** The deployment step with this id has been applied (error set when it failed; the worker keeps serving). */
  | { readonly type: 'deployment-done'; readonly id: number; readonly error: ErrorData | undefined }
  /** One pino JSON line from the worker's logger. */
  | { readonly type: 'log'; readonly line: string };

/**
 * What one postMessage from a worker carries: a message, or the messages of one event-loop turn in order
 * (MessageBatcher). Each postMessage wakes the main thread, so a response travels as one batch.
 */
export type WorkerPost = WorkerToMain | readonly WorkerToMain[];

/** Calls `each` for every message of a post, in order. */
export function forEachMessage(post: WorkerPost, each: (message: WorkerToMain) => void): void {
  if (Array.isArray(post)) for (const message of post as readonly WorkerToMain[]) each(message);
  else each(post as WorkerToMain);
}

export type BodyMessage =
  | { readonly id: number; readonly kind: 'data'; readonly chunk: ArrayBuffer }
  | { readonly id: number; readonly kind: 'end'; readonly trailers: readonly string[] | undefined }
  | { readonly id: number; readonly kind: 'error'; readonly error: ErrorData };

export type ReplyMessage =
  | { readonly call: number; readonly ok: true; readonly value: unknown }
  | { readonly call: number; readonly ok: false; readonly error: ErrorData };

/** A copy of the bytes in an ArrayBuffer of their own, so it can be transferred without detaching anyone else's memory. */
export function ownedCopy(chunk: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(chunk.byteLength);
  copy.set(chunk);
  return copy.buffer;
}

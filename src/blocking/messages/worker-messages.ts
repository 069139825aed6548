/**
 * Everything the main thread and a worker thread of the blocking style say to each other, by concern: a request
 * in progress (exchange-messages.ts), sessions (session-messages.ts), realms (realm-messages.ts), single sign-on (sign-on-messages.ts), deployment (deployment-messages.ts), and the
 * worker's own lifecycle and log lines here. Plain data only: everything is structured-cloned or transferred, so
 * nothing may reference sockets, containers or servlet objects.
 */
import type { ErrorData } from '../pool/error-data.js';
import type { DeploymentDone, DeploymentToWorker } from './deployment-messages.js';
import type { ExchangeFromWorker, ExchangeToWorker } from './exchange-messages.js';
import type { RealmFromWorker } from './realm-messages.js';
import type { SessionFromWorker } from './session-messages.js';
import type { SignOnFromWorker } from './sign-on-messages.js';

export type MainToWorker =
  | ExchangeToWorker
  | DeploymentToWorker
  /** Graceful stop: finish the requests already received, stop the container tree and exit. */
  | { readonly type: 'stop' };

export type WorkerToMain =
  | { readonly type: 'ready' }
  | { readonly type: 'start-failed'; readonly error: ErrorData }
  | ExchangeFromWorker
  | SessionFromWorker
  | RealmFromWorker
  | SignOnFromWorker
  | DeploymentDone
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

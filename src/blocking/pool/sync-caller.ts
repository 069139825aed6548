/**
 * Synchronous calls from a worker thread to the main thread: post the request, then block on Atomics.wait
 * until the answer is on the reply port. The main thread never blocks, so it always answers; the worker is
 * blocked for one event-loop turn of the main thread. Used where the container API is synchronous (sessions).
 */
import { ContainerError } from '../../errors/container-error.js';
import { errorFromData } from './error-data.js';
import type { PortInbox } from './port-inbox.js';
import type { ReplyMessage } from '../messages/channel.js';
import type { WorkerToMain } from '../messages/worker-messages.js';

/** A main thread that does not answer within this time is stuck; the call fails instead of hanging the worker. */
const CALL_TIMEOUT_MS = 30_000;

export class SyncCaller {
  readonly #inbox: PortInbox<ReplyMessage>;
  readonly #post: (message: WorkerToMain) => void;
  #next = 0;

  constructor(inbox: PortInbox<ReplyMessage>, post: (message: WorkerToMain) => void) {
    this.#inbox = inbox;
    this.#post = post;
  }

  /** Posts the message built for a fresh call number and returns the answer's value (or throws its error). */
  call(what: string, build: (call: number) => WorkerToMain): unknown {
    const call = ++this.#next;
    this.#post(build(call));
    const deadline = Date.now() + CALL_TIMEOUT_MS;
    for (;;) {
      const reply = this.#inbox.takeSync(Math.max(0, deadline - Date.now()));
      if (reply === undefined) {
        throw new ContainerError('SV_ERR_WORKER_CALL_TIMEOUT', { call: what, limit: CALL_TIMEOUT_MS });
      }
      // An answer to an earlier call that gave up waiting: not ours.
      if (reply.call !== call) continue;
      if (reply.ok) return reply.value;
      throw errorFromData(reply.error);
    }
  }
}

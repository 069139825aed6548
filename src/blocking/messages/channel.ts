/**
 * The plumbing every worker shares with the main thread: its private ports, the signal slots a blocked worker
 * waits on, the response flow-control window, and the messages read synchronously (body chunks, call replies).
 */
import type { MessagePort } from 'node:worker_threads';
import type { ErrorData } from '../pool/error-data.js';

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

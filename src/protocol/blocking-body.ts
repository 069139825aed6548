/**
 * A request body that can also be read synchronously: only the blocking-style endpoint offers it (its servlets
 * run on worker threads that may block); the event-loop endpoint's bodies never do.
 */
import type { Readable } from 'node:stream';

export interface BlockingBody {
  /** The next chunk, blocking the calling (worker) thread until it arrives; null at the end of the body. */
  readSync(): Buffer | null;
}

export function isBlockingBody(body: Readable): body is Readable & BlockingBody {
  return typeof (body as Partial<BlockingBody>).readSync === 'function';
}

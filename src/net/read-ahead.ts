/**
 * Turns off node's read-ahead tick on a socket whose bytes a 'data' listener takes as they come.
 *
 * After every chunk it buffers or emits, a Readable schedules `maybeReadMore` on process.nextTick, which calls
 * read(0) until its buffer reaches the high-water mark. A socket gains nothing from it: libuv keeps reading
 * until the buffer is full (push() returning false stops the handle), and read() or resume() starts it again.
 * The tick is not free on Node 20: its tick object has computed symbol keys, which go through the runtime, and
 * with the read(0) it leads to it cost 15% of a hello request's instructions (75.4k → 64.3k; callgrind,
 * bench/RESULTS.md).
 * Marking the state as already reading more makes the Readable skip the tick; nothing else reads the flag.
 */
import type { Readable } from 'node:stream';

interface ReadableStateFlags {
  readingMore?: boolean;
}

export function skipReadAhead(stream: Readable): void {
  const state = (stream as unknown as { _readableState?: ReadableStateFlags })._readableState;
  // An unknown Readable (another Node version's internals) keeps the default behaviour.
  if (state !== undefined && 'readingMore' in state) state.readingMore = true;
}

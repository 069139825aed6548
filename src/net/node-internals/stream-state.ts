/**
 * Two net.Socket / Readable internals: the read-ahead flag of a Readable's state, and the socket's idle-timer
 * refresh. Both only save instructions; index.ts checks them before they are used.
 */
import net from 'node:net';
import { Readable } from 'node:stream';

interface ReadableStateFlags {
  readingMore?: unknown;
}

function readableStateOf(stream: Readable): ReadableStateFlags | undefined {
  const state = (stream as unknown as { _readableState?: ReadableStateFlags })._readableState;
  return typeof state === 'object' && state !== null ? state : undefined;
}

/**
 * Checks that a Readable's `readingMore` flag is the one guarding its read-ahead tick: present and boolean on
 * a socket, and set by the Readable itself when a push schedules that tick. Returns why not, or null.
 */
export function checkReadAhead(): string | null {
  const socket = new net.Socket();
  const socketState = readableStateOf(socket);
  socket.destroy();
  if (typeof socketState?.readingMore !== 'boolean') return 'net.Socket has no boolean _readableState.readingMore';
  const stream = new Readable({ read: () => undefined });
  stream.on('error', () => undefined);
  const state = readableStateOf(stream);
  if (state?.readingMore !== false) return 'a new Readable does not start with readingMore = false';
  stream.push(Buffer.from('x'));
  // Read again: the push above changes it (the compiler still sees the `false` checked before).
  const scheduled = readableStateOf(stream)?.readingMore === true;
  stream.destroy();
  return scheduled ? null : 'a push did not set readingMore (the read-ahead tick is guarded differently)';
}

/**
 * Turns off node's read-ahead tick on a stream whose bytes a 'data' listener takes as they come.
 *
 * After every chunk it buffers or emits, a Readable schedules `maybeReadMore` on process.nextTick, which calls
 * read(0) until its buffer reaches the high-water mark. A socket gains nothing from it: libuv keeps reading
 * until the buffer is full (push() returning false stops the handle), and read() or resume() starts it again.
 * The tick is not free on Node 20: its tick object has computed symbol keys, which go through the runtime, and
 * with the read(0) it leads to it cost 15% of a hello request's instructions (75.4k → 64.3k; callgrind,
 * bench/RESULTS.md).
 * Marking the state as already reading more makes the Readable skip the tick; nothing else reads the flag.
 */
export function markReadingMore(stream: Readable): void {
  const state = readableStateOf(stream);
  // An unknown Readable keeps the default behaviour.
  if (state !== undefined && typeof state.readingMore === 'boolean') state.readingMore = true;
}

interface SocketTimer {
  _unrefTimer?: () => void;
}

/** Checks that net.Socket has the idle-timer refresh its own reads call; returns why not, or null. */
export function checkIdleTimerRefresh(): string | null {
  const socket = new net.Socket() as net.Socket & SocketTimer;
  try {
    if (typeof socket._unrefTimer !== 'function') return 'net.Socket.prototype._unrefTimer is not a function';
    socket.setTimeout(60_000);
    socket._unrefTimer();
    return null;
  } catch (error) {
    return `net.Socket.prototype._unrefTimer threw: ${(error as Error).message}`;
  } finally {
    socket.setTimeout(0);
    socket.destroy();
  }
}

/**
 * Restarts the socket's idle timer (socket.setTimeout) as a read through its 'data' events would: re-queues
 * the timer with the same duration, without clearing and setting it again.
 */
export function unrefTimer(socket: net.Socket): void {
  (socket as net.Socket & SocketTimer)._unrefTimer?.();
}

/**
 * What the main thread shares with the watchdog thread: a heartbeat the event loop writes while it runs, and what
 * application code runs right now, in one SharedArrayBuffer the watchdog reads without the main thread's help (a
 * blocked loop cannot answer a message).
 *
 * Publishing costs a few typed-array stores per request (the wrapper valve calls publishRunning() where it sets
 * faults.ts `active`): the app as a small integer id, whose name the watchdog learnt by message when the id was
 * assigned (startup/watchdog.ts), and the request line copied as UTF-16 code units. No message, allocation or lock per request.
 */
import type { FaultOwner, FaultRequest } from './faults.js';

/** Int32 slots at the start of the buffer. */
const HEARTBEAT = 0;
/** The running app's id; 0 while no application code is known to run. */
const OWNER = 1;
/** Length of the request line in code units; -1 when the app runs outside any request (a callback of its own). */
const REQUEST_LENGTH = 2;
const SLOTS = 4;
/** Enough for every request line worth reading in a log; longer ones are cut (the log says so by the length). */
export const MAX_REQUEST_CHARS = 512;

export const ACTIVITY_BYTES = SLOTS * Int32Array.BYTES_PER_ELEMENT + MAX_REQUEST_CHARS * Uint16Array.BYTES_PER_ELEMENT;

export interface ActivityView {
  readonly slots: Int32Array;
  readonly chars: Uint16Array;
}

export function activityView(buffer: SharedArrayBuffer): ActivityView {
  return {
    slots: new Int32Array(buffer, 0, SLOTS),
    chars: new Uint16Array(buffer, SLOTS * Int32Array.BYTES_PER_ELEMENT, MAX_REQUEST_CHARS),
  };
}

/** This thread's buffer: created once per thread, so publishing never checks whether a watchdog exists. */
export const activityBuffer = new SharedArrayBuffer(ACTIVITY_BYTES);
const { slots, chars } = activityView(activityBuffer);

/** Weak: a redeployed app's old Context (and everything its modules hold) must stay collectable. */
const ownerIds = new WeakMap<FaultOwner, number>();
/** The names behind the ids, for a watchdog that starts later: one short string per deployment. */
const ownerNames = new Map<number, string>();
let lastOwnerId = 0;
/** Told each new (id, app name) pair: the watchdogs' tables (one per Server; tests run several in one process). */
const ownerListeners = new Set<(id: number, name: string) => void>();

/** Tells `listener` the app name of every id, those assigned so far first; returns what stops it. */
export function announceOwnersTo(listener: (id: number, name: string) => void): () => void {
  for (const [id, name] of ownerNames) listener(id, name);
  ownerListeners.add(listener);
  return () => ownerListeners.delete(listener);
}

/** Application code of `owner` runs from now on, for `request` (null: a callback outside any request). */
export function publishRunning(owner: FaultOwner, request: FaultRequest | null): void {
  let id = ownerIds.get(owner);
  if (id === undefined) {
    id = ++lastOwnerId;
    ownerIds.set(owner, id);
    ownerNames.set(id, owner.name);
    for (const listener of ownerListeners) listener(id, owner.name);
  }
  slots[OWNER] = id;
  if (request === null) {
    slots[REQUEST_LENGTH] = -1;
    return;
  }
  const method = request.getMethod();
  const uri = request.getRequestURI();
  let at = 0;
  for (let i = 0; i < method.length && at < MAX_REQUEST_CHARS; i++) chars[at++] = method.charCodeAt(i);
  if (at < MAX_REQUEST_CHARS) chars[at++] = 0x20;
  for (let i = 0; i < uri.length && at < MAX_REQUEST_CHARS; i++) chars[at++] = uri.charCodeAt(i);
  slots[REQUEST_LENGTH] = at;
}

/** No application code is known to run any more (the outermost dispatch or callback returned). */
export function clearRunning(): void {
  slots[OWNER] = 0;
}

/** The request line publishRunning() wrote, or null when the app runs outside a request. */
export function readRequest(view: ActivityView): string | null {
  const length = view.slots[REQUEST_LENGTH] as number;
  if (length < 0) return null;
  return String.fromCharCode(...view.chars.subarray(0, Math.min(length, MAX_REQUEST_CHARS)));
}

export function readOwner(view: ActivityView): number {
  return view.slots[OWNER] as number;
}

export function readHeartbeat(view: ActivityView): number {
  return Atomics.load(view.slots, HEARTBEAT);
}

/**
 * Beats every `intervalMs` while the event loop turns; unref'd, so it never keeps a stopping process alive.
 * Returns what stops it.
 */
export function startHeartbeat(intervalMs: number): () => void {
  const timer = setInterval(() => Atomics.add(slots, HEARTBEAT, 1), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

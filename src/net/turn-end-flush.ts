/**
 * Corked sockets released together once per event-loop turn, after the poll phase has run every ready
 * connection's callback (setImmediate runs in the check phase that follows it).
 *
 * Why not at the end of each tick, as node:http does: when the responses to the requests that arrived in
 * one poll leave back to back, a client that was asleep is woken once for the burst rather than once per
 * response. On loopback (a proxy or load generator on the same host) every wake-up is an inter-processor
 * interrupt paid by the writing CPU; on a virtual machine each one is a VM exit. bench/RESULTS.md
 * (2026-11-21 22:26) measured the kernel's softirq time per request falling from 8 µs to 3 µs and the
 * hello benchmark rising from 0.47× to 0.67× of node:http. A response waits at most for the other callbacks
 * of its own turn.
 */

/** Something holding writes back (a corked socket) until the end of the turn calls flushCorked(). */
export interface TurnEndFlushable {
  flushCorked(): void;
}

let pending: TurnEndFlushable[] = [];
let scheduled = false;

function flushAll(): void {
  scheduled = false;
  // A flush may start new writes that cork again: they wait for the next turn's list.
  const batch = pending;
  pending = [];
  for (let i = 0; i < batch.length; i++) (batch[i] as TurnEndFlushable).flushCorked();
}

/** Calls `target.flushCorked()` at the end of this event-loop turn, with every other target queued in it. */
export function flushAtTurnEnd(target: TurnEndFlushable): void {
  pending.push(target);
  if (!scheduled) {
    scheduled = true;
    setImmediate(flushAll);
  }
}

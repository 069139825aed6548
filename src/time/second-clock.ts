/**
 * The current second, read from the clock once per second rather than on every call: the Date header and the
 * access log's file stamp want nothing finer, and each `Date.now()` is a call into V8's runtime (~300
 * instructions; bench/RESULTS.md 2026-11-22 10:30). The reading is dropped by an unreferenced timer at the next
 * second boundary, as node:http does for its own Date header: an idle server arms no timer, and while the event
 * loop is blocked the second may be late by as long as the block lasts.
 */
let second = -1;
let timer: NodeJS.Timeout | undefined;

function expire(): void {
  second = -1;
  timer = undefined;
}

/** Epoch milliseconds at the start of the current second. */
export function currentSecondMs(): number {
  if (second < 0) {
    const now = Date.now();
    second = now - (now % 1000);
    timer = setTimeout(expire, 1000 - (now - second));
    timer.unref();
  }
  return second;
}

/** Forgets the reading (tests that move the clock). */
export function resetSecondClock(): void {
  if (timer !== undefined) clearTimeout(timer);
  expire();
}

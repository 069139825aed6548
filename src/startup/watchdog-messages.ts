/** What the main thread and the watchdog thread tell each other (watchdog.ts, watchdog-thread.ts). */
import type { ErrorData } from '../blocking/pool/error-data.js';

export interface WatchdogInit {
  /** loop-activity.ts's buffer of the main thread. */
  readonly activity: SharedArrayBuffer;
  /** 0: no blocked-loop check. */
  readonly loopBlockedThresholdMs: number;
  readonly heartbeatMs: number;
  readonly stopTimeoutMs: number;
  /** Whether the stop bound ends the process (`catalina run`), or is not enforced (a server embedded in tests). */
  readonly endProcessOnStopTimeout: boolean;
  /** The shutdown port to serve; null when disabled (Server port -1). */
  readonly shutdown: { readonly port: number; readonly address: string; readonly command: string } | null;
  readonly log: { readonly logsDir: string | null; readonly console: boolean; readonly level: string };
}

export type MainToWatchdog =
  /** The app name behind an id loop-activity.ts publishes. */
  | { readonly type: 'owner'; readonly id: number; readonly name: string }
  /** A stop began: the stop bound runs from now. */
  | { readonly type: 'stopping'; readonly trigger: string }
  /** Stop serving the shutdown port (the Server stops). */
  | { readonly type: 'close-port' }
  /** The Server is gone: stop watching the loop and serving the port; only the stop bound is left to enforce. */
  | { readonly type: 'detach' };

export type WatchdogToMain =
  | { readonly type: 'ready'; readonly shutdownPort: number | null }
  | { readonly type: 'start-failed'; readonly error: ErrorData }
  /** The shutdown command arrived. */
  | { readonly type: 'shutdown' };

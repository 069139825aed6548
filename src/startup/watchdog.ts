/**
 * The main thread's side of the watchdog thread (watchdog-thread.ts): starts it with the Server, beats the heartbeat
 * it watches, tells it the app names behind loop-activity.ts's ids, and hands on the shutdown command it receives.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { ServerConfig } from '../config/server-config.js';
import type { ServerWatchdog } from '../core/server.js';
import { DEFAULT_SHUTDOWN_ADDRESS } from '../core/shutdown-port.js';
import { ContainerError } from '../errors/container-error.js';
import { logCoded } from '../logging/logger.js';
import { errorFromData } from '../blocking/pool/error-data.js';
import { activityBuffer, announceOwnersTo, startHeartbeat } from '../core/loop-activity.js';
import type { MainToWatchdog, WatchdogInit, WatchdogToMain } from './watchdog-messages.js';

export interface WatchdogOptions {
  /** Server loopBlockedThresholdMs; 0 turns the blocked-loop check off. */
  readonly loopBlockedThresholdMs: number;
  /** Server stopTimeoutMs. */
  readonly stopTimeoutMs: number;
  /** Whether a stop that overruns stopTimeoutMs ends the process (`catalina run` only, never a host process). */
  readonly endProcessOnStopTimeout: boolean;
  /** The shutdown port (portOffset applied; 0 = any), or null when disabled. */
  readonly shutdown: { readonly port: number; readonly address: string; readonly command: string } | null;
  /** Where the thread writes its own log lines (it cannot count on the blocked main thread to do it). */
  readonly logsDir: string | null;
  readonly console: boolean;
  /** The main thread's logger: its level, and where a failure of the thread is reported. */
  readonly logger: Logger;
}

/** How the Server runs in its process (Catalina's choices), beside what server.xml says. */
export interface WatchdogSettings {
  /** Where the thread writes its log lines (logs/ of CATALINA_BASE); null: nowhere. */
  readonly logsDir: string | null;
  /** Whether it also writes them to stdout. */
  readonly console: boolean;
  /** `catalina run`: a stop that overruns stopTimeoutMs ends the process. Never for a server inside another process. */
  readonly endProcessOnStopTimeout: boolean;
}

/** The watchdog of the Server `config` describes: its shutdown port (portOffset applied), thresholds and bounds. */
export function watchdogFor(config: ServerConfig, logger: Logger, settings: WatchdogSettings): Watchdog {
  const port = config.port < 0 ? -1 : config.port + (config.port === 0 ? 0 : config.portOffset);
  return new Watchdog({
    loopBlockedThresholdMs: config.loopBlockedThresholdMs,
    stopTimeoutMs: config.stopTimeoutMs,
    endProcessOnStopTimeout: settings.endProcessOnStopTimeout,
    shutdown:
      port < 0 ? null : { port, address: config.address === '' ? DEFAULT_SHUTDOWN_ADDRESS : config.address, command: config.shutdown },
    logsDir: settings.logsDir,
    console: settings.console,
    logger,
  });
}

/** Beats often enough that a healthy loop never looks blocked: the check sees a beat within two intervals. */
function heartbeatInterval(thresholdMs: number): number {
  return Math.min(1000, Math.max(10, Math.floor(thresholdMs / 5)));
}

export class Watchdog implements ServerWatchdog {
  readonly #options: WatchdogOptions;
  #thread: Worker | null = null;
  #stopHeartbeat: (() => void) | null = null;
  #stopAnnouncing: (() => void) | null = null;
  #shutdownPort: number | null = null;
  #closing = false;

  constructor(options: WatchdogOptions) {
    this.#options = options;
  }

  /** Not needed: nothing to watch, no port to serve, no stop to bound. */
  get idle(): boolean {
    const options = this.#options;
    return options.loopBlockedThresholdMs <= 0 && options.shutdown === null && !options.endProcessOnStopTimeout;
  }

  /** The bound shutdown port, or null when disabled (or before start). */
  get shutdownPort(): number | null {
    return this.#shutdownPort;
  }

  /** Starts the thread; resolves once it serves the shutdown port (rejects with SV_ERR_STARTUP_SHUTDOWN_BIND). */
  async start(onShutdown: () => void): Promise<void> {
    if (this.idle || this.#thread !== null) return;
    const options = this.#options;
    const threshold = options.loopBlockedThresholdMs;
    const heartbeatMs = heartbeatInterval(threshold > 0 ? threshold : 1000);
    const init: WatchdogInit = {
      activity: activityBuffer,
      loopBlockedThresholdMs: threshold,
      heartbeatMs,
      stopTimeoutMs: options.stopTimeoutMs,
      endProcessOnStopTimeout: options.endProcessOnStopTimeout,
      shutdown: options.shutdown,
      log: { logsDir: options.logsDir, console: options.console, level: options.logger.level },
    };
    const thread = new Worker(watchdogScript(), { name: 'watchdog', workerData: init });
    this.#thread = thread;
    // Only a shutdown port that cannot be bound fails the start: without one the Server goes on while the thread
    // boots (messages to it wait in its port).
    if (options.shutdown !== null) {
      try {
        this.#shutdownPort = await untilReady(thread);
      } catch (error) {
        this.#thread = null;
        await thread.terminate();
        throw error;
      }
    }
    thread.on('message', (message: WatchdogToMain) => {
      if (message.type === 'shutdown') onShutdown();
      else if (message.type === 'start-failed') this.#failed(errorFromData(message.error).message);
    });
    thread.on('error', (error) => this.#failed(error.message));
    thread.once('exit', (code) => {
      if (!this.#closing) this.#failed(`exit code ${code}`);
    });
    // Its own loop watches ours: it must never be what keeps a stopped process alive. After the listeners: adding a
    // 'message' listener refs the thread's port again.
    thread.unref();
    this.#stopAnnouncing = announceOwnersTo((id, name) => this.#post({ type: 'owner', id, name }));
    if (threshold > 0) this.#stopHeartbeat = startHeartbeat(heartbeatMs);
  }

  /** A stop began (`trigger` names what started it, for the log): the stop bound runs from now. */
  stopping(trigger: string): void {
    this.#post({ type: 'stopping', trigger });
  }

  /** Stops serving the shutdown port (the Server stops; Tomcat's await() returns and closes it too). */
  closePort(): void {
    this.#post({ type: 'close-port' });
  }

  /**
   * Ends the thread. With endProcessOnStopTimeout it is left running instead, unref'd, so the stop bound still
   * covers what happens between the Server's destroy and the process's exit.
   */
  async close(): Promise<void> {
    const thread = this.#thread;
    if (thread === null) return;
    this.#closing = true;
    this.#stopHeartbeat?.();
    this.#stopHeartbeat = null;
    this.#stopAnnouncing?.();
    this.#stopAnnouncing = null;
    if (this.#options.endProcessOnStopTimeout) {
      this.#post({ type: 'detach' });
      return;
    }
    this.#thread = null;
    await thread.terminate();
  }

  #post(message: MainToWatchdog): void {
    this.#thread?.postMessage(message);
  }

  #failed(detail: string): void {
    this.#thread = null;
    this.#stopHeartbeat?.();
    this.#stopHeartbeat = null;
    this.#stopAnnouncing?.();
    this.#stopAnnouncing = null;
    logCoded(this.#options.logger, 'error', new ContainerError('SV_ERR_WATCHDOG_FAILED', { detail }));
  }
}

/** Resolves with the bound shutdown port once the thread is ready; rejects with why it could not start. */
function untilReady(thread: Worker): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      thread.off('message', onMessage);
      thread.off('error', onError);
      thread.off('exit', onExit);
    };
    const onMessage = (message: WatchdogToMain): void => {
      if (message.type === 'ready') {
        done();
        resolve(message.shutdownPort);
      } else if (message.type === 'start-failed') {
        done();
        reject(errorFromData(message.error));
      }
    };
    const onError = (error: Error): void => {
      done();
      reject(error);
    };
    const onExit = (code: number): void => {
      done();
      reject(new ContainerError('SV_ERR_WATCHDOG_FAILED', { detail: `exit code ${code}` }));
    };
    thread.on('message', onMessage);
    thread.on('error', onError);
    thread.on('exit', onExit);
  });
}

/** The compiled entry: a thread runs JavaScript only, so the container running from its sources (tests) uses dist/. */
export function watchdogScript(): string {
  const compiled = __filename.endsWith('.ts')
    ? join(__dirname, '..', '..', 'dist', 'startup', 'watchdog-thread.js')
    : join(__dirname, 'watchdog-thread.js');
  if (!existsSync(compiled)) throw new ContainerError('SV_ERR_WATCHDOG_SCRIPT_MISSING', { file: compiled });
  return compiled;
}

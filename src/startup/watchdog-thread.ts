/**
 * The watchdog thread's entry script. It runs on its own event loop, so it keeps working while the main thread's
 * loop is blocked (an app's `while (true) {}`): it reports a loop that stopped beating (naming the app and request
 * that hold it, from core/loop-activity.ts), serves the shutdown port, and ends the process when a stop does not finish
 * within the Server's stopTimeoutMs. A blocked main thread handles no signal either, and Node has no way to
 * interrupt it from here: ending the process (SIGKILL) is what is left.
 */
import { writeSync } from 'node:fs';
import { Session } from 'node:inspector';
import { Writable } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';
import type { Logger } from 'pino';
import { ShutdownPort } from '../core/shutdown-port.js';
import { ContainerError } from '../errors/container-error.js';
import { closeLogger, componentLogger, createLogger, logCoded } from '../logging/logger.js';
import { errorToData } from '../blocking/pool/error-data.js';
import { activityView, readHeartbeat, readOwner, readRequest } from '../core/loop-activity.js';
import type { MainToWatchdog, WatchdogInit, WatchdogToMain } from './watchdog-messages.js';

/** How long the last log lines may take to reach the file before the process is ended all the same. */
const FLUSH_BOUND_MS = 1000;

const port = parentPort;
if (port === null) throw new ContainerError('SV_ERR_WORKER_NOT_A_THREAD', { file: __filename });
const init = workerData as WatchdogInit;
const post = (message: WatchdogToMain): void => port.postMessage(message);

/** This thread's process.stdout is relayed by the main thread's loop, blocked when it matters most: write fd 1. */
const stdout = new Writable({
  write(chunk: Buffer | string, _encoding, callback) {
    try {
      if (typeof chunk === 'string') writeSync(1, chunk);
      else writeSync(1, chunk);
    } catch {
      // A closed stdout must not stop the watchdog; the file still gets the line.
    }
    callback();
  },
});
/** Made on the first line to log: most servers never need it, and the thread starts with each Server. */
let rootLogger: Logger | undefined;
function log(): Logger {
  rootLogger ??= createLogger({
    logsDir: init.log.logsDir,
    console: init.log.console,
    level: init.log.level,
    pretty: false,
    consoleOutput: stdout,
  });
  return componentLogger(rootLogger, 'Watchdog');
}

const appNames = new Map<number, string>();
let shutdownPort: ShutdownPort | null = null;
let stopTimer: NodeJS.Timeout | undefined;
let loopCheck: NodeJS.Timeout | undefined;

port.on('message', (message: MainToWatchdog) => {
  switch (message.type) {
    case 'owner':
      appNames.set(message.id, message.name);
      break;
    case 'stopping':
      armStopBound(message.trigger);
      break;
    case 'close-port':
      void shutdownPort?.close();
      break;
    case 'detach':
      void shutdownPort?.close();
      clearInterval(loopCheck);
      break;
  }
});

/** From now on the process has stopTimeoutMs to exit. */
function armStopBound(trigger: string): void {
  if (stopTimer !== undefined || !init.endProcessOnStopTimeout) return;
  stopTimer = setTimeout(() => {
    logCoded(log(), 'error', { code: 'SV_ERR_WATCHDOG_STOP_TIMEOUT', params: { limit: init.stopTimeoutMs, trigger } });
    const end = (): void => {
      process.kill(process.pid, 'SIGKILL');
    };
    setTimeout(end, FLUSH_BOUND_MS);
    closeLogger(log()).then(end, end);
  }, init.stopTimeoutMs);
}

function watchLoop(): void {
  const threshold = init.loopBlockedThresholdMs;
  if (threshold <= 0) return;
  const view = activityView(init.activity);
  let lastBeat = readHeartbeat(view);
  let lastChange = performance.now();
  let reported = false;
  loopCheck = setInterval(() => {
    const now = performance.now();
    const beat = readHeartbeat(view);
    if (beat !== lastBeat) {
      if (reported) logCoded(log(), 'info', { code: 'SV_MSG_WATCHDOG_LOOP_RESUMED', params: { ms: Math.round(now - lastChange) } });
      lastBeat = beat;
      lastChange = now;
      reported = false;
      return;
    }
    const stalled = Math.round(now - lastChange);
    if (reported || stalled < threshold) return;
    reported = true;
    const owner = readOwner(view);
    if (owner === 0) {
      logCoded(log(), 'error', { code: 'SV_ERR_WATCHDOG_LOOP_BLOCKED_UNKNOWN', params: { ms: stalled, limit: threshold } });
      logMainThreadStack();
      return;
    }
    const webapp = appNames.get(owner) ?? `#${owner}`;
    const request = readRequest(view) ?? 'none: a callback of the application';
    logCoded(
      log(),
      'error',
      { code: 'SV_ERR_WATCHDOG_LOOP_BLOCKED', params: { ms: stalled, limit: threshold, webapp, request } },
      { webapp, uri: request },
    );
    logMainThreadStack();
  }, init.heartbeatMs).unref();
}

/** How long the inspector may take to pause the main thread and report its frames. */
const STACK_WAIT_MS = 2000;
/** Frames kept in the log line: the innermost ones say what holds the loop. */
const STACK_FRAMES = 20;

/**
 * The blocked main thread's stack, through the inspector: a session connected to the main thread from this
 * worker is served by V8's interrupts, which a busy loop still takes, so Debugger.pause stops it where it is.
 * The frames are logged and the thread resumed at once. Node's permission model (-security) turns the inspector
 * off, so it is not tried there.
 */
function logMainThreadStack(): void {
  if ((process as { permission?: unknown }).permission !== undefined) {
    logCoded(log(), 'info', {
      code: 'SV_MSG_WATCHDOG_STACK_UNAVAILABLE',
      params: { reason: "Node's permission model (-security) turns the inspector off" },
    });
    return;
  }
  let session: Session;
  try {
    session = new Session();
    session.connectToMainThread();
  } catch (error) {
    logCoded(
      log(),
      'info',
      {
        code: 'SV_MSG_WATCHDOG_STACK_UNAVAILABLE',
        params: { reason: 'the inspector refused a session' },
      },
      { err: error },
    );
    return;
  }
  const done = (): void => {
    clearTimeout(timer);
    session.disconnect();
  };
  const timer = setTimeout(() => {
    logCoded(
      log(),
      'info',
      {
        code: 'SV_MSG_WATCHDOG_STACK_UNAVAILABLE',
        params: { reason: 'the inspector did not pause the main thread in time' },
      },
      { limit: STACK_WAIT_MS },
    );
    done();
  }, STACK_WAIT_MS);
  // Enabling the debugger announces every script; a frame names its script only by id.
  const scripts = new Map<string, string>();
  session.on('Debugger.scriptParsed', ({ params }) => {
    if (params.url !== '') scripts.set(params.scriptId, params.url);
  });
  session.once('Debugger.paused', ({ params }) => {
    const stack = params.callFrames
      .slice(0, STACK_FRAMES)
      .map(
        (frame) =>
          `${frame.functionName === '' ? '(anonymous)' : frame.functionName} (${frame.url === '' ? (scripts.get(frame.location.scriptId) ?? '') : frame.url}:${frame.location.lineNumber + 1}:${(frame.location.columnNumber ?? 0) + 1})`,
      );
    session.post('Debugger.resume', () => {
      session.post('Debugger.disable', done);
    });
    logCoded(log(), 'info', { code: 'SV_MSG_WATCHDOG_MAIN_STACK', params: { detail: stack.join(' < ') } }, { stack });
  });
  session.post('Debugger.enable', () => session.post('Debugger.pause'));
}

async function start(): Promise<void> {
  const shutdown = init.shutdown;
  if (shutdown !== null) {
    const served = new ShutdownPort({
      port: shutdown.port,
      address: shutdown.address,
      command: shutdown.command,
      logger: { warn: (message) => log().warn(message), debug: (message) => log().debug(message) },
      holdAcceptedConnection: init.endProcessOnStopTimeout,
    });
    shutdownPort = served;
    let boundPort = shutdown.port;
    served.onShutdown(() => {
      logCoded(log(), 'info', { code: 'SV_MSG_WATCHDOG_SHUTDOWN_COMMAND', params: { address: shutdown.address, port: boundPort } });
      post({ type: 'shutdown' });
      armStopBound('the shutdown command');
    });
    boundPort = (await served.listen()).port;
    post({ type: 'ready', shutdownPort: boundPort });
  } else {
    post({ type: 'ready', shutdownPort: null });
  }
  watchLoop();
}

start().catch((error: unknown) => post({ type: 'start-failed', error: errorToData(error) }));

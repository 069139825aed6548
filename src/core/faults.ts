/**
 * Fault containment (architecture decision 10). An error that escapes a webapp's own code (a throw in a timer,
 * an immediate, a microtask or an event handler, a promise rejection nobody handles) and a call that would end
 * the process are charged to that webapp, and to its request when that can be told; the fault is logged and the
 * server keeps serving. Tomcat confines an exception to its request in StandardWrapperValve and to the thread it
 * happened on; one Node process runs every app on one thread, so here the charge has to be worked out.
 *
 * How (measured with bench/instructions.sh, bench/RESULTS.md 2026-12-07):
 * 1. Work an app schedules through the functions its loader hands each module (setTimeout, setInterval,
 *    setImmediate, queueMicrotask, process.nextTick: webapp-loader.ts) runs in a try/catch that knows its app for
 *    sure. It also knows the request when it was scheduled while that request's servlet or filter ran
 *    synchronously, or from work that was (`active`, set by the wrapper valve and by those wrappers).
 * 2. Anything else reaches the process's 'uncaughtException' and 'unhandledRejection' handlers
 *    (startup/process-guard.ts). The error's stack is searched for a file of a deployed webapp: the loader compiles
 *    every module under its real path, so a frame names the app. This costs nothing per request. It cannot tell the
 *    request, and a value thrown without a stack from app code (a string, most fs errors) cannot be charged to any
 *    app: that is logged as the container's own fault.
 * AsyncLocalStorage would tell the request in more of those cases, but on Node 20 it turns on async hooks for
 * every resource of the process: +44 % instructions per request on the hello benchmark, against a bound of 1 %.
 */
import type { Logger } from 'pino';
import { ContainerError } from '../errors/container-error.js';
import { formatMessage } from '../errors/codes.js';

/** What a fault is charged to: a webapp, by the name logs give it (the Context's name). */
export interface FaultOwner {
  readonly name: string;
  readonly logger: Logger;
}

/** The request a fault belongs to, as far as the log line needs it. */
export interface FaultRequest {
  getMethod(): string;
  getRequestURI(): string;
}

/** How the fault reached the container, for the log line. */
export type FaultKind =
  | 'uncaught exception'
  | 'unhandled rejection'
  | 'throw in a timer'
  | 'throw in an interval'
  | 'throw in an immediate'
  | 'throw in a microtask'
  | 'throw in a nextTick callback';

/**
 * What runs right now, synchronously: the wrapper valve sets it around a servlet's (and its filters') synchronous
 * part, the loader's wrappers around a callback they run. The loader's wrappers read it when app code schedules
 * work, so that work inherits the request, and count in `scheduled` each piece of work that did: only a request
 * that scheduled some can be failed by a fault later, so only such a request pays for being failable (the hot
 * path pays two field writes and a comparison).
 */
export const active: { owner: FaultOwner | null; request: FaultRequest | null; scheduled: number } = {
  owner: null,
  request: null,
  scheduled: 0,
};

/** Requests whose servlet is still running asynchronously, with what fails them through the normal error path. */
const failing = new WeakMap<object, (error: unknown) => void>();

/** Errors already logged as faults, so no later layer logs them a second time. */
const reported = new WeakSet<object>();
/** The errors refuseExit() threw: logged as refused exits when thrown, never again as faults. */
const refusals = new WeakSet<object>();

/** Directory prefixes (docBase + '/') of deployed webapps; the newest registration of a prefix wins. */
const owners = new Map<string, FaultOwner[]>();

/**
 * Settles like `pending`, unless a fault charged to `request` fails it first (failRequest): then it rejects with
 * that fault, and the wrapper valve records it as a thrown exception (500, error pages, or a closed connection
 * when the response was committed). A nested dispatch of the same request takes over until it settles.
 */
export function failable(request: object, pending: Promise<void>): Promise<void> {
  const outer = failing.get(request);
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      if (failing.get(request) === fail) {
        if (outer === undefined) failing.delete(request);
        else failing.set(request, outer);
      }
      return true;
    };
    const fail = (error: unknown): void => {
      if (settle()) reject(error);
    };
    failing.set(request, fail);
    pending.then(() => {
      if (settle()) resolve();
    }, fail);
  });
}

/** Fails `request` with `error` if its servlet is still running; false when there is nothing left to fail. */
export function failRequest(request: object, error: unknown): boolean {
  const fail = failing.get(request);
  if (fail === undefined) return false;
  fail(error);
  return true;
}

/** True once `error` was logged as a fault (or a refused exit): the wrapper valve then does not log it again. */
export function wasReported(error: unknown): boolean {
  return typeof error === 'object' && error !== null && reported.has(error);
}

/** True for what refuseExit() threw: an app's callback that let it escape is not logged a second time. */
export function isRefusal(error: unknown): boolean {
  return typeof error === 'object' && error !== null && refusals.has(error);
}

/** Charges faults whose stack runs through a file under `docBase` to `owner`; returns the unregistration. */
export function registerFaultOwner(docBase: string, owner: FaultOwner): () => void {
  const prefix = docBase.endsWith('/') ? docBase : `${docBase}/`;
  let list = owners.get(prefix);
  if (list === undefined) owners.set(prefix, (list = []));
  list.push(owner);
  return () => {
    const current = owners.get(prefix);
    if (current === undefined) return;
    const index = current.lastIndexOf(owner);
    if (index >= 0) current.splice(index, 1);
    if (current.length === 0) owners.delete(prefix);
  };
}

/**
 * The webapp whose file is the topmost frame of `error`'s stack that names one, or null. Frames are the
 * `    at …` lines; the message above them is never read (it may quote any path).
 */
export function ownerOfStack(error: unknown): FaultOwner | null {
  if (owners.size === 0) return null;
  let stack: unknown;
  try {
    stack = typeof error === 'object' && error !== null ? (error as { stack?: unknown }).stack : undefined;
  } catch {
    return null; // a getter that throws: nothing to read
  }
  if (typeof stack !== 'string') return null;
  for (const line of stack.split('\n')) {
    if (!/^\s+at /.test(line)) continue;
    let best: string | null = null;
    for (const prefix of owners.keys()) {
      // Nested docBases (an app inside another's directory): the longest prefix is the app that owns the file.
      if (line.includes(prefix) && (best === null || prefix.length > best.length)) best = prefix;
    }
    if (best !== null) return owners.get(best)?.at(-1) ?? null;
  }
  return null;
}

/** The app and request the code running right now is charged to: `active`, else the caller's stack. */
export function currentCharge(): { owner: FaultOwner; request: FaultRequest | null } | null {
  if (active.owner !== null) return { owner: active.owner, request: active.request };
  const owner = ownerOfStack(new Error('caller'));
  return owner === null ? null : { owner, request: null };
}

/**
 * Logs a fault charged to `owner` (with the request's method and URI when known, and the error's stack) and,
 * when that request's servlet is still running, fails it so the client gets a 500 (or, once the response was
 * committed, a closed connection) through the normal error path.
 */
export function reportWebappFault(owner: FaultOwner, request: FaultRequest | null, error: unknown, kind: FaultKind): void {
  if (typeof error === 'object' && error !== null) reported.add(error);
  const uri = request === null ? undefined : requestLine(request);
  const params = { name: owner.name, kind, during: scheduledBy(uri) };
  try {
    if (!isRefusal(error))
      owner.logger.error(
        { code: 'SV_ERR_WEBAPP_FAULT', webapp: owner.name, uri, ...errorFields(error) },
        formatMessage('SV_ERR_WEBAPP_FAULT', params),
      );
  } finally {
    if (request !== null) failRequest(request, error);
  }
}

/** Logs a fault no webapp can be charged with; the caller keeps serving. */
export function reportContainerFault(logger: Logger, error: unknown, kind: string): void {
  if (typeof error === 'object' && error !== null) reported.add(error);
  logger.error({ code: 'SV_ERR_CONTAINER_FAULT', ...errorFields(error) }, formatMessage('SV_ERR_CONTAINER_FAULT', { kind }));
}

/**
 * The error a refused process.exit(), abort() or kill() of the server throws into the app code that called it
 * (Tomcat under a SecurityManager throws from System.exit the same way): the code after the call does not run, a
 * request it served ends with a 500. The attempt is logged here, once, as the app's fault.
 */
export function refuseExit(owner: FaultOwner, request: FaultRequest | null, call: string): ContainerError {
  const uri = request === null ? undefined : requestLine(request);
  const params = { name: owner.name, call, during: scheduledBy(uri) };
  const error = new ContainerError('SV_ERR_WEBAPP_EXIT_REFUSED', params);
  reported.add(error);
  refusals.add(error);
  owner.logger.error({ code: error.code, webapp: owner.name, uri, err: error }, error.message);
  return error;
}

/**
 * Whether process.kill(pid, signal) would signal this process: its own pid, or a process group it may belong to
 * (0, -1 and negative pids; Node cannot tell this process's group). Signal 0 only probes, and is let through.
 */
export function signalsThisProcess(pid: unknown, signal: unknown): boolean {
  if (signal === 0 || signal === '0') return false;
  const target = Number(pid);
  return target === process.pid || target <= 0;
}

/** The request is the one that ran, or scheduled, the code at fault; it may have been answered since. */
function scheduledBy(uri: string | undefined): string {
  return uri === undefined ? '' : ` in work of request [${uri}]`;
}

function requestLine(request: FaultRequest): string | undefined {
  try {
    return `${request.getMethod()} ${request.getRequestURI()}`;
  } catch {
    return undefined; // a request already recycled: the fault is still logged, without its URI
  }
}

/** pino's `err` serializer keeps an Error's stack and cause; anything else thrown is logged as its text. */
function errorFields(error: unknown): { err: unknown } | { thrown: string } {
  if (error instanceof Error || (typeof error === 'object' && error !== null && typeof (error as { stack?: unknown }).stack === 'string')) {
    return { err: error };
  }
  let text: string;
  try {
    text = String(error);
  } catch {
    text = Object.prototype.toString.call(error);
  }
  return { thrown: text };
}

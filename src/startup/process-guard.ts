/**
 * The process-level half of fault containment (core/faults.ts), installed by `catalina run` and by each worker
 * thread of a blocking-style connector:
 * - 'uncaughtException' and 'unhandledRejection' handlers charge what escapes to the webapp whose file is in the
 *   error's stack, or log it as the container's own, and the process keeps serving (Node's default is to end it
 *   with exit code 1 and every app with it);
 * - process.exit(), reallyExit(), abort(), and a kill() that would signal this process, are refused on the real
 *   `process` object, which every app can reach as globalThis.process. The container's own exits (the end of
 *   `catalina run` after a stop or a failed start, a worker thread's stop) go through exitProcess().
 */
import type { Logger } from 'pino';
import {
  active,
  currentCharge,
  isRefusal,
  ownerOfStack,
  refuseExit,
  reportContainerFault,
  reportWebappFault,
  signalsThisProcess,
} from '../core/faults.js';
import { ContainerError } from '../errors/container-error.js';
import { formatMessage } from '../errors/codes.js';

interface Originals {
  readonly exit: (code?: number) => never;
  readonly reallyExit: ((code?: number) => never) | undefined;
  readonly abort: () => never;
  readonly kill: (pid: number, signal?: string | number) => true;
}

type Guarded = NodeJS.Process & { reallyExit?: (code?: number) => never };

let installed: { readonly originals: Originals; readonly uninstall: () => void } | null = null;
/** Set by exitProcess(): the real exit() then calls process.reallyExit(), which must let it through. */
let containerExiting = false;
/** Exits refused with nothing of any app on the stack: logged when refused, not again when they escape. */
const refusedUnowned = new WeakSet<object>();

/**
 * Installs the handlers and the exit guards on this thread's `process`; returns what removes them again (tests).
 * Installing twice is a programming error.
 */
export function installProcessGuard(logger: Logger): () => void {
  if (installed !== null) throw new Error('the process guard is installed already');
  const guarded = process as Guarded;
  // Kept as they are (not bound) so that uninstalling puts the very same functions back.
  const originals: Originals = {
    exit: Reflect.get(guarded, 'exit'),
    reallyExit: Reflect.get(guarded, 'reallyExit'),
    abort: Reflect.get(guarded, 'abort'),
    kill: Reflect.get(guarded, 'kill'),
  };

  const onUncaught = (error: unknown): void => contain(logger, error, 'uncaught exception');
  const onUnhandled = (reason: unknown): void => contain(logger, reason, 'unhandled rejection');
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUnhandled);

  const refuse = (call: string): never => {
    const charge = currentCharge();
    if (charge !== null) throw refuseExit(charge.owner, charge.request, call);
    // Nothing of any app is on the stack (`setTimeout(process.exit)` through globalThis): refused all the same,
    // since the container's own exits do not come this way.
    const error = new ContainerError('SV_ERR_CONTAINER_FAULT', { kind: `refused call to ${call}` });
    reportContainerFault(logger, error, `refused call to ${call}`);
    refusedUnowned.add(error);
    throw error;
  };
  guarded.exit = function exit(): never {
    return refuse('process.exit()');
  };
  if (originals.reallyExit !== undefined) {
    const reallyExit = originals.reallyExit;
    guarded.reallyExit = function (code?: number): never {
      if (containerExiting) return reallyExit.call(process, code);
      return refuse('process.reallyExit()');
    };
  }
  guarded.abort = function abort(): never {
    return refuse('process.abort()');
  };
  guarded.kill = function kill(pid: number, signal?: string | number): true {
    if (signalsThisProcess(pid, signal ?? 'SIGTERM')) refuse(`process.kill(${String(pid)})`);
    return originals.kill.call(process, pid, signal);
  };

  const uninstall = (): void => {
    process.removeListener('uncaughtException', onUncaught);
    process.removeListener('unhandledRejection', onUnhandled);
    guarded.exit = originals.exit;
    if (originals.reallyExit !== undefined) guarded.reallyExit = originals.reallyExit;
    guarded.abort = originals.abort;
    guarded.kill = originals.kill;
    installed = null;
  };
  installed = { originals, uninstall };
  return uninstall;
}

/** The container's own way to end this process (or, in a worker thread, the thread): never refused. */
export function exitProcess(code: number): never {
  containerExiting = true;
  const exit = installed?.originals.exit ?? Reflect.get(process, 'exit');
  return exit.call(process, code);
}

/**
 * Charges an uncaught error or unhandled rejection to the webapp whose file its stack names, else to the code
 * running right now (a throw out of a synchronous dispatch never gets here: the wrapper valve catches it), else
 * logs it as the container's. Never throws: a throw from this handler would end the process after all.
 */
function contain(logger: Logger, error: unknown, kind: 'uncaught exception' | 'unhandled rejection'): void {
  try {
    // A refused exit thrown out of a callback was logged when it was refused.
    if (isRefusal(error) || refusedUnowned.has(error as object)) return;
    const owner = ownerOfStack(error) ?? active.owner;
    if (owner !== null) reportWebappFault(owner, owner === active.owner ? active.request : null, error, kind);
    else reportContainerFault(logger, error, kind);
  } catch (failure) {
    try {
      process.stderr.write(`${formatMessage('SV_ERR_CONTAINER_FAULT', { kind })}: ${String(failure)}\n`);
    } catch {
      // Nothing is left to report with.
    }
  }
}

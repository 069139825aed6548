// The exit guards on the real `process` (startup/process-guard.ts): what an app reaches through globalThis.process
// is refused and charged to it by its stack; what nothing ties to an app is refused as the container's; probes and
// other processes go through; uninstalling puts the very same functions back. (The uncaughtException and
// unhandledRejection handlers are exercised in a child process by test/e2e/faults, where no test runner listens.)
import { compileFunction } from 'node:vm';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { registerFaultOwner } from '../../../src/core/faults.js';
import { ContainerError } from '../../../src/errors/container-error.js';
import { installProcessGuard } from '../../../src/startup/process-guard.js';

interface Line {
  code?: string;
  webapp?: string;
  msg: string;
}

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function guard(): { container: Line[]; app: Line[] } {
  const container: Line[] = [];
  const app: Line[] = [];
  const sink = (lines: Line[]) => pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as Line) });
  cleanups.push(registerFaultOwner('/srv/webapps/shop', { name: 'shop', logger: sink(app) }));
  cleanups.push(installProcessGuard(sink(container)));
  return { container, app };
}

/** Calls `process[method](...args)` from code compiled under the shop webapp's docBase, as the loader compiles it. */
function fromShop(method: string, ...args: unknown[]): unknown {
  const call = compileFunction('return globalThis.process[method](...args)', ['method', 'args'], {
    filename: '/srv/webapps/shop/WEB-INF/classes/shop.js',
  });
  return call(method, args);
}

function thrownBy(fn: () => unknown): ContainerError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ContainerError);
    return error as ContainerError;
  }
  throw new Error('expected the call to be refused');
}

describe('the process guard', () => {
  it.each([
    ['exit', [1], 'process.exit()'],
    ['reallyExit', [1], 'process.reallyExit()'],
    ['abort', [], 'process.abort()'],
    ['kill', [process.pid, 'SIGTERM'], `process.kill(${process.pid})`],
  ])('refuses %s from app code through globalThis.process, charged to the app by its stack', (method, args, call) => {
    const { app, container } = guard();
    expect(thrownBy(() => fromShop(method, ...args)).code).toBe('SV_ERR_WEBAPP_EXIT_REFUSED');
    expect(app).toHaveLength(1);
    expect(app[0]).toMatchObject({ code: 'SV_ERR_WEBAPP_EXIT_REFUSED', webapp: 'shop' });
    expect(app[0]!.msg).toContain(`called [${call}]`);
    expect(container).toEqual([]);
  });

  it('refuses an exit that nothing ties to an app, as the container fault', () => {
    const { app, container } = guard();
    expect(thrownBy(() => process.exit(1)).code).toBe('SV_ERR_CONTAINER_FAULT');
    expect(app).toEqual([]);
    expect(container[0]).toMatchObject({
      code: 'SV_ERR_CONTAINER_FAULT',
      msg: 'A fault that no web application can be charged with (refused call to process.exit()); the server keeps serving',
    });
  });

  it('lets a probe of this process through', () => {
    const { app, container } = guard();
    expect(fromShop('kill', process.pid, 0)).toBe(true);
    expect([...app, ...container]).toEqual([]);
  });

  it('uninstalls to the very same functions and listeners it found', () => {
    const before = {
      exit: Reflect.get(process, 'exit') as unknown,
      reallyExit: Reflect.get(process, 'reallyExit') as unknown,
      abort: Reflect.get(process, 'abort') as unknown,
      kill: Reflect.get(process, 'kill') as unknown,
      uncaught: process.listenerCount('uncaughtException'),
      unhandled: process.listenerCount('unhandledRejection'),
    };
    const uninstall = installProcessGuard(pino({ level: 'silent' }));
    expect(Reflect.get(process, 'exit')).not.toBe(before.exit);
    expect(process.listenerCount('uncaughtException')).toBe(before.uncaught + 1);
    expect(() => installProcessGuard(pino({ level: 'silent' }))).toThrow('installed already');
    uninstall();
    expect({
      exit: Reflect.get(process, 'exit'),
      reallyExit: Reflect.get(process, 'reallyExit') as unknown,
      abort: Reflect.get(process, 'abort'),
      kill: Reflect.get(process, 'kill'),
      uncaught: process.listenerCount('uncaughtException'),
      unhandled: process.listenerCount('unhandledRejection'),
    }).toEqual(before);
  });
});

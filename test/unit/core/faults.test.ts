// Fault attribution (core/faults.ts): which webapp a stack names, what `active` charges, how a still-running
// request is failed, what is logged.
import { compileFunction } from 'node:vm';
import { pino, type Logger } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import {
  active,
  currentCharge,
  failable,
  failRequest,
  isRefusal,
  ownerOfStack,
  refuseExit,
  registerFaultOwner,
  reportContainerFault,
  reportWebappFault,
  signalsThisProcess,
  wasReported,
  type FaultOwner,
  type FaultRequest,
} from '../../../src/core/faults.js';
import { ContainerError } from '../../../src/errors/container-error.js';

interface Line {
  code?: string;
  webapp?: string;
  uri?: string;
  msg: string;
  err?: { message: string; stack: string };
  thrown?: string;
}

function capture(): { logger: Logger; lines: Line[] } {
  const lines: Line[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as Line) });
  return { logger, lines };
}

function owner(name: string): FaultOwner & { lines: Line[] } {
  const { logger, lines } = capture();
  return { name, logger, lines };
}

const request = (uri: string): FaultRequest => ({ getMethod: () => 'GET', getRequestURI: () => uri });

/** An error whose stack's frames are in `file` (compiled there, as the webapp loader compiles modules). */
function errorFrom(file: string, message = 'boom'): Error {
  return compileFunction('return new Error(message)', ['message'], { filename: file })(message) as Error;
}

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  active.owner = null;
  active.request = null;
});
function register(docBase: string, faultOwner: FaultOwner): void {
  cleanups.push(registerFaultOwner(docBase, faultOwner));
}

describe('ownerOfStack', () => {
  it('names the webapp whose docBase holds a file of the stack', () => {
    const shop = owner('shop');
    register('/srv/webapps/shop', shop);
    expect(ownerOfStack(errorFrom('/srv/webapps/shop/WEB-INF/classes/cart.js'))).toBe(shop);
    expect(ownerOfStack(errorFrom('/srv/container/dist/core/host.js'))).toBeNull();
  });

  it('does not take a docBase for its sibling that merely starts with the same name', () => {
    register('/srv/webapps/shop', owner('shop'));
    expect(ownerOfStack(errorFrom('/srv/webapps/shop#cart/WEB-INF/classes/cart.js'))).toBeNull();
  });

  it('takes the longest docBase when one app lies inside another', () => {
    const outer = owner('outer');
    const inner = owner('inner');
    register('/srv/apps', outer);
    register('/srv/apps/inner', inner);
    expect(ownerOfStack(errorFrom('/srv/apps/inner/WEB-INF/classes/a.js'))).toBe(inner);
    expect(ownerOfStack(errorFrom('/srv/apps/other.js'))).toBe(outer);
  });

  it('takes the topmost frame that names an app (the code closest to the throw)', () => {
    const a = owner('a');
    const b = owner('b');
    register('/srv/a', a);
    register('/srv/b', b);
    const callsB = compileFunction('return inner()', ['inner'], { filename: '/srv/a/WEB-INF/classes/outer.js' });
    const error = callsB(() => errorFrom('/srv/b/WEB-INF/classes/inner.js')) as Error;
    expect(ownerOfStack(error)).toBe(b);
  });

  it('reads frames only: a path in the message charges nobody', () => {
    register('/srv/webapps/shop', owner('shop'));
    const error = new Error('cannot read /srv/webapps/shop/WEB-INF/web.xml');
    expect(ownerOfStack(error)).toBeNull();
  });

  it('charges nobody for values without a stack, or whose stack getter throws', () => {
    register('/srv/webapps/shop', owner('shop'));
    expect(ownerOfStack('a string')).toBeNull();
    expect(ownerOfStack(undefined)).toBeNull();
    expect(ownerOfStack({ stack: 42 })).toBeNull();
    const hostile = Object.defineProperty({}, 'stack', {
      get() {
        throw new Error('no');
      },
    });
    expect(ownerOfStack(hostile)).toBeNull();
  });

  it('forgets an app once unregistered; the newest registration of a docBase wins', () => {
    const old = owner('shop-old');
    const current = owner('shop-new');
    const unregisterOld = registerFaultOwner('/srv/webapps/shop', old);
    const unregisterNew = registerFaultOwner('/srv/webapps/shop', current);
    const error = errorFrom('/srv/webapps/shop/WEB-INF/classes/a.js');
    expect(ownerOfStack(error)).toBe(current);
    unregisterNew();
    expect(ownerOfStack(error)).toBe(old);
    unregisterOld();
    expect(ownerOfStack(error)).toBeNull();
  });
});

describe('currentCharge', () => {
  it('is what runs now when `active` says so, with its request', () => {
    const shop = owner('shop');
    const req = request('/shop/cart');
    active.owner = shop;
    active.request = req;
    expect(currentCharge()).toEqual({ owner: shop, request: req });
  });

  it('otherwise the app whose code is on the caller stack, without a request', () => {
    const shop = owner('shop');
    register('/srv/webapps/shop', shop);
    const fromApp = compileFunction('return charge()', ['charge'], { filename: '/srv/webapps/shop/WEB-INF/classes/a.js' });
    expect(fromApp(currentCharge)).toEqual({ owner: shop, request: null });
    expect(currentCharge()).toBeNull();
  });
});

describe('failable and failRequest', () => {
  it('settles as the servlet does when no fault comes', async () => {
    const req = request('/a');
    const done = failable(req, Promise.resolve());
    await expect(done).resolves.toBeUndefined();
    expect(failRequest(req, new Error('late'))).toBe(false);
  });

  it('a fault rejects the still-running request with that error, once', async () => {
    const req = request('/a');
    const done = failable(req, new Promise<void>(() => undefined));
    const error = new Error('fault');
    expect(failRequest(req, error)).toBe(true);
    await expect(done).rejects.toBe(error);
    expect(failRequest(req, new Error('again'))).toBe(false);
  });

  it('a nested dispatch is failed first; the outer one is failable again once it settled', async () => {
    const req = request('/a');
    const outer = failable(req, new Promise<void>(() => undefined));
    let finishInner!: () => void;
    const inner = failable(req, new Promise<void>((resolve) => (finishInner = resolve)));
    finishInner();
    await inner;
    const error = new Error('fault');
    expect(failRequest(req, error)).toBe(true);
    await expect(outer).rejects.toBe(error);
  });
});

describe('reporting', () => {
  it('logs an app fault with its code, app, request and stack, and fails the request', async () => {
    const shop = owner('shop');
    const req = request('/shop/cart');
    const running = failable(req, new Promise<void>(() => undefined));
    const error = new Error('thrown in a timer');
    reportWebappFault(shop, req, error, 'throw in a timer');
    await expect(running).rejects.toBe(error);
    expect(shop.lines).toHaveLength(1);
    const line = shop.lines[0]!;
    expect(line.code).toBe('SV_ERR_WEBAPP_FAULT');
    expect(line.webapp).toBe('shop');
    expect(line.uri).toBe('GET /shop/cart');
    expect(line.err?.stack).toContain('thrown in a timer');
    expect(line.msg).toBe(
      'Web application [shop] let an error escape its code (throw in a timer) in work of request [GET /shop/cart]; it is charged to that application and the server keeps serving',
    );
    expect(wasReported(error)).toBe(true);
  });

  it('logs a thrown value that is not an Error as text', () => {
    const shop = owner('shop');
    reportWebappFault(shop, null, 'a string', 'uncaught exception');
    expect(shop.lines[0]).toMatchObject({ code: 'SV_ERR_WEBAPP_FAULT', thrown: 'a string' });
    expect(shop.lines[0]!.uri).toBeUndefined();
  });

  it('a refused exit is logged once, as a refusal, and not again when it escapes as a fault', () => {
    const shop = owner('shop');
    const refusal = refuseExit(shop, request('/shop/exit'), 'process.exit()');
    expect(refusal).toBeInstanceOf(ContainerError);
    expect(refusal.code).toBe('SV_ERR_WEBAPP_EXIT_REFUSED');
    expect(isRefusal(refusal)).toBe(true);
    reportWebappFault(shop, null, refusal, 'throw in a timer');
    expect(shop.lines.map((l) => l.code)).toEqual(['SV_ERR_WEBAPP_EXIT_REFUSED']);
    expect(shop.lines[0]!.msg).toBe(
      'Web application [shop] called [process.exit()] in work of request [GET /shop/exit]; refused: a web application cannot end or signal the server process',
    );
  });

  it('a container fault has its own code and no app', () => {
    const { logger, lines } = capture();
    reportContainerFault(logger, new Error('bug'), 'uncaught exception');
    expect(lines[0]).toMatchObject({
      code: 'SV_ERR_CONTAINER_FAULT',
      msg: 'A fault that no web application can be charged with (uncaught exception); the server keeps serving',
    });
    expect(lines[0]!.webapp).toBeUndefined();
  });
});

describe('signalsThisProcess', () => {
  it('is true for this pid and for process groups, false for a probe and for other processes', () => {
    expect(signalsThisProcess(process.pid, 'SIGTERM')).toBe(true);
    expect(signalsThisProcess(String(process.pid), 'SIGKILL')).toBe(true);
    expect(signalsThisProcess(0, 'SIGTERM')).toBe(true);
    expect(signalsThisProcess(-1, 'SIGKILL')).toBe(true);
    expect(signalsThisProcess(-process.pid, 'SIGTERM')).toBe(true);
    expect(signalsThisProcess(process.pid, 0)).toBe(false);
    expect(signalsThisProcess(process.ppid, 'SIGTERM')).toBe(false);
  });
});

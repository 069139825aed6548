import * as nodeFs from 'node:fs';
import * as nodePath from 'node:path';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ContainerError } from '../../../src/errors/container-error.js';
import { active, failable, ownerOfStack } from '../../../src/core/faults.js';
import * as servletApi from '../../../src/servlet/index.js';
import { WebappLoader } from '../../../src/deploy/webapp-loader.js';
import { DefaultServlet } from '../../../src/builtin-servlets/default-servlet.js';

const webapps = join(__dirname, '..', '..', 'fixtures', 'webapps');
const basic = join(webapps, 'loader-basic');
const classes = join(basic, 'WEB-INF', 'classes');
const shared = new Map<string, unknown>([
  ['serval/servlet', servletApi],
  ['serval', servletApi],
]);

const open: WebappLoader[] = [];
function loader(docBase = basic, name = 'demo'): WebappLoader {
  const created = new WebappLoader({ docBase, name, shared, logger: pino({ level: 'silent' }) });
  open.push(created);
  return created;
}
afterEach(() => {
  for (const l of open.splice(0)) l.close();
});

function thrown(fn: () => unknown): ContainerError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ContainerError);
    return error as ContainerError;
  }
  throw new Error('expected an error');
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(condition()).toBe(true);
}

describe('WebappLoader.loadClass', () => {
  it('maps a dotted name to a file in nested packages and returns module.exports when it is a class', () => {
    const Hello = loader().loadClass('com.example.deep.Hello');
    expect(Hello.name).toBe('Hello');
    const instance = new (Hello as new () => { greet(): string })();
    expect(instance.greet()).toBe('hello from example/deep/Hello.js');
  });

  it('takes the export named after the file, ignoring other exported classes', () => {
    expect(loader().loadClass('com.example.Named').name).toBe('Named');
  });

  it('takes the default export when there is neither a class module nor a same-named export', () => {
    expect(loader().loadClass('com.example.DefaultOnly').name).toBe('DefaultOnly');
  });

  it('takes an explicit export after #', () => {
    const l = loader();
    expect(l.loadClass('com.example.servlets#Other').name).toBe('Other');
    expect(l.loadClass('com.example.servlets#Named').name).toBe('Named');
  });

  it('a missing file is SV_ERR_SERVLET_NOT_FOUND naming the class and the file', () => {
    const error = thrown(() => loader().loadClass('com.example.Missing'));
    expect(error.code).toBe('SV_ERR_SERVLET_NOT_FOUND');
    expect(error.message).toBe('Servlet class [com.example.Missing] was not found at [WEB-INF/classes/com/example/Missing.js]');
  });

  it('refuses class names that are not dotted identifiers (no path tricks)', () => {
    expect(thrown(() => loader().loadClass('..x.Hello')).code).toBe('SV_ERR_SERVLET_NOT_FOUND');
    expect(thrown(() => loader().loadClass('com/example/deep/Hello')).code).toBe('SV_ERR_SERVLET_NOT_FOUND');
  });

  it('a module without a matching class names its exports', () => {
    const error = thrown(() => loader().loadClass('com.example.NoClass'));
    expect(error.code).toBe('SV_ERR_DEPLOY_CLASS_NOT_EXPORTED');
    expect(error.message).toContain('[WEB-INF/classes/com/example/NoClass.js]');
    expect(error.message).toContain('its exports are [answer]');
    expect(thrown(() => loader().loadClass('com.example.servlets#notAClass')).code).toBe('SV_ERR_DEPLOY_CLASS_NOT_EXPORTED');
  });

  it('a module that throws at load is SV_ERR_DEPLOY_MODULE_LOAD with the cause, and is not cached', () => {
    const l = loader();
    const error = thrown(() => l.loadClass('com.example.Thrower'));
    expect(error.code).toBe('SV_ERR_DEPLOY_MODULE_LOAD');
    expect(error.message).toBe('Module [WEB-INF/classes/com/example/Thrower.js] of web application [demo] failed to load: boom at load');
    expect((error.cause as Error).message).toBe('boom at load');
    // Node drops a module that threw from its cache, so a second require evaluates it again.
    expect(thrown(() => l.loadClass('com.example.Thrower')).cause).not.toBe(error.cause);
  });

  it('resolves container classes named by their Tomcat class name before WEB-INF/classes', () => {
    expect(loader().loadClass('org.apache.catalina.servlets.DefaultServlet')).toBe(DefaultServlet);
  });
});

describe('WebappLoader.require: resolution', () => {
  it('loads a WEB-INF/lib package through its package.json main, which finds a sibling package', () => {
    const result = loader().require('./uses-lib') as Record<string, unknown>;
    expect(result).toEqual({
      version: '1.0.0',
      inner: 'inner-dep (sibling in WEB-INF/lib)',
      same: true,
      resolved: join(basic, 'WEB-INF', 'lib', 'shared-lib', 'lib', 'main.js'),
    });
  });

  it('follows package.json exports: the require condition, nested conditions, * patterns, scoped names', () => {
    expect(loader().require('./uses-exports')).toEqual({
      main: 'require condition',
      feature: 'nested conditions',
      wildcard: 'pattern one',
      scoped: '@scope/tool',
    });
  });

  it('refuses a subpath the package does not export', () => {
    const error = thrown(() => loader().require('./uses-hidden'));
    expect(error.code).toBe('SV_ERR_DEPLOY_MODULE_LOAD');
    expect(error.message).toContain('package subpath [./hidden] is not defined by "exports"');
  });

  it('refuses a package that declares "type": "module"', () => {
    const error = thrown(() => loader().require('./uses-esm'));
    expect(error.code).toBe('SV_ERR_DEPLOY_ES_MODULE_SCOPE');
    expect(error.message).toMatch(
      /^\[WEB-INF\/lib\/esm-only\/package\.json\] declares "type": "module", which would make module \[WEB-INF\/lib\/esm-only\/.+\] of web application \[demo\] an ES module/,
    );
  });

  it('refuses an .mjs file, naming it and how to compile to CommonJS', () => {
    const error = thrown(() => loader().require('./uses-mjs'));
    expect(error.code).toBe('SV_ERR_DEPLOY_ES_MODULE');
    expect(error.message).toBe(
      'Module [WEB-INF/classes/esm-file.mjs] of web application [demo] is an ES module (.mjs); webapp code must be CommonJS: compile it with "module": "commonjs" into a .js or .cjs file',
    );
  });

  it("refuses a package.json that is not JSON, with the parser's reason", () => {
    const error = thrown(() => loader().require('./uses-broken-json'));
    expect(error.code).toBe('SV_ERR_DEPLOY_PACKAGE_JSON_INVALID');
    expect(error.message).toMatch(
      /^Package file \[WEB-INF\/lib\/broken-json\/package\.json\] of web application \[demo\] is not valid JSON: \S/,
    );
  });

  it('parses JSON modules and supports require.resolve with extension search', () => {
    expect(loader().require('./uses-json')).toEqual({
      data: { name: 'fixture', list: [1, 2, 3] },
      viaResolve: join(classes, 'data.json'),
    });
  });

  it('gives module code a Node-style MODULE_NOT_FOUND error, so optional dependencies can be probed', () => {
    expect(loader().require('./optional')).toEqual({ code: 'MODULE_NOT_FOUND' });
  });

  it('a missing module at the top level is SV_ERR_DEPLOY_MODULE_LOAD', () => {
    const error = thrown(() => loader().require('no-such-package'));
    expect(error.code).toBe('SV_ERR_DEPLOY_MODULE_LOAD');
    expect(error.message).toContain("Cannot find module 'no-such-package'");
  });

  it('serves shared specifiers and Node builtins parent-first with the very same instances', () => {
    const result = loader().require('./uses-shared') as { servlet: unknown; path: unknown; fs: unknown };
    expect(result.servlet).toBe(servletApi);
    // vitest hands the test an ESM namespace wrapper, so compare the functions inside.
    expect((result.path as typeof nodePath).join).toBe(nodePath.join);
    expect((result.fs as typeof nodeFs).readFileSync).toBe(nodeFs.readFileSync);
    expect(loader().require('serval')).toBe(servletApi);
  });

  it('refuses a relative specifier that leaves the docBase, even though the file exists', () => {
    const escape = join(webapps, 'loader-escape');
    expect(nodeFs.existsSync(join(escape, 'outside.js'))).toBe(true);
    const l = loader(join(escape, 'app'));
    const error = thrown(() => l.require('./escape'));
    expect(error.code).toBe('SV_ERR_DEPLOY_MODULE_OUTSIDE_DOCBASE');
    expect(error.message).toBe(
      `Module [../../../outside] of web application [demo] resolves to [${join(escape, 'outside')}], outside the web application's docBase [${join(escape, 'app')}]`,
    );
    expect(error.message).toContain('outside the web application');
    expect(thrown(() => l.require('./absolute')).code).toBe('SV_ERR_DEPLOY_MODULE_OUTSIDE_DOCBASE');
    expect(thrown(() => l.require('../../../outside')).code).toBe('SV_ERR_DEPLOY_MODULE_OUTSIDE_DOCBASE');
  });

  it('handles cyclic requires like Node: the inner module sees the partial exports', () => {
    const a = loader().require('./cycle/a') as Record<string, unknown>;
    expect(a).toEqual({ early: 'a-early', bSawA: { early: 'a-early', done: false }, done: true });
  });

  it('evaluates a module once per loader', () => {
    const l = loader();
    const first = l.require('./counter') as { next(): number };
    const second = l.require('./counter.js') as { next(): number };
    expect(second).toBe(first);
    expect(first.next()).toBe(1);
    expect(second.next()).toBe(2);
  });
});

describe('WebappLoader: isolation between apps and generations', () => {
  it('two apps with different versions of a same-named WEB-INF/lib package each see their own', () => {
    const one = loader(join(webapps, 'loader-version-1'), 'one').require('./app') as { version: string; label: string };
    const two = loader(join(webapps, 'loader-version-2'), 'two').require('./app') as { version: string; label: string };
    expect(one.version).toBe('1.0.0');
    expect(two.version).toBe('2.0.0');
    expect(one.label).toBe('same-lib from loader-version-1');
    expect(two.label).toBe('same-lib from loader-version-2');
  });

  it('a fresh loader after close() evaluates modules again (new module state)', () => {
    const first = loader();
    const counter = first.require('./counter') as { next(): number };
    expect(counter.next()).toBe(1);
    expect(counter.next()).toBe(2);
    first.close();
    expect(thrown(() => first.require('./counter')).message).toContain('loader closed');

    const second = loader().require('./counter') as { next(): number };
    expect(second).not.toBe(counter);
    expect(second.next()).toBe(1);
  });

  it('close() clears the intervals and timeouts the app left running and reports them', async () => {
    const l = loader();
    const leaky = l.require('./leaky') as { ticks(): number };
    await until(() => leaky.ticks() >= 2);
    const cleared = l.close();
    expect(cleared).toEqual(['setInterval created by [WEB-INF/classes/leaky.js]', 'setTimeout created by [WEB-INF/classes/leaky.js]']);
    const after = leaky.ticks();
    await new Promise((r) => setTimeout(r, 40));
    expect(leaky.ticks()).toBe(after);
  });

  it('timers that fired, or were cleared (also by primitive id), are not reported', async () => {
    const l = loader();
    const tidy = l.require('./tidy') as { fired(): number };
    await until(() => tidy.fired() === 3);
    expect(l.close()).toEqual([]);
  });
});

describe('WebappLoader.listClassFiles', () => {
  it('lists .js files under WEB-INF/classes, sorted and absolute', () => {
    const files = loader()
      .listClassFiles()
      .map((f) => nodePath.relative(classes, f));
    expect(files).toContain(join('com', 'example', 'deep', 'Hello.js'));
    expect(files).toContain('leaky.js');
    expect(files).not.toContain('data.json');
    expect(files).toEqual([...files].sort());
  });

  it('is empty for an app without WEB-INF/classes', () => {
    expect(loader(join(webapps, 'loader-escape')).listClassFiles()).toEqual([]);
  });
});

describe('WebappLoader: faults of module code stay the app (issue #18)', () => {
  const faultsApp = join(webapps, 'loader-faults');

  interface Line {
    code?: string;
    webapp?: string;
    uri?: string;
    msg: string;
    err?: { message: string; stack: string };
  }
  interface Faulty {
    timer(message: string): void;
    immediate(message: string): void;
    interval(message: string): void;
    microtask(message: string): void;
    tick(message: string): void;
    nestedTimer(message: string): void;
    exit(code?: number): void;
    reallyExit(code?: number): void;
    abort(): void;
    kill(pid: number, signal?: string | number): boolean;
    makeError(message: string): Error;
    processFunctions(): Record<string, unknown>;
    process(): NodeJS.Process;
  }

  function faultyApp(): { faulty: Faulty; lines: Line[]; loader: WebappLoader } {
    const lines: Line[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as Line) });
    const created = new WebappLoader({ docBase: faultsApp, name: 'faulty', shared, logger });
    open.push(created);
    return { faulty: created.require('./faulty') as Faulty, lines, loader: created };
  }

  afterEach(() => {
    active.owner = null;
    active.request = null;
  });

  it.each([
    ['timer', 'throw in a timer'],
    ['immediate', 'throw in an immediate'],
    ['microtask', 'throw in a microtask'],
    ['tick', 'throw in a nextTick callback'],
    ['nestedTimer', 'throw in a timer'],
  ] as const)('a throw in a callback scheduled by %s is logged as the app fault, and reaches nobody else', async (fn, kind) => {
    const { faulty, lines } = faultyApp();
    faulty[fn](`from ${fn}`);
    await until(() => lines.length > 0);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ code: 'SV_ERR_WEBAPP_FAULT', webapp: 'faulty' });
    expect(lines[0]!.msg).toContain(`(${kind});`);
    expect(lines[0]!.err?.message).toBe(`from ${fn}`);
    expect(lines[0]!.err?.stack).toContain(join('loader-faults', 'WEB-INF', 'classes', 'faulty.js'));
  });

  it('work scheduled while a request runs is charged to it, also two timers down, and fails it while it runs', async () => {
    const { faulty, lines } = faultyApp();
    const request = { getMethod: () => 'GET', getRequestURI: () => '/faulty/nested' };
    active.request = request;
    const scheduledBefore = active.scheduled;
    faulty.nestedTimer('two timers down');
    active.request = null;
    // The wrapper valve makes a request failable when it scheduled work (core/wrapper-valve.ts).
    expect(active.scheduled).toBe(scheduledBefore + 1);
    const running = failable(request, new Promise<void>(() => undefined));
    await expect(running).rejects.toMatchObject({ message: 'two timers down' });
    expect(lines[0]).toMatchObject({ code: 'SV_ERR_WEBAPP_FAULT', uri: 'GET /faulty/nested' });
  });

  it('an interval that throws is cleared after its first fault: close() finds nothing left running', async () => {
    const { faulty, lines, loader: l } = faultyApp();
    faulty.interval('from an interval');
    await until(() => lines.length > 0);
    expect(lines[0]!.msg).toContain('(throw in an interval)');
    // Cleared: close() finds no interval left running to report.
    expect(l.close()).toEqual([]);
    expect(lines).toHaveLength(1);
  });

  it.each([
    ['exit', () => ['exit', 3], 'process.exit()'],
    ['reallyExit', () => ['reallyExit', 3], 'process.reallyExit()'],
    ['abort', () => ['abort'], 'process.abort()'],
    ['kill', () => ['kill', process.pid], `process.kill(${process.pid})`],
    ['kill group', () => ['kill', 0, 'SIGKILL'], 'process.kill(0)'],
  ] as const)('%s is refused: it throws into the caller and is logged as the app fault', (_name, call, shown) => {
    const { faulty, lines } = faultyApp();
    const [fn, ...args] = call() as [keyof Faulty, ...unknown[]];
    let thrown: unknown;
    try {
      (faulty[fn] as (...a: unknown[]) => unknown)(...args);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ContainerError);
    expect((thrown as ContainerError).code).toBe('SV_ERR_WEBAPP_EXIT_REFUSED');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ code: 'SV_ERR_WEBAPP_EXIT_REFUSED', webapp: 'faulty' });
    expect(lines[0]!.msg).toContain(`called [${shown}]`);
  });

  it('kill() of another process, or a probe of this one, goes through', () => {
    const { faulty, lines } = faultyApp();
    expect(faulty.kill(process.pid, 0)).toBe(true);
    expect(lines).toEqual([]);
  });

  it('an Error created by module code names the app through its stack until the loader closes', () => {
    const { faulty, loader: l } = faultyApp();
    const error = faulty.makeError('made by the app');
    expect(ownerOfStack(error)?.name).toBe('faulty');
    l.close();
    expect(ownerOfStack(error)).toBeNull();
  });
});

describe('WebappLoader: the process proxy behaves like process where it does not intercept', () => {
  it('keeps the own properties of process functions (hrtime.bigint, memoryUsage.rss) and runs them on process', () => {
    const l = loader(join(webapps, 'loader-faults'), 'proxy');
    const faulty = l.require('./faulty') as { processFunctions(): Record<string, unknown>; process(): NodeJS.Process };
    const onEvent = (): void => undefined;
    process.on('serval-test-event', onEvent);
    try {
      expect(faulty.processFunctions()).toEqual({
        hrtimeBigint: 'bigint',
        memoryUsageRss: 'number',
        hrtime: true,
        cwd: process.cwd(),
        sameFunction: true,
        emitReturns: true,
        listenerCount: 1,
      });
    } finally {
      process.off('serval-test-event', onEvent);
    }
    const seen = faulty.process();
    expect(seen.pid).toBe(process.pid);
    expect(seen.env).toBe(process.env);
    expect(seen.hrtime.bigint).toBe(process.hrtime.bigint);
    expect(seen.memoryUsage.rss).toBe(process.memoryUsage.rss);
    expect(seen.versions).toBe(process.versions);
  });
});

/**
 * The per-webapp module loader (Tomcat's WebappClassLoader for CommonJS): its own module registry and
 * vm.compileFunction, so an undeployed app's modules can be dropped whole (node-runtime.md §4). It reads
 * through the webapp's resources, so modules load the same from a directory or straight from a bundle;
 * webapp-module-resolver.ts finds the file a specifier names.
 * Long because it also builds what each module is given in place of the globals it must not share (timers,
 * process), each of which the README documents.
 */
import { builtinModules } from 'node:module';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { compileFunction } from 'node:vm';
import type { Logger } from 'pino';
import { ContainerError, DeployError } from '../errors/container-error.js';
import {
  active,
  refuseExit,
  registerFaultOwner,
  reportWebappFault,
  signalsThisProcess,
  type FaultKind,
  type FaultOwner,
  type FaultRequest,
} from '../core/faults.js';
import { loadBuiltinClass } from './builtin-classes.js';
import { WebappModuleResolver } from './webapp-module-resolver.js';
import { DirectoryResources, type WebappResources } from '../resources/webapp-resources.js';
import { clearRunning, publishRunning } from '../core/loop-activity.js';

export interface WebappLoaderOptions {
  /** The webapp's root (the directory or bundle holding WEB-INF). */
  docBase: string;
  /** Where its files are read from; the docBase directory when absent. Module file names are `<docBase>/<path>`. */
  resources?: WebappResources;
  /** The context name, for messages. */
  name: string;
  /** Specifiers served parent-first with the container's own instance, e.g. `serval/servlet` → the servlet API. */
  shared: ReadonlyMap<string, unknown>;
  logger: Logger;
}

export type LoadedClass = new (...args: never[]) => unknown;

/** What a webapp module sees as `module` (the parts of Node's Module that libraries use). */
export interface WebappModule {
  readonly id: string;
  readonly filename: string;
  readonly path: string;
  exports: unknown;
  loaded: boolean;
  readonly parent: WebappModule | null;
  readonly children: WebappModule[];
  readonly require: WebappRequire;
}

export interface WebappRequire {
  (specifier: string): unknown;
  resolve(specifier: string): string;
  main: undefined;
}

type Resolved = { kind: 'shared'; value: unknown } | { kind: 'builtin'; id: string } | { kind: 'file'; filename: string };

const MODULE_PARAMETERS = [
  'exports',
  'require',
  'module',
  '__filename',
  '__dirname',
  'setTimeout',
  'setInterval',
  'setImmediate',
  'clearTimeout',
  'clearInterval',
  'clearImmediate',
  'queueMicrotask',
  'process',
];
/** The `process` methods that add a listener; the app's own listeners are tracked so close() can remove them. */
const ADD_LISTENER = new Set(['on', 'addListener', 'once', 'prependListener', 'prependOnceListener']);
const REMOVE_LISTENER = new Set(['off', 'removeListener']);
/** The `process` methods that end the process (reallyExit is what exit() calls once 'exit' listeners ran). */
const EXIT = new Set(['exit', 'reallyExit', 'abort']);
/** Every `process` property the per-module proxy answers with its own function (WebappLoader.#intercept). */
const INTERCEPTED = new Set<PropertyKey>([...ADD_LISTENER, ...REMOVE_LISTENER, 'removeAllListeners', ...EXIT, 'kill', 'nextTick']);
const BUILTINS = new Set(builtinModules);
const nodeRequire = require;

type TimerKind = 'setTimeout' | 'setInterval' | 'setImmediate';
type Callback = (...args: unknown[]) => unknown;
type TimerHandle = NodeJS.Timeout | NodeJS.Immediate;

export class WebappLoader {
  readonly #name: string;
  readonly #docBase: string;
  readonly #classesDir: string;
  readonly #shared: ReadonlyMap<string, unknown>;
  readonly #logger: Logger;
  readonly #resources: WebappResources;
  readonly #registry = new Map<string, WebappModule>();
  /** The webapp's files as modules see them: resolution, and what the loader reads and reports. */
  readonly #files: WebappModuleResolver;
  /** Live timers the app created through the wrapped globals, with the module that created each. */
  readonly #timers = new Map<TimerHandle, { kind: TimerKind; module: string }>();
  /** Listeners the app added to `process` (through the per-module process proxy), with the adding module. */
  readonly #processListeners: { event: string | symbol; listener: (...args: unknown[]) => void; module: string }[] = [];
  /** What faults of this app's code are charged to (core/faults.ts). */
  readonly #owner: FaultOwner;
  readonly #unregisterOwner: () => void;
  #closed = false;

  constructor(options: WebappLoaderOptions) {
    this.#name = options.name;
    this.#docBase = resolve(options.docBase);
    this.#resources = options.resources ?? new DirectoryResources(this.#docBase);
    this.#classesDir = join(this.#docBase, 'WEB-INF', 'classes');
    this.#files = new WebappModuleResolver(options.name, this.#docBase, this.#resources);
    this.#shared = options.shared;
    this.#logger = options.logger;
    this.#owner = { name: options.name, logger: options.logger };
    // Every module is compiled under its real path below the docBase, so a stack frame there names this app.
    this.#unregisterOwner = registerFaultOwner(this.#docBase, this.#owner);
  }

  get docBase(): string {
    return this.#docBase;
  }

  get classesDir(): string {
    return this.#classesDir;
  }

  /**
   * Shared specifiers and Node builtins resolve parent-first; everything else child-first from the app:
   * relative paths from `fromFile` (default WEB-INF/classes/), bare names from node_modules folders up to
   * the docBase and then WEB-INF/lib (a node_modules folder by another name). Nothing outside the docBase.
   */
  require(specifier: string, fromFile?: string): unknown {
    this.#checkOpen(specifier);
    const baseDir = fromFile === undefined ? this.#classesDir : dirname(resolve(fromFile));
    let resolved: Resolved;
    try {
      resolved = this.#resolve(specifier, baseDir);
    } catch (error) {
      throw this.#wrap(specifier, error);
    }
    return this.#load(resolved, null);
  }

  /**
   * `a.b.Hello` → WEB-INF/classes/a/b/Hello.js (or .cjs), taking module.exports if it is a class, else its
   * export named `Hello`, else its `default` export. `a.b.servlets#Hello` names the export explicitly
   * (`#default` for the default export) — the form the annotation scanner records for modules that export
   * several classes. Tomcat class names of container classes (builtin-classes.ts) resolve first.
   */
  loadClass(className: string): LoadedClass {
    const builtin = loadBuiltinClass(className);
    if (builtin) return builtin;
    const hash = className.indexOf('#');
    const dotted = hash < 0 ? className : className.slice(0, hash);
    const exportName = hash < 0 ? null : className.slice(hash + 1);
    const segments = dotted.split('.');
    const relPath = `WEB-INF/classes/${segments.join('/')}.js`;
    if (!segments.every((s) => /^[\w$-]+$/.test(s)) || (exportName !== null && !/^[A-Za-z_$][\w$]*$/.test(exportName))) {
      throw new ContainerError('SV_ERR_SERVLET_NOT_FOUND', { className, file: relPath });
    }
    const base = join(this.#classesDir, ...segments);
    const file = ['.js', '.cjs'].map((ext) => base + ext).find((f) => this.#files.isFile(f));
    if (!file) throw new ContainerError('SV_ERR_SERVLET_NOT_FOUND', { className, file: relPath });
    const moduleExports = this.require(file);
    const simpleName = segments.at(-1) ?? '';
    const found = pickClassExport(moduleExports, simpleName, exportName);
    if (!found) {
      throw new DeployError('SV_ERR_DEPLOY_CLASS_NOT_EXPORTED', {
        className,
        file: this.#files.relative(file),
        exportName: exportName ?? `${simpleName}] or [default`,
        exports: exportNames(moduleExports).join(', '),
      });
    }
    return found;
  }

  /** Every .js/.cjs file under WEB-INF/classes (node_modules folders excluded), sorted, absolute. */
  listClassFiles(): string[] {
    const files: string[] = [];
    const walk = (dir: string): void => {
      const webPath = this.#files.webPath(dir);
      if (webPath === null) return;
      for (const name of this.#resources.list(webPath)) {
        const full = join(dir, name);
        const info = this.#resources.stat(`${webPath === '/' ? '' : webPath}/${name}`);
        if (info?.isDirectory) {
          if (name !== 'node_modules') walk(full);
        } else if (info?.isFile && (name.endsWith('.js') || name.endsWith('.cjs'))) {
          files.push(full);
        }
      }
    };
    walk(this.#classesDir);
    return files.sort();
  }

  /**
   * Drops the registry and clears the timers, intervals and immediates the app left running through the
   * wrapped timer functions each module receives, and the listeners it left on `process`; returns what was
   * cleared, for a warning (Tomcat's clearReferencesStopTimerThreads in spirit). Timers and listeners reached
   * through `globalThis` are not seen.
   */
  close(): string[] {
    const cleared: string[] = [];
    for (const [handle, { kind, module }] of this.#timers) {
      clearHandle(kind, handle);
      cleared.push(`${kind} created by [${module}]`);
    }
    this.#timers.clear();
    for (const { event, listener, module } of this.#processListeners) {
      if (!(process as NodeJS.EventEmitter).listeners(event).includes(listener)) continue; // a `once` listener that already fired
      process.removeListener(event, listener);
      cleared.push(`a process listener for [${String(event)}] added by [${module}]`);
    }
    this.#processListeners.length = 0;
    this.#registry.clear();
    this.#files.clear();
    this.#unregisterOwner();
    this.#closed = true;
    return cleared;
  }

  #load(resolved: Resolved, parent: WebappModule | null): unknown {
    if (resolved.kind === 'shared') return resolved.value;
    if (resolved.kind === 'builtin') return nodeRequire(resolved.id);
    const filename = resolved.filename;
    const cached = this.#registry.get(filename);
    if (cached) {
      if (parent && !parent.children.includes(cached)) parent.children.push(cached);
      return cached.exports;
    }
    const module = this.#createModule(filename, parent);
    // Registered before evaluation so a cycle sees the partial exports, as in Node.
    this.#registry.set(filename, module);
    parent?.children.push(module);
    try {
      this.#evaluate(module);
      module.loaded = true;
    } catch (error) {
      this.#registry.delete(filename);
      if (parent) parent.children.splice(parent.children.indexOf(module), 1);
      throw this.#wrap(this.#files.relative(filename), error);
    }
    return module.exports;
  }

  #evaluate(module: WebappModule): void {
    const { filename } = module;
    const ext = extname(filename);
    if (ext === '.node') {
      const file = this.#files.relative(filename);
      throw this.#resources.kind === 'archive'
        ? new DeployError('SV_ERR_DEPLOY_NATIVE_ADDON_IN_BUNDLE', { file, name: this.#name, bundle: basename(this.#docBase) })
        : new DeployError('SV_ERR_DEPLOY_NATIVE_ADDON', { file, name: this.#name });
    }
    if (ext === '.mjs') throw new DeployError('SV_ERR_DEPLOY_ES_MODULE', { file: this.#files.relative(filename), name: this.#name });
    const source = this.#files.readText(filename).replace(/^\uFEFF/, '');
    if (ext === '.json') {
      module.exports = JSON.parse(source);
      return;
    }
    if (ext !== '.cjs') {
      const scope = this.#files.packageScope(dirname(filename));
      if (scope?.json.type === 'module') {
        throw new DeployError('SV_ERR_DEPLOY_ES_MODULE_SCOPE', {
          packageJson: this.#files.relative(scope.file),
          file: this.#files.relative(filename),
          name: this.#name,
        });
      }
    }
    // V8 accepts a hashbang only at the start of a script, not inside a function body.
    const body = source.startsWith('#!') ? `//${source.slice(2)}` : source;
    const fn = compileFunction(body, MODULE_PARAMETERS, { filename });
    const timers = this.#timerFunctions(this.#files.relative(filename));
    fn.call(
      module.exports,
      module.exports,
      module.require,
      module,
      filename,
      module.path,
      timers.setTimeout,
      timers.setInterval,
      timers.setImmediate,
      timers.clearTimeout,
      timers.clearInterval,
      timers.clearImmediate,
      timers.queueMicrotask,
      this.#processFor(this.#files.relative(filename)),
    );
  }

  /**
   * Runs a callback the app scheduled through this loader: charged to this app for sure, and to the request it
   * was scheduled from, if any (core/faults.ts). What it throws is logged as the app's fault instead of reaching
   * the process; false then.
   */
  #runCharged(request: FaultRequest | null, kind: FaultKind, callback: Callback, thisArg: unknown, args: readonly unknown[]): boolean {
    const outerOwner = active.owner;
    const outerRequest = active.request;
    active.owner = this.#owner;
    active.request = request;
    publishRunning(this.#owner, request);
    try {
      Reflect.apply(callback, thisArg, args);
      return true;
    } catch (error) {
      reportWebappFault(this.#owner, request, error, kind);
      return false;
    } finally {
      active.owner = outerOwner;
      active.request = outerRequest;
      if (outerOwner === null) clearRunning();
    }
  }

  /**
   * The `process` a module sees: the real one, except for what it deliberately intercepts (README, "Writing a
   * webapp"): listeners it adds are recorded (with the module) so close() can remove what the app left on the one
   * process all webapps share, and it removes only its own; exit(), reallyExit(), abort() and a kill() that
   * would signal this process are refused as the app's fault; nextTick callbacks are charged to the app like
   * its timers. Every other function is process's own, properties included (hrtime.bigint, memoryUsage.rss),
   * and runs on the real process when called on this proxy.
   */
  #processFor(module: string): NodeJS.Process {
    const intercepted = new Map<PropertyKey, unknown>();
    const forwarded = new Map<PropertyKey, { readonly original: Callback; readonly proxy: Callback }>();
    const proxy: NodeJS.Process = new Proxy(process, {
      get: (target, property) => {
        const value: unknown = Reflect.get(target, property, target);
        if (typeof value !== 'function') return value;
        if (INTERCEPTED.has(property)) {
          let own = intercepted.get(property);
          if (own === undefined)
            intercepted.set(property, (own = this.#intercept(property as string, value as Callback, module, () => proxy)));
          return own;
        }
        let entry = forwarded.get(property);
        if (entry === undefined || entry.original !== value) {
          // A function proxy rather than bind(): bind() drops the function's own properties.
          const original = value as Callback;
          entry = {
            original,
            proxy: new Proxy(original, { apply: (fn, thisArg, args) => Reflect.apply(fn, thisArg === proxy ? target : thisArg, args) }),
          };
          forwarded.set(property, entry);
        }
        return entry.proxy;
      },
    });
    return proxy;
  }

  /** The proxy's own version of `process[name]` (one of INTERCEPTED), whose real function is `value`. */
  #intercept(name: string, value: Callback, module: string, proxy: () => NodeJS.Process): unknown {
    const listeners = this.#processListeners;
    if (ADD_LISTENER.has(name)) {
      return (event: string | symbol, listener: (...args: unknown[]) => void): NodeJS.Process => {
        if (this.#closed) {
          this.#logger.warn(
            { webapp: this.#name, module, event: String(event) },
            'a stopped web application tried to add a process listener; it was ignored',
          );
          return proxy();
        }
        value.call(process, event, listener);
        listeners.push({ event, listener, module });
        return proxy();
      };
    }
    if (REMOVE_LISTENER.has(name)) {
      return (event: string | symbol, listener: (...args: unknown[]) => void): NodeJS.Process => {
        process.removeListener(event, listener);
        const index = listeners.findIndex((l) => l.event === event && l.listener === listener);
        if (index >= 0) listeners.splice(index, 1);
        return proxy();
      };
    }
    if (name === 'removeAllListeners') {
      // An app may only remove its own listeners, never the container's (SIGTERM, uncaughtException).
      return (event?: string | symbol): NodeJS.Process => {
        for (const l of [...listeners]) {
          if (event !== undefined && l.event !== event) continue;
          process.removeListener(l.event, l.listener);
          listeners.splice(listeners.indexOf(l), 1);
        }
        return proxy();
      };
    }
    if (EXIT.has(name)) {
      // One process serves every app: none may end it (core/faults.ts throws into the caller and logs).
      return (): never => {
        throw refuseExit(this.#owner, active.request, `process.${name}()`);
      };
    }
    if (name === 'kill') {
      return (pid: number, signal?: string | number): true => {
        if (signalsThisProcess(pid, signal ?? 'SIGTERM')) throw refuseExit(this.#owner, active.request, `process.kill(${String(pid)})`);
        return value.call(process, pid, signal) as true;
      };
    }
    if (name !== 'nextTick') throw new Error(`process.${name} is not intercepted`);
    return (callback: Callback, ...args: unknown[]): void => {
      if (typeof callback !== 'function') return process.nextTick(callback);
      const request = scheduledRequest();
      process.nextTick(() => this.#runCharged(request, 'throw in a nextTick callback', callback, undefined, args));
    };
  }

  #createModule(filename: string, parent: WebappModule | null): WebappModule {
    const requireFn = ((specifier: string): unknown => {
      this.#checkOpen(specifier);
      return this.#load(this.#resolve(specifier, dirname(filename)), module);
    }) as WebappRequire;
    requireFn.resolve = (specifier: string): string => {
      const resolved = this.#resolve(specifier, dirname(filename));
      return resolved.kind === 'file' ? resolved.filename : specifier;
    };
    requireFn.main = undefined;
    const module: WebappModule = {
      id: filename,
      filename,
      path: dirname(filename),
      exports: {},
      loaded: false,
      parent,
      children: [],
      require: requireFn,
    };
    return module;
  }

  #resolve(specifier: string, baseDir: string): Resolved {
    if (typeof specifier !== 'string' || specifier === '') throw new TypeError('a module specifier must be a non-empty string');
    if (this.#shared.has(specifier)) return { kind: 'shared', value: this.#shared.get(specifier) };
    if (specifier.startsWith('node:') || BUILTINS.has(specifier)) return { kind: 'builtin', id: specifier };
    return { kind: 'file', filename: this.#files.resolveFile(specifier, baseDir) };
  }

  #checkOpen(specifier: string): void {
    if (this.#closed) {
      throw new DeployError('SV_ERR_DEPLOY_LOADER_CLOSED', { module: specifier, name: this.#name });
    }
  }

  #wrap(module: string, error: unknown): ContainerError {
    if (error instanceof ContainerError) return error;
    const detail = error instanceof Error ? error.message : String(error);
    return new DeployError('SV_ERR_DEPLOY_MODULE_LOAD', { module, name: this.#name, detail }, { cause: error });
  }

  /** One set per module, so close() can say which module left each timer running. */
  #timerFunctions(module: string) {
    const track = <H extends TimerHandle>(kind: TimerKind, create: () => H): H => {
      const handle = create();
      if (this.#closed) {
        clearHandle(kind, handle);
        this.#logger.warn({ webapp: this.#name, module, kind }, 'a stopped web application tried to start a timer; it was cancelled');
      } else {
        this.#timers.set(handle, { kind, module });
      }
      return handle;
    };
    const untrack = (value: unknown): void => {
      if (value === null || value === undefined) return;
      if (typeof value === 'object') {
        this.#timers.delete(value as TimerHandle);
        return;
      }
      // clearTimeout(+timer) is legal in Node: find the timer by its primitive id.
      for (const handle of this.#timers.keys()) {
        if (typeof handle === 'object' && Symbol.toPrimitive in handle && Number(handle) === Number(value)) {
          this.#timers.delete(handle);
        }
      }
    };
    const timers = this.#timers;
    const run = (request: FaultRequest | null, kind: FaultKind, callback: Callback, thisArg: unknown, args: readonly unknown[]): boolean =>
      this.#runCharged(request, kind, callback, thisArg, args);
    // A callback that is not a function goes to Node's own function, which throws ERR_INVALID_ARG_TYPE at once.
    const setTimeoutTracked = (callback: Callback, ms?: number, ...args: unknown[]): NodeJS.Timeout => {
      if (typeof callback !== 'function') return setTimeout(callback as unknown as () => void, ms);
      const request = scheduledRequest();
      const handle: NodeJS.Timeout = track('setTimeout', () =>
        setTimeout(function (this: unknown) {
          timers.delete(handle);
          run(request, 'throw in a timer', callback, this, args);
        }, ms),
      );
      return handle;
    };
    // util.promisify(setTimeout) in app code must still go through the tracked function.
    Object.defineProperty(setTimeoutTracked, promisify.custom, {
      value: (ms?: number, value?: unknown): Promise<unknown> =>
        new Promise((resolvePromise) => setTimeoutTracked(resolvePromise, ms, value)),
    });
    const setImmediateTracked = (callback: Callback, ...args: unknown[]): NodeJS.Immediate => {
      if (typeof callback !== 'function') return setImmediate(callback as unknown as () => void);
      const request = scheduledRequest();
      const handle: NodeJS.Immediate = track('setImmediate', () =>
        setImmediate(function (this: unknown) {
          timers.delete(handle);
          run(request, 'throw in an immediate', callback, this, args);
        }),
      );
      return handle;
    };
    Object.defineProperty(setImmediateTracked, promisify.custom, {
      value: (value?: unknown): Promise<unknown> => new Promise((resolvePromise) => setImmediateTracked(resolvePromise, value)),
    });
    const setIntervalTracked = (callback: Callback, ms?: number, ...args: unknown[]): NodeJS.Timeout => {
      if (typeof callback !== 'function') return setInterval(callback as unknown as () => void, ms);
      const request = scheduledRequest();
      const handle: NodeJS.Timeout = track('setInterval', () =>
        setInterval(function (this: unknown) {
          // As java.util.Timer and ScheduledExecutorService cancel a task that threw: one log line, not one per tick.
          if (!run(request, 'throw in an interval', callback, this, args)) {
            timers.delete(handle);
            clearInterval(handle);
          }
        }, ms),
      );
      return handle;
    };
    const queueMicrotaskCharged = (callback: Callback): void => {
      if (typeof callback !== 'function') return queueMicrotask(callback);
      const request = scheduledRequest();
      queueMicrotask(() => {
        run(request, 'throw in a microtask', callback, undefined, []);
      });
    };
    return {
      setTimeout: setTimeoutTracked,
      setInterval: setIntervalTracked,
      setImmediate: setImmediateTracked,
      queueMicrotask: queueMicrotaskCharged,
      clearTimeout: (handle?: unknown): void => {
        untrack(handle);
        clearTimeout(handle as NodeJS.Timeout);
      },
      clearInterval: (handle?: unknown): void => {
        untrack(handle);
        clearInterval(handle as NodeJS.Timeout);
      },
      clearImmediate: (handle?: unknown): void => {
        untrack(handle);
        clearImmediate(handle as NodeJS.Immediate);
      },
    };
  }
}

/**
 * The class a module provides for `simpleName` / `exportName` (see WebappLoader.loadClass), or null.
 * Shared with the annotation scanner so the class names it records load back to the same class.
 */
export function pickClassExport(moduleExports: unknown, simpleName: string, exportName: string | null): LoadedClass | null {
  const property = (key: string): unknown =>
    (typeof moduleExports === 'object' || typeof moduleExports === 'function') && moduleExports !== null
      ? (moduleExports as Record<string, unknown>)[key]
      : undefined;
  if (exportName !== null) {
    const value = property(exportName);
    return isClassLike(value) ? value : null;
  }
  if (isClassLike(moduleExports)) return moduleExports;
  for (const candidate of [property(simpleName), property('default')]) if (isClassLike(candidate)) return candidate;
  return null;
}

/** A function with a prototype object: a class, or a constructor function compiled from one. */
export function isClassLike(value: unknown): value is LoadedClass {
  return typeof value === 'function' && typeof (value as { prototype?: unknown }).prototype === 'object';
}

function exportNames(moduleExports: unknown): string[] {
  if (isClassLike(moduleExports)) return [`module.exports = ${moduleExports.name || 'anonymous class'}`];
  return typeof moduleExports === 'object' && moduleExports !== null ? Object.keys(moduleExports) : [];
}

/** The request work scheduled now is charged to, counted so the wrapper valve makes that request failable. */
function scheduledRequest(): FaultRequest | null {
  const request = active.request;
  if (request !== null) active.scheduled++;
  return request;
}

function clearHandle(kind: TimerKind, handle: TimerHandle): void {
  if (kind === 'setImmediate') clearImmediate(handle as NodeJS.Immediate);
  else if (kind === 'setInterval') clearInterval(handle as NodeJS.Timeout);
  else clearTimeout(handle as NodeJS.Timeout);
}

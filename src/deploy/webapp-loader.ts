/**
 * The per-webapp module loader (Tomcat's WebappClassLoader for CommonJS): its own module registry and
 * vm.compileFunction, so an undeployed app's modules can be dropped whole (node-runtime.md §4). It reads
 * through the webapp's resources, so modules load the same from a directory or straight from a bundle.
 */
import { builtinModules } from 'node:module';
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { compileFunction } from 'node:vm';
import type { Logger } from 'pino';
import { ContainerError, DeployError } from '../errors/container-error.js';
import { loadBuiltinClass } from './builtin-classes.js';
import { DirectoryResources, type WebappResources } from './webapp-resources.js';

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

interface PackageJson {
  readonly main?: unknown;
  readonly exports?: unknown;
  readonly type?: unknown;
}

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
  'process',
];
/** The `process` methods that add a listener; the app's own listeners are tracked so close() can remove them. */
const ADD_LISTENER = new Set(['on', 'addListener', 'once', 'prependListener', 'prependOnceListener']);
const REMOVE_LISTENER = new Set(['off', 'removeListener']);
const EXTENSIONS = ['.js', '.json', '.cjs'];
/** Conditions a CommonJS `require` matches in package.json "exports", in Node's terms. */
const CONDITIONS = new Set(['require', 'node', 'default']);
const BUILTINS = new Set(builtinModules);
const nodeRequire = require;

type TimerKind = 'setTimeout' | 'setInterval' | 'setImmediate';
type TimerHandle = NodeJS.Timeout | NodeJS.Immediate;

export class WebappLoader {
  readonly #name: string;
  readonly #docBase: string;
  readonly #realDocBase: string;
  readonly #classesDir: string;
  readonly #libDir: string;
  readonly #shared: ReadonlyMap<string, unknown>;
  readonly #logger: Logger;
  readonly #resources: WebappResources;
  readonly #registry = new Map<string, WebappModule>();
  readonly #packageJsonCache = new Map<string, PackageJson | null>();
  /** `baseDir NUL specifier` → file: lazy requires inside hot code paths must not stat the disk each call. */
  readonly #resolveCache = new Map<string, string>();
  /** Live timers the app created through the wrapped globals, with the module that created each. */
  readonly #timers = new Map<TimerHandle, { kind: TimerKind; module: string }>();
  /** Listeners the app added to `process` (through the per-module process proxy), with the adding module. */
  readonly #processListeners: { event: string | symbol; listener: (...args: unknown[]) => void; module: string }[] = [];
  #closed = false;

  constructor(options: WebappLoaderOptions) {
    this.#name = options.name;
    this.#docBase = resolve(options.docBase);
    this.#resources = options.resources ?? new DirectoryResources(this.#docBase);
    this.#realDocBase = this.#resources.canonicalPath('/') ?? this.#docBase;
    this.#classesDir = join(this.#docBase, 'WEB-INF', 'classes');
    this.#libDir = join(this.#docBase, 'WEB-INF', 'lib');
    this.#shared = options.shared;
    this.#logger = options.logger;
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
    const file = ['.js', '.cjs'].map((ext) => base + ext).find((f) => this.#isFile(f));
    if (!file) throw new ContainerError('SV_ERR_SERVLET_NOT_FOUND', { className, file: relPath });
    const moduleExports = this.require(file);
    const simpleName = segments.at(-1) ?? '';
    const found = pickClassExport(moduleExports, simpleName, exportName);
    if (!found) {
      throw new DeployError('SV_ERR_DEPLOY_CLASS_NOT_EXPORTED', {
        className,
        file: this.#relative(file),
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
      const webPath = this.#webPath(dir);
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
    this.#packageJsonCache.clear();
    this.#resolveCache.clear();
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
      throw this.#wrap(this.#relative(filename), error);
    }
    return module.exports;
  }

  #evaluate(module: WebappModule): void {
    const { filename } = module;
    const ext = extname(filename);
    if (ext === '.node') {
      const detail =
        this.#resources.kind === 'archive'
          ? `it is inside the bundle [${basename(this.#docBase)}], served without unpacking (unpackWARs="false"): a shared library can only be loaded from a file on disk, and webapps cannot load native addons in any case (one could never be unloaded on undeploy)`
          : 'webapps cannot load native addons: a shared library could never be unloaded on undeploy or reload';
      throw new DeployError('SV_ERR_DEPLOY_NATIVE_ADDON', { file: this.#relative(filename), name: this.#name, detail });
    }
    if (ext === '.mjs') throw new Error('ES modules (.mjs) are not supported: webapp code must be CommonJS');
    const source = this.#readText(filename).replace(/^\uFEFF/, '');
    if (ext === '.json') {
      module.exports = JSON.parse(source);
      return;
    }
    if (ext !== '.cjs') {
      const scope = this.#packageScope(dirname(filename));
      if (scope?.json.type === 'module') {
        throw new Error(`[${this.#relative(scope.file)}] declares "type": "module"; webapp code must be CommonJS`);
      }
    }
    // V8 accepts a hashbang only at the start of a script, not inside a function body.
    const body = source.startsWith('#!') ? `//${source.slice(2)}` : source;
    const fn = compileFunction(body, MODULE_PARAMETERS, { filename });
    const timers = this.#timerFunctions(this.#relative(filename));
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
      this.#processFor(this.#relative(filename)),
    );
  }

  /**
   * The `process` a module sees: the real one, except that listeners it adds are recorded (with the module)
   * so close() can remove what the app left on the one process all webapps share.
   */
  #processFor(module: string): NodeJS.Process {
    const listeners = this.#processListeners;
    const bound = new Map<PropertyKey, unknown>();
    const proxy: NodeJS.Process = new Proxy(process, {
      get: (target, property) => {
        const value: unknown = Reflect.get(target, property, target);
        if (typeof value !== 'function') return value;
        const cached = bound.get(property);
        if (cached) return cached;
        const name = typeof property === 'string' ? property : '';
        let wrapped: unknown;
        if (ADD_LISTENER.has(name)) {
          wrapped = (event: string | symbol, listener: (...args: unknown[]) => void): NodeJS.Process => {
            if (this.#closed) {
              this.#logger.warn({ webapp: this.#name, module, event: String(event) }, 'a stopped web application tried to add a process listener; it was ignored');
              return proxy;
            }
            (value as (e: string | symbol, l: (...args: unknown[]) => void) => void).call(target, event, listener);
            listeners.push({ event, listener, module });
            return proxy;
          };
        } else if (REMOVE_LISTENER.has(name)) {
          wrapped = (event: string | symbol, listener: (...args: unknown[]) => void): NodeJS.Process => {
            target.removeListener(event, listener);
            const index = listeners.findIndex((l) => l.event === event && l.listener === listener);
            if (index >= 0) listeners.splice(index, 1);
            return proxy;
          };
        } else if (name === 'removeAllListeners') {
          // An app may only remove its own listeners, never the container's (SIGTERM, uncaughtException).
          wrapped = (event?: string | symbol): NodeJS.Process => {
            for (const l of [...listeners]) {
              if (event !== undefined && l.event !== event) continue;
              target.removeListener(l.event, l.listener);
              listeners.splice(listeners.indexOf(l), 1);
            }
            return proxy;
          };
        } else {
          wrapped = (value as (...args: unknown[]) => unknown).bind(target);
        }
        bound.set(property, wrapped);
        return wrapped;
      },
    });
    return proxy;
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

    const key = `${baseDir}\0${specifier}`;
    const cached = this.#resolveCache.get(key);
    if (cached !== undefined) return { kind: 'file', filename: cached };
    const filename = this.#resolveFile(specifier, baseDir);
    this.#resolveCache.set(key, filename);
    return { kind: 'file', filename };
  }

  #resolveFile(specifier: string, baseDir: string): string {
    const isPath = specifier.startsWith('./') || specifier.startsWith('../') || specifier === '.' || specifier === '..' || isAbsolute(specifier);
    if (isPath) {
      const target = resolve(baseDir, specifier);
      this.#assertInside(specifier, target);
      const dirOnly = specifier.endsWith('/') || specifier === '.' || specifier === '..';
      const filename = (dirOnly ? null : this.#tryFile(target)) ?? this.#tryDirectory(target);
      if (filename) return this.#real(specifier, filename);
      throw notFound(specifier, baseDir);
    }

    const { packageName, subpath } = splitPackageSpecifier(specifier);
    for (const dir of this.#packageDirs(baseDir)) {
      const pkgDir = join(dir, packageName);
      if (!this.#isDirectory(pkgDir)) continue;
      const filename = this.#resolvePackage(specifier, pkgDir, subpath);
      if (filename) return this.#real(specifier, filename);
    }
    throw notFound(specifier, baseDir);
  }

  /** node_modules folders from baseDir up to the docBase (nested packages first), then WEB-INF/lib. */
  #packageDirs(baseDir: string): string[] {
    const dirs: string[] = [];
    if (isInside(this.#docBase, baseDir)) {
      for (let dir = baseDir; ; dir = dirname(dir)) {
        if (basename(dir) !== 'node_modules') dirs.push(join(dir, 'node_modules'));
        if (dir === this.#docBase || dirname(dir) === dir) break;
      }
    }
    dirs.push(this.#libDir);
    return dirs;
  }

  #resolvePackage(specifier: string, pkgDir: string, subpath: string): string | null {
    const json = this.#readPackageJson(pkgDir);
    if (json && json.exports !== undefined && json.exports !== null) {
      const target = resolveExports(json.exports, subpath);
      if (target === null) {
        throw Object.assign(new Error(`package subpath [${subpath}] is not defined by "exports" in [${this.#relative(join(pkgDir, 'package.json'))}]`), {
          code: 'ERR_PACKAGE_PATH_NOT_EXPORTED',
        });
      }
      const filename = resolve(pkgDir, target);
      this.#assertInside(specifier, filename);
      return this.#isFile(filename) ? filename : null;
    }
    if (subpath === '.') return this.#tryDirectory(pkgDir);
    const target = join(pkgDir, subpath);
    return this.#tryFile(target) ?? this.#tryDirectory(target);
  }

  #tryFile(target: string): string | null {
    if (this.#isFile(target)) return target;
    for (const ext of EXTENSIONS) if (this.#isFile(target + ext)) return target + ext;
    return null;
  }

  #tryDirectory(dir: string): string | null {
    if (!this.#isDirectory(dir)) return null;
    const json = this.#readPackageJson(dir);
    if (json && typeof json.main === 'string' && json.main !== '') {
      const main = resolve(dir, json.main);
      if (isInside(this.#docBase, main)) {
        const found = this.#tryFile(main) ?? this.#tryIndex(main);
        if (found) return found;
      }
    }
    return this.#tryIndex(dir);
  }

  #tryIndex(dir: string): string | null {
    for (const ext of EXTENSIONS) {
      const index = join(dir, `index${ext}`);
      if (this.#isFile(index)) return index;
    }
    return null;
  }

  #readPackageJson(dir: string): PackageJson | null {
    if (this.#packageJsonCache.has(dir)) return this.#packageJsonCache.get(dir) ?? null;
    let json: PackageJson | null = null;
    const file = join(dir, 'package.json');
    if (this.#isFile(file)) {
      try {
        const parsed: unknown = JSON.parse(this.#readText(file));
        json = typeof parsed === 'object' && parsed !== null ? (parsed as PackageJson) : null;
      } catch (error) {
        throw new Error(`[${this.#relative(file)}] is not valid JSON: ${(error as Error).message}`, { cause: error });
      }
    }
    this.#packageJsonCache.set(dir, json);
    return json;
  }

  /** The nearest package.json at or above dir, stopping at the docBase (it decides "type"). */
  #packageScope(dir: string): { file: string; json: PackageJson } | null {
    for (let current = dir; isInside(this.#docBase, current); current = dirname(current)) {
      const json = this.#readPackageJson(current);
      if (json) return { file: join(current, 'package.json'), json };
      if (current === this.#docBase) break;
    }
    return null;
  }

  #assertInside(specifier: string, target: string): void {
    if (!isInside(this.#docBase, target)) {
      throw new DeployError('SV_ERR_DEPLOY_MODULE_LOAD', {
        module: specifier,
        name: this.#name,
        detail: `it resolves to [${target}], outside the web application's docBase [${this.#docBase}]`,
      });
    }
  }

  /** Registry keys are real paths (like Node's cache), and a symlink may not lead outside the docBase. */
  #real(specifier: string, filename: string): string {
    const webPath = this.#webPath(filename);
    const real = (webPath === null ? null : this.#resources.canonicalPath(webPath)) ?? filename;
    if (!isInside(this.#realDocBase, real) && !isInside(this.#docBase, real)) this.#assertInside(specifier, real);
    return real;
  }

  #checkOpen(specifier: string): void {
    if (this.#closed) {
      throw new DeployError('SV_ERR_DEPLOY_MODULE_LOAD', {
        module: specifier,
        name: this.#name,
        detail: 'the web application has been stopped and its loader closed',
      });
    }
  }

  #wrap(module: string, error: unknown): ContainerError {
    if (error instanceof ContainerError) return error;
    const detail = error instanceof Error ? error.message : String(error);
    return new DeployError('SV_ERR_DEPLOY_MODULE_LOAD', { module, name: this.#name, detail }, { cause: error });
  }

  /** An absolute file name inside the docBase (or its canonical spelling) as a webapp path; null outside it. */
  #webPath(file: string): string | null {
    for (const root of [this.#docBase, this.#realDocBase]) {
      if (!isInside(root, file)) continue;
      const rel = relative(root, file);
      return rel === '' ? '/' : `/${rel.split(sep).join('/')}`;
    }
    return null;
  }

  #isFile(file: string): boolean {
    const webPath = this.#webPath(file);
    return webPath !== null && (this.#resources.stat(webPath)?.isFile ?? false);
  }

  #isDirectory(file: string): boolean {
    const webPath = this.#webPath(file);
    return webPath !== null && (this.#resources.stat(webPath)?.isDirectory ?? false);
  }

  #readText(file: string): string {
    const webPath = this.#webPath(file);
    if (webPath === null) throw notFound(file, dirname(file));
    return this.#resources.readFile(webPath).toString('utf8');
  }

  #relative(file: string): string {
    const base = isInside(this.#realDocBase, file) ? this.#realDocBase : this.#docBase;
    return relative(base, file).split(sep).join('/');
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
    const setTimeoutTracked = (callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]): NodeJS.Timeout => {
      const handle: NodeJS.Timeout = track('setTimeout', () =>
        setTimeout(function (this: unknown) {
          timers.delete(handle);
          callback.apply(this, args);
        }, ms),
      );
      return handle;
    };
    // util.promisify(setTimeout) in app code must still go through the tracked function.
    Object.defineProperty(setTimeoutTracked, promisify.custom, {
      value: (ms?: number, value?: unknown): Promise<unknown> =>
        new Promise((resolvePromise) => setTimeoutTracked(resolvePromise, ms, value)),
    });
    const setImmediateTracked = (callback: (...args: unknown[]) => void, ...args: unknown[]): NodeJS.Immediate => {
      const handle: NodeJS.Immediate = track('setImmediate', () =>
        setImmediate(function (this: unknown) {
          timers.delete(handle);
          callback.apply(this, args);
        }),
      );
      return handle;
    };
    Object.defineProperty(setImmediateTracked, promisify.custom, {
      value: (value?: unknown): Promise<unknown> => new Promise((resolvePromise) => setImmediateTracked(resolvePromise, value)),
    });
    return {
      setTimeout: setTimeoutTracked,
      setInterval: (callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]): NodeJS.Timeout =>
        track('setInterval', () => setInterval(callback, ms, ...args)),
      setImmediate: setImmediateTracked,
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

function splitPackageSpecifier(specifier: string): { packageName: string; subpath: string } {
  const parts = specifier.split('/');
  const length = specifier.startsWith('@') ? 2 : 1;
  const packageName = parts.slice(0, length).join('/');
  const rest = parts.slice(length).join('/');
  if (packageName.includes('\\') || parts.slice(0, length).some((p) => p === '' || p === '.' || p === '..')) {
    throw Object.assign(new Error(`[${specifier}] is not a valid package name`), { code: 'MODULE_NOT_FOUND' });
  }
  return { packageName, subpath: rest === '' ? '.' : `./${rest}` };
}

/** package.json "exports" for a CommonJS require: subpath keys (exact or one `*`), then conditions in key order. */
function resolveExports(exports: unknown, subpath: string): string | null {
  const isSubpathMap =
    typeof exports === 'object' && exports !== null && !Array.isArray(exports) && Object.keys(exports).some((k) => k.startsWith('.'));
  if (!isSubpathMap) return subpath === '.' ? resolveTarget(exports, null) : null;
  const map = exports as Record<string, unknown>;
  if (Object.hasOwn(map, subpath)) return resolveTarget(map[subpath], null);
  let best: { key: string; match: string } | null = null;
  for (const key of Object.keys(map)) {
    const star = key.indexOf('*');
    if (star < 0) continue;
    const prefix = key.slice(0, star);
    const suffix = key.slice(star + 1);
    if (subpath.length >= key.length - 1 && subpath.startsWith(prefix) && subpath.endsWith(suffix)) {
      if (!best || prefix.length > best.key.indexOf('*')) best = { key, match: subpath.slice(prefix.length, subpath.length - suffix.length) };
    }
  }
  return best ? resolveTarget(map[best.key], best.match) : null;
}

function resolveTarget(target: unknown, match: string | null): string | null {
  if (typeof target === 'string') {
    if (!target.startsWith('./')) return null;
    return match === null ? target : target.replaceAll('*', match);
  }
  if (Array.isArray(target)) {
    for (const item of target) {
      const found = resolveTarget(item, match);
      if (found !== null) return found;
    }
    return null;
  }
  if (typeof target === 'object' && target !== null) {
    for (const [condition, value] of Object.entries(target)) {
      if (!CONDITIONS.has(condition)) continue;
      const found = resolveTarget(value, match);
      if (found !== null) return found;
    }
  }
  return null;
}

/** Inside module code a missing module is Node's MODULE_NOT_FOUND error, so optional-dependency probes work. */
function notFound(specifier: string, baseDir: string): Error {
  return Object.assign(new Error(`Cannot find module '${specifier}' from [${baseDir}]`), { code: 'MODULE_NOT_FOUND' });
}

function clearHandle(kind: TimerKind, handle: TimerHandle): void {
  if (kind === 'setImmediate') clearImmediate(handle as NodeJS.Immediate);
  else if (kind === 'setInterval') clearInterval(handle as NodeJS.Timeout);
  else clearTimeout(handle as NodeJS.Timeout);
}

function isInside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}


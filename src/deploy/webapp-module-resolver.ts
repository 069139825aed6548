/**
 * CommonJS resolution inside one webapp, as Node resolves (relative paths with .js/.json/.cjs, directories with
 * package.json "main" or index, bare names through node_modules folders up to the docBase and then WEB-INF/lib,
 * package.json "exports" with the require conditions), over the webapp's resources so it works the same from a
 * directory or a bundle. Nothing resolves outside the docBase, not even through a symbolic link.
 */
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { DeployError } from '../errors/container-error.js';
import type { WebappResources } from '../resources/webapp-resources.js';

/** The package.json fields resolution reads. */
export interface PackageJson {
  readonly main?: unknown;
  readonly exports?: unknown;
  readonly type?: unknown;
}

const EXTENSIONS = ['.js', '.json', '.cjs'];
/** Conditions a CommonJS `require` matches in package.json "exports", in Node's terms. */
const CONDITIONS = new Set(['require', 'node', 'default']);

export class WebappModuleResolver {
  readonly #name: string;
  readonly #docBase: string;
  readonly #realDocBase: string;
  readonly #libDir: string;
  readonly #resources: WebappResources;
  readonly #packageJsonCache = new Map<string, PackageJson | null>();
  /** `baseDir NUL specifier` → file: lazy requires inside hot code paths must not stat the disk each call. */
  readonly #resolveCache = new Map<string, string>();

  /** `name` is the context name, for messages; `docBase` is absolute. */
  constructor(name: string, docBase: string, resources: WebappResources) {
    this.#name = name;
    this.#docBase = docBase;
    this.#resources = resources;
    this.#realDocBase = resources.canonicalPath('/') ?? docBase;
    this.#libDir = join(docBase, 'WEB-INF', 'lib');
  }

  /** The file a module specifier names from a file in `baseDir`; throws MODULE_NOT_FOUND or a DeployError. */
  resolveFile(specifier: string, baseDir: string): string {
    const key = `${baseDir}\0${specifier}`;
    const cached = this.#resolveCache.get(key);
    if (cached !== undefined) return cached;
    const filename = this.#resolveUncached(specifier, baseDir);
    this.#resolveCache.set(key, filename);
    return filename;
  }

  /** Forgets what was resolved and read (the loader is closing). */
  clear(): void {
    this.#packageJsonCache.clear();
    this.#resolveCache.clear();
  }

  #resolveUncached(specifier: string, baseDir: string): string {
    const isPath =
      specifier.startsWith('./') || specifier.startsWith('../') || specifier === '.' || specifier === '..' || isAbsolute(specifier);
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
      if (!this.isDirectory(pkgDir)) continue;
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
        throw Object.assign(
          new Error(`package subpath [${subpath}] is not defined by "exports" in [${this.relative(join(pkgDir, 'package.json'))}]`),
          {
            code: 'ERR_PACKAGE_PATH_NOT_EXPORTED',
          },
        );
      }
      const filename = resolve(pkgDir, target);
      this.#assertInside(specifier, filename);
      return this.isFile(filename) ? filename : null;
    }
    if (subpath === '.') return this.#tryDirectory(pkgDir);
    const target = join(pkgDir, subpath);
    return this.#tryFile(target) ?? this.#tryDirectory(target);
  }

  #tryFile(target: string): string | null {
    if (this.isFile(target)) return target;
    for (const ext of EXTENSIONS) if (this.isFile(target + ext)) return target + ext;
    return null;
  }

  #tryDirectory(dir: string): string | null {
    if (!this.isDirectory(dir)) return null;
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
      if (this.isFile(index)) return index;
    }
    return null;
  }

  #readPackageJson(dir: string): PackageJson | null {
    if (this.#packageJsonCache.has(dir)) return this.#packageJsonCache.get(dir) ?? null;
    let json: PackageJson | null = null;
    const file = join(dir, 'package.json');
    if (this.isFile(file)) {
      try {
        const parsed: unknown = JSON.parse(this.readText(file));
        json = typeof parsed === 'object' && parsed !== null ? parsed : null;
      } catch (error) {
        throw new DeployError(
          'SV_ERR_DEPLOY_PACKAGE_JSON_INVALID',
          { file: this.relative(file), name: this.#name, detail: (error as Error).message },
          { cause: error },
        );
      }
    }
    this.#packageJsonCache.set(dir, json);
    return json;
  }

  /** The nearest package.json at or above dir, stopping at the docBase (it decides "type"). */
  packageScope(dir: string): { file: string; json: PackageJson } | null {
    for (let current = dir; isInside(this.#docBase, current); current = dirname(current)) {
      const json = this.#readPackageJson(current);
      if (json) return { file: join(current, 'package.json'), json };
      if (current === this.#docBase) break;
    }
    return null;
  }

  #assertInside(specifier: string, target: string): void {
    if (!isInside(this.#docBase, target)) {
      throw new DeployError('SV_ERR_DEPLOY_MODULE_OUTSIDE_DOCBASE', {
        module: specifier,
        name: this.#name,
        target,
        docBase: this.#docBase,
      });
    }
  }

  /** Registry keys are real paths (like Node's cache), and a symlink may not lead outside the docBase. */
  #real(specifier: string, filename: string): string {
    const webPath = this.webPath(filename);
    const real = (webPath === null ? null : this.#resources.canonicalPath(webPath)) ?? filename;
    if (!isInside(this.#realDocBase, real) && !isInside(this.#docBase, real)) this.#assertInside(specifier, real);
    return real;
  }

  /** An absolute file name inside the docBase (or its canonical spelling) as a webapp path; null outside it. */
  webPath(file: string): string | null {
    for (const root of [this.#docBase, this.#realDocBase]) {
      if (!isInside(root, file)) continue;
      const rel = relative(root, file);
      return rel === '' ? '/' : `/${rel.split(sep).join('/')}`;
    }
    return null;
  }

  isFile(file: string): boolean {
    const webPath = this.webPath(file);
    return webPath !== null && (this.#resources.stat(webPath)?.isFile ?? false);
  }

  isDirectory(file: string): boolean {
    const webPath = this.webPath(file);
    return webPath !== null && (this.#resources.stat(webPath)?.isDirectory ?? false);
  }

  readText(file: string): string {
    const webPath = this.webPath(file);
    if (webPath === null) throw notFound(file, dirname(file));
    return this.#resources.readFile(webPath).toString('utf8');
  }

  relative(file: string): string {
    const base = isInside(this.#realDocBase, file) ? this.#realDocBase : this.#docBase;
    return relative(base, file).split(sep).join('/');
  }
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
      if (!best || prefix.length > best.key.indexOf('*'))
        best = { key, match: subpath.slice(prefix.length, subpath.length - suffix.length) };
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

function isInside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/**
 * RewriteMap: the lookups `${name:key|default}` makes (https://tomcat.apache.org/tomcat-10.1-doc/rewrite.html#RewriteMap).
 * - `int:toupper`, `int:tolower`, `int:escape`, `int:unescape` (Tomcat's InternalRewriteMap);
 * - `txt:file` (`key value` lines) and `rnd:file` (`key a|b|c`, one value chosen at random per lookup), the file
 *   relative to catalina.base as Tomcat's ConfigFileLoader resolves it, read when the valve starts;
 * - a user map: Tomcat names a Java class implementing RewriteMap; Serval takes a CommonJS module (path relative to
 *   catalina.base, as user valves) exporting a class whose instances have `lookup(key)` and optionally
 *   `setParameters(parameters)` (one string, or an array when the line gives several).
 * `prg:` (an external program fed on stdin) is refused, as Tomcat does not implement it either; so are httpd's
 * `dbm:` and `dbd:` maps.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { randomInt } from 'node:crypto';
import { ConfigError } from '../errors/container-error.js';
import { decodePercent, escapeBackReference } from './rewrite-encoding.js';

export interface RewriteMap {
  /** The value for `key`, or null (the lookup's default then applies). */
  lookup(key: string): string | null;
}

/** A RewriteMap line: `RewriteMap name source [parameters…]`. */
export interface RewriteMapDeclaration {
  readonly file: string;
  readonly line: number;
  readonly name: string;
  readonly source: string;
  readonly parameters: readonly string[];
}

export type RewriteMapSource = (declaration: RewriteMapDeclaration) => RewriteMap;

const INTERNAL_MAPS: Readonly<Record<string, RewriteMap>> = {
  toupper: { lookup: (key) => key.toUpperCase() },
  tolower: { lookup: (key) => key.toLowerCase() },
  escape: { lookup: (key) => escapeBackReference(key) },
  unescape: { lookup: (key) => decodePercent(key) },
};

const REFUSED_TYPES: Readonly<Record<string, 'prg' | 'dbm' | 'dbd'>> = { 'prg:': 'prg', 'dbm:': 'dbm', 'dbd:': 'dbd', 'fastdbd:': 'dbd' };

/** Builds maps with files and modules found under `catalinaBase`. */
export function rewriteMapSource(catalinaBase: string): RewriteMapSource {
  return (declaration) => {
    const { file, line, name, source } = declaration;
    const colon = source.indexOf(':');
    const type = colon < 0 ? '' : source.slice(0, colon + 1);
    const refused = REFUSED_TYPES[type];
    if (refused !== undefined) {
      throw new ConfigError('SV_ERR_REWRITE_MAP_REFUSED', {
        file,
        line,
        map: name,
        reason:
          refused === 'prg'
            ? 'a prg: map runs an external program, which Tomcat does not implement either; use a map module'
            : 'dbm: and dbd: maps read httpd databases, which Tomcat does not implement either; use a txt: map or a map module',
      });
    }
    if (type === 'int:') {
      const map = INTERNAL_MAPS[source.slice(4)];
      if (map === undefined) throw new ConfigError('SV_ERR_REWRITE_INTERNAL_MAP', { file, line, name: source.slice(4) });
      return map;
    }
    if (type === 'txt:' || type === 'rnd:') return textMap(resolve(catalinaBase, source.slice(4)), type === 'rnd:', declaration);
    return moduleMap(isAbsolute(source) ? source : resolve(catalinaBase, source), declaration);
  };
}

function textMap(path: string, random: boolean, declaration: RewriteMapDeclaration): RewriteMap {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(
      'SV_ERR_REWRITE_MAP_FILE',
      { file: declaration.file, line: declaration.line, mapFile: path, detail: (error as Error).message },
      { cause: error },
    );
  }
  const entries = new Map<string, readonly string[]>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const entry = lines[i] as string;
    if (entry === '' || entry.startsWith('#')) continue;
    // As Tomcat's RandomizedTextRewriteMap: the key is up to the first space, the value all the rest.
    const space = entry.indexOf(' ');
    if (space <= 0) throw new ConfigError('SV_ERR_REWRITE_MAP_FILE_LINE', { mapFile: path, mapLine: i + 1, text: entry });
    const value = entry.slice(space + 1);
    entries.set(entry.slice(0, space), random ? value.split('|') : [value]);
  }
  return {
    lookup(key) {
      const values = entries.get(key);
      if (values === undefined) return null;
      return values.length === 1 ? (values[0] as string) : (values[randomInt(values.length)] as string);
    },
  };
}

type MapClass = new () => { lookup?: unknown; setParameters?: unknown };

function moduleMap(path: string, declaration: RewriteMapDeclaration): RewriteMap {
  const { file, line } = declaration;
  let exports: unknown;
  try {
    // A map module is CommonJS named at run time (rewrite.config): only require() loads it synchronously.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    exports = require(path);
  } catch (error) {
    throw new ConfigError('SV_ERR_REWRITE_MAP_MODULE', { file, line, module: path, detail: (error as Error).message }, { cause: error });
  }
  const type = pickClass(exports);
  let instance: InstanceType<MapClass> | null = null;
  try {
    instance = type === null ? null : new type();
  } catch (error) {
    throw new ConfigError('SV_ERR_REWRITE_MAP_MODULE', { file, line, module: path, detail: (error as Error).message }, { cause: error });
  }
  if (instance === null || typeof instance.lookup !== 'function') {
    throw new ConfigError('SV_ERR_REWRITE_MAP_NO_LOOKUP', { file, line, module: path });
  }
  const parameters = declaration.parameters;
  if (parameters.length > 0 && typeof instance.setParameters === 'function') {
    // Tomcat: one parameter is passed as a string, several as an array.
    (instance.setParameters as (value: string | readonly string[]) => void).call(
      instance,
      parameters.length === 1 ? (parameters[0] as string) : parameters,
    );
  }
  const lookup = instance.lookup as (key: string) => unknown;
  return {
    lookup(key) {
      return textOf(lookup.call(instance, key));
    },
  };
}

function pickClass(exports: unknown): MapClass | null {
  if (typeof exports === 'function') return exports as MapClass;
  if (typeof exports !== 'object' || exports === null) return null;
  const record = exports as Record<string, unknown>;
  if (typeof record.default === 'function') return record.default as MapClass;
  const first = Object.values(record).find((v) => typeof v === 'function');
  return (first as MapClass | undefined) ?? null;
}

/** A value as text, as Java's toString() would give it; null for null or undefined. */
export function textOf(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  const render = (value as { toString?: unknown }).toString;
  return typeof render === 'function' ? String(render.call(value)) : null;
}

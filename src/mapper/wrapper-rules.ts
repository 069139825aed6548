/**
 * The servlet-mapping rules inside one context (Servlet 6 §12.2, in Tomcat's Mapper order: exact, longest path
 * prefix, extension, welcome files, default servlet), over a table built once per change of the context's
 * mappings.
 */
import type { ContextMappingOptions } from './mapper.js';
import type { MappingData, MappingMatch } from './mapping-data.js';
import type { UrlPattern } from './url-pattern.js';
import { DOT, lastIndexOfChar, SLASH } from './char-search.js';

export interface MappedWrapper<W> {
  readonly name: string;
  readonly wrapper: W;
  readonly urlPattern: UrlPattern;
  readonly resourceOnly: boolean;
}

export interface WrapperTable<W> {
  readonly byPattern: ReadonlyMap<string, MappedWrapper<W>>;
  readonly exact: ReadonlyMap<string, MappedWrapper<W>>;
  /** Keyed by prefix: `/x` for `/x/*`, `""` for `/*`. */
  readonly prefix: ReadonlyMap<string, MappedWrapper<W>>;
  readonly extension: ReadonlyMap<string, MappedWrapper<W>>;
  readonly contextRoot: MappedWrapper<W> | null;
  readonly defaultWrapper: MappedWrapper<W> | null;
}

/** What the rules need of a context: its path, its mapping options, its welcome files and its wrappers. */
export interface WrapperScope<W> {
  readonly path: string;
  readonly options: ContextMappingOptions;
  readonly welcomeFiles: readonly string[];
  readonly wrappers: WrapperTable<W>;
}

export function buildWrapperTable<W>(byPattern: ReadonlyMap<string, MappedWrapper<W>>): WrapperTable<W> {
  const exact = new Map<string, MappedWrapper<W>>();
  const prefix = new Map<string, MappedWrapper<W>>();
  const extension = new Map<string, MappedWrapper<W>>();
  let contextRoot: MappedWrapper<W> | null = null;
  let defaultWrapper: MappedWrapper<W> | null = null;
  for (const mapped of byPattern.values()) {
    const p = mapped.urlPattern;
    switch (p.type) {
      case 'exact':
        exact.set(p.path, mapped);
        break;
      case 'path-prefix':
        prefix.set(p.prefix, mapped);
        break;
      case 'extension':
        extension.set(p.extension, mapped);
        break;
      case 'context-root':
        contextRoot = mapped;
        break;
      case 'default':
        defaultWrapper = mapped;
        break;
    }
  }
  return { byPattern, exact, prefix, extension, contextRoot, defaultWrapper };
}

export const emptyWrappers = buildWrapperTable<never>(new Map());

/** The longest `/`-bounded prefix of `path` that is a key of `table`; `""` is tried last. */
export function longestPrefix<V>(table: ReadonlyMap<string, V>, path: string): { key: string; value: V } | null {
  if (table.size === 0) return null;
  let candidate = path;
  for (;;) {
    const value = table.get(candidate);
    if (value !== undefined) return { key: candidate, value };
    if (candidate === '') return null;
    const slash = lastIndexOfChar(candidate, SLASH);
    candidate = slash <= 0 ? '' : candidate.slice(0, slash);
  }
}

/** Servlet 6 §12.2 rules in order; the numbers follow Tomcat's Mapper (1 exact … 7 default). */
export function mapWrapper<H, C, W>(ctx: WrapperScope<W>, path: string, out: MappingData<H, C, W>, allowRedirect: boolean): void {
  const table = ctx.wrappers;
  out.requestPath = path;

  // (1) exact; the "" pattern is the context root, which the request reaches as `/`.
  if (path === '/' && table.contextRoot !== null) {
    setWrapper(out, table.contextRoot, 'CONTEXT_ROOT', '', '/', path);
    return;
  }
  if (matchExact(table, path, out)) return;

  // (2) longest path prefix.
  if (matchPrefix(table, path, out)) return;

  if (path === '' && allowRedirect && ctx.path !== '' && ctx.options.mapperContextRootRedirectEnabled) {
    out.redirectPath = `${ctx.path}/`;
    return;
  }

  // (3) extension of the last segment.
  if (matchExtension(table, path, out, true)) return;

  // (4) welcome files, only for a directory-style path.
  if (path.endsWith('/')) {
    for (const welcome of ctx.welcomeFiles) {
      const candidate = path + welcome;
      if (matchExact(table, candidate, out)) return; // 4a
      if (matchPrefix(table, candidate, out)) return; // 4b
      if (isPhysicalFile(ctx.options, candidate)) {
        // 4c
        if (matchExtension(table, candidate, out, true)) return;
        if (table.defaultWrapper !== null) {
          setWrapper(out, table.defaultWrapper, 'DEFAULT', candidate, null, candidate);
          return;
        }
      }
    }
    // Second pass: an extension-mapped welcome file need not exist on disk (index.do, index.jsf).
    for (const welcome of ctx.welcomeFiles) {
      if (matchExtension(table, path + welcome, out, false)) return;
    }
  }

  // (7) default servlet.
  if (table.defaultWrapper !== null) {
    setWrapper(out, table.defaultWrapper, 'DEFAULT', path, null, path);
  }
}

function isPhysicalFile(options: ContextMappingOptions, path: string): boolean {
  return options.resourceExists(path) && !(options.isDirectory?.(path) ?? false);
}

function matchExact<H, C, W>(table: WrapperTable<W>, path: string, out: MappingData<H, C, W>): boolean {
  const mapped = table.exact.get(path);
  if (mapped === undefined) return false;
  setWrapper(out, mapped, 'EXACT', path, null, path);
  return true;
}

function matchPrefix<H, C, W>(table: WrapperTable<W>, path: string, out: MappingData<H, C, W>): boolean {
  const found = longestPrefix(table.prefix, path);
  if (found === null) return false;
  const rest = path.slice(found.key.length);
  setWrapper(out, found.value, 'PATH', found.key, rest === '' ? null : rest, path);
  return true;
}

/** `resourceExpected` false (welcome second pass) skips resource-only wrappers such as the JSP servlet. */
function matchExtension<H, C, W>(table: WrapperTable<W>, path: string, out: MappingData<H, C, W>, resourceExpected: boolean): boolean {
  if (table.extension.size === 0) return false;
  const slash = lastIndexOfChar(path, SLASH);
  const period = lastIndexOfChar(path, DOT);
  if (period <= slash) return false;
  const mapped = table.extension.get(path.slice(period + 1));
  if (mapped === undefined || (!resourceExpected && mapped.resourceOnly)) return false;
  setWrapper(out, mapped, 'EXTENSION', path, null, path);
  return true;
}

function setWrapper<H, C, W>(
  out: MappingData<H, C, W>,
  mapped: MappedWrapper<W>,
  matchType: MappingMatch,
  servletPath: string,
  pathInfo: string | null,
  requestPath: string,
): void {
  out.wrapper = mapped.wrapper;
  out.matchType = matchType;
  out.pattern = mapped.urlPattern.pattern;
  out.servletPath = servletPath;
  out.pathInfo = pathInfo;
  out.requestPath = requestPath;
}

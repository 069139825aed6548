/**
 * Routes a canonical request path to host → context → wrapper (Servlet 6 §12.1–12.2, after Tomcat's Mapper).
 * All routing data lives in one immutable snapshot that every change replaces whole (copy-on-write), so a
 * `map()` call reads a single consistent state even if a callback it makes (resourceExists) changes the Mapper.
 * A context path may hold several versions of a webapp side by side (parallel deployment, `app##2`).
 */
import { DeployError } from '../errors/container-error.js';
import type { MappingData } from './mapping-data.js';
import { SLASH } from './char-search.js';
import { parseUrlPattern } from './url-pattern.js';
import { buildWrapperTable, emptyWrappers, longestPrefix, mapWrapper, type MappedWrapper, type WrapperTable } from './wrapper-rules.js';

export interface ContextMappingOptions {
  welcomeFiles: readonly string[];
  /** Whether a resource exists at this context-relative path (welcome rule 4c needs a physical file). */
  resourceExists(pathInContext: string): boolean;
  /** When given, a welcome candidate that is a directory is not a "physical file" for rule 4c. */
  isDirectory?(pathInContext: string): boolean;
  /** Context attribute: `/ctx` is answered with a redirect to `/ctx/` (Tomcat default true). */
  mapperContextRootRedirectEnabled: boolean;
}

export interface MapperOptions {
  /** Receives non-fatal problems (an adjusted url-pattern, an alias already taken). */
  warn?: (message: string) => void;
}

/** One deployed version of a context path; "" is the unversioned webapp (and sorts before every version). */
export interface ContextVersion<C> {
  readonly version: string;
  readonly context: C;
}

/**
 * Chooses among parallel versions: whether the request's session lives in this context. The newest version
 * for which it answers true wins; with none (or no chooser) the newest version serves. Only called when a
 * path holds more than one version, so ordinary requests pay nothing.
 */
export type VersionChooser<C> = (context: C) => boolean;

interface ContextEntry<C, W> extends ContextVersion<C> {
  readonly path: string;
  readonly options: ContextMappingOptions;
  readonly welcomeFiles: readonly string[];
  readonly wrappers: WrapperTable<W>;
}

/** Every version deployed at one context path, oldest first (plain string order, as Tomcat compares them). */
interface ContextPathEntry<C, W> {
  readonly path: string;
  readonly versions: readonly ContextEntry<C, W>[];
}

interface HostEntry<H, C, W> {
  /** Lower-cased real name. */
  readonly name: string;
  readonly host: H;
  /** Lower-cased aliases (may be `*.domain` wildcards). */
  readonly aliases: readonly string[];
  readonly contexts: ReadonlyMap<string, ContextPathEntry<C, W>>;
  /** The same entries, longest path first (see contextFor). */
  readonly byLength: readonly ContextPathEntry<C, W>[];
}

/**
 * Up to this many context paths, a request's context is found by comparing the path with each (longest first)
 * instead of looking up each of its prefixes: every prefix is a new string V8 must hash before the lookup,
 * about twice what the comparisons cost for a host's usual handful of contexts.
 */
const SCAN_MAX_CONTEXTS = 16;

function byLength<C, W>(contexts: ReadonlyMap<string, ContextPathEntry<C, W>>): ContextPathEntry<C, W>[] {
  return [...contexts.values()].sort((a, b) => b.path.length - a.path.length);
}

/** The context whose path is the longest prefix of `path` ending at a segment boundary ('' is every path's). */
function contextFor<H, C, W>(hostEntry: HostEntry<H, C, W>, path: string): ContextPathEntry<C, W> | null {
  const entries = hostEntry.byLength;
  if (entries.length > SCAN_MAX_CONTEXTS) return longestPrefix(hostEntry.contexts, path)?.value ?? null;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] as ContextPathEntry<C, W>;
    const prefix = entry.path;
    if (prefix === '' || (path.startsWith(prefix) && (path.length === prefix.length || path.charCodeAt(prefix.length) === SLASH))) {
      return entry;
    }
  }
  return null;
}

interface MapperState<H, C, W> {
  readonly defaultHostName: string;
  /** Keyed by lower-cased real name. */
  readonly hosts: ReadonlyMap<string, HostEntry<H, C, W>>;
  /** Every lower-cased name and alias → the real name it belongs to. */
  readonly names: ReadonlyMap<string, string>;
  /** Each registered context object → where it lives, for mapWithinContext. */
  readonly contextIndex: ReadonlyMap<C, { readonly hostName: string; readonly path: string; readonly version: string }>;
}

/** Tomcat treats a context path of `/` as ROOT; stored paths never end in `/`. */
function normaliseContextPath(path: string): string {
  if (path === '/' || path === '') return '';
  if (!path.startsWith('/') || path.endsWith('/')) {
    throw new DeployError('SV_ERR_DEPLOY_CONTEXT_PATH_INVALID', { path });
  }
  return path;
}

/** `Host: [::1]:8080` → `::1`, `Example.COM:80` → `example.com` (RFC 9110 §7.2; host names are case-insensitive). */
export function normaliseServerName(serverName: string): string {
  let name = serverName.trim();
  if (name.startsWith('[')) {
    const close = name.indexOf(']');
    name = close < 0 ? name.slice(1) : name.slice(1, close);
  } else {
    const colon = name.indexOf(':');
    // More than one colon without brackets is a bare IPv6 literal, not host:port.
    if (colon >= 0 && name.indexOf(':', colon + 1) < 0) name = name.slice(0, colon);
  }
  return name.toLowerCase();
}

/**
 * Versions compare as plain strings (UTF-16 code units, like Java's String.compareTo in Tomcat): `foo` <
 * `foo##11` < `foo##2`, which is why versions should be zero-padded.
 */
function compareVersions(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function newest<C, W>(entry: ContextPathEntry<C, W>): ContextEntry<C, W> {
  return entry.versions[entry.versions.length - 1]!;
}

function chooseVersion<C, W>(entry: ContextPathEntry<C, W>, chooser: VersionChooser<C> | undefined): ContextEntry<C, W> {
  const versions = entry.versions;
  if (versions.length === 1 || chooser === undefined) return newest(entry);
  for (let i = versions.length - 1; i >= 0; i--) {
    if (chooser(versions[i]!.context)) return versions[i]!;
  }
  return newest(entry);
}

function resetMappingData<H, C, W>(out: MappingData<H, C, W>): void {
  out.host = null;
  out.context = null;
  out.contextPath = '';
  out.wrapper = null;
  out.servletPath = '';
  out.pathInfo = null;
  out.matchType = null;
  out.pattern = null;
  out.redirectPath = null;
  out.requestPath = '';
}

export class Mapper<H, C, W> {
  /** The last host lookup of map(): the server name it was for, the snapshot it came from, its answer. */
  #lastServerName: string | null | undefined = undefined;
  #lastState: MapperState<H, C, W> | null = null;
  #lastHost: HostEntry<H, C, W> | undefined = undefined;
  #state: MapperState<H, C, W> = {
    defaultHostName: '',
    hosts: new Map(),
    names: new Map(),
    contextIndex: new Map(),
  };
  readonly #warn: (message: string) => void;

  constructor(options: MapperOptions = {}) {
    this.#warn = options.warn ?? (() => undefined);
  }

  setDefaultHostName(name: string): void {
    this.#state = { ...this.#state, defaultHostName: name.toLowerCase() };
  }

  /** Registers a host; re-adding an existing name replaces its object, keeps its contexts and adds the aliases. */
  addHost(name: string, aliases: readonly string[], host: H): void {
    const key = name.toLowerCase();
    const state = this.#state;
    const owner = state.names.get(key);
    if (owner !== undefined && owner !== key) {
      this.#warn(`Host name [${name}] is already an alias of host [${owner}]; the alias is moved to the new host`);
      this.#replaceHost(owner, (entry) => ({ ...entry, aliases: entry.aliases.filter((a) => a !== key) }));
    }
    const current = this.#state;
    const existing = current.hosts.get(key);
    const hosts = new Map(current.hosts);
    const names = new Map(current.names);
    const contexts = existing?.contexts ?? new Map<string, ContextPathEntry<C, W>>();
    hosts.set(key, { name: key, host, aliases: existing?.aliases ?? [], contexts, byLength: byLength(contexts) });
    names.set(key, key);
    this.#state = { ...current, hosts, names };
    for (const alias of aliases) this.addHostAlias(name, alias);
  }

  removeHost(name: string): void {
    const key = name.toLowerCase();
    const state = this.#state;
    const entry = state.hosts.get(key);
    if (entry === undefined) return;
    const hosts = new Map(state.hosts);
    hosts.delete(key);
    const names = new Map(state.names);
    names.delete(key);
    for (const alias of entry.aliases) names.delete(alias);
    const contextIndex = new Map(state.contextIndex);
    for (const atPath of entry.contexts.values()) for (const ctx of atPath.versions) contextIndex.delete(ctx.context);
    this.#state = { ...state, hosts, names, contextIndex };
  }

  /** Adds an alias (exact or `*.domain`); a name already taken by another host is refused with a warning. */
  addHostAlias(name: string, alias: string): void {
    const key = name.toLowerCase();
    const aliasKey = alias.toLowerCase();
    const state = this.#state;
    const entry = state.hosts.get(key);
    if (entry === undefined) {
      this.#warn(`Cannot add alias [${alias}]: host [${name}] is not registered`);
      return;
    }
    const owner = state.names.get(aliasKey);
    if (owner === key) return;
    if (owner !== undefined) {
      this.#warn(`Alias [${alias}] for host [${name}] is ignored: it already names host [${owner}]`);
      return;
    }
    const hosts = new Map(state.hosts);
    hosts.set(key, { ...entry, aliases: [...entry.aliases, aliasKey] });
    const names = new Map(state.names);
    names.set(aliasKey, key);
    this.#state = { ...state, hosts, names };
  }

  removeHostAlias(alias: string): void {
    const aliasKey = alias.toLowerCase();
    const owner = this.#state.names.get(aliasKey);
    if (owner === undefined || owner === aliasKey) return;
    this.#replaceHost(owner, (entry) => ({ ...entry, aliases: entry.aliases.filter((a) => a !== aliasKey) }));
    const names = new Map(this.#state.names);
    names.delete(aliasKey);
    this.#state = { ...this.#state, names };
  }

  /**
   * Registers one version of a context ("" when unversioned). Re-adding the same path and version replaces it;
   * the wrappers are kept only if the context object is the same one (a redeploy brings a new object and its
   * own mappings). Another version at the same path is kept beside the others (parallel deployment).
   */
  addContext(hostName: string, path: string, context: C, options: ContextMappingOptions, version = ''): void {
    const contextPath = normaliseContextPath(path);
    const hostEntry = this.#requireHost(hostName, contextPath);
    const previous = Mapper.#versionAt(hostEntry, contextPath, version);
    const wrappers = previous !== undefined && previous.context === context ? previous.wrappers : emptyWrappers;
    const entry: ContextEntry<C, W> = {
      path: contextPath,
      version,
      context,
      options,
      welcomeFiles: [...options.welcomeFiles],
      wrappers,
    };
    this.#putContext(hostEntry, entry, previous);
  }

  /** Removes one version of a context; the other versions at that path keep serving. */
  removeContext(hostName: string, path: string, version = ''): void {
    const contextPath = normaliseContextPath(path);
    const hostEntry = this.#lookupHost(hostName);
    const atPath = hostEntry?.contexts.get(contextPath);
    const previous = atPath?.versions.find((v) => v.version === version);
    if (hostEntry === undefined || atPath === undefined || previous === undefined) return;
    const contexts = new Map(hostEntry.contexts);
    const remaining = atPath.versions.filter((v) => v !== previous);
    if (remaining.length === 0) contexts.delete(contextPath);
    else contexts.set(contextPath, { path: contextPath, versions: remaining });
    const state = this.#state;
    const hosts = new Map(state.hosts);
    hosts.set(hostEntry.name, { ...hostEntry, contexts, byLength: byLength(contexts) });
    const contextIndex = new Map(state.contextIndex);
    const indexed = contextIndex.get(previous.context);
    if (indexed !== undefined && indexed.hostName === hostEntry.name && indexed.path === contextPath && indexed.version === version) {
      contextIndex.delete(previous.context);
    }
    this.#state = { ...state, hosts, contextIndex };
  }

  /**
   * Maps `pattern` to `wrapper` (named `wrapperName`) in a context. The same pattern for a differently named
   * wrapper fails the deployment (Servlet 6 §12.2: a pattern maps to one servlet). A pattern without a leading
   * `/` is accepted with a warning, as Tomcat does.
   */
  addWrapper(
    hostName: string,
    contextPath: string,
    pattern: string,
    wrapper: W,
    wrapperName: string,
    options: { resourceOnly?: boolean; version?: string } = {},
  ): void {
    const urlPattern = parseUrlPattern(pattern);
    if (urlPattern.adjusted) {
      this.#warn(`The url-pattern [${pattern}] of servlet [${wrapperName}] does not start with [/]; using [${urlPattern.pattern}]`);
    }
    this.#updateWrappers(hostName, contextPath, options.version ?? '', (byPattern) => {
      const existing = byPattern.get(urlPattern.pattern);
      if (existing !== undefined && existing.name !== wrapperName) {
        throw new DeployError('SV_ERR_DEPLOY_DUPLICATE_MAPPING', {
          first: existing.name,
          second: wrapperName,
          pattern: urlPattern.pattern,
        });
      }
      byPattern.set(urlPattern.pattern, {
        name: wrapperName,
        wrapper,
        urlPattern,
        resourceOnly: options.resourceOnly ?? false,
      });
    });
  }

  removeWrapper(hostName: string, contextPath: string, pattern: string, version = ''): void {
    const key = parseUrlPattern(pattern).pattern;
    this.#updateWrappers(hostName, contextPath, version, (byPattern) => {
      byPattern.delete(key);
    });
  }

  setWelcomeFiles(hostName: string, contextPath: string, files: readonly string[], version = ''): void {
    const path = normaliseContextPath(contextPath);
    const hostEntry = this.#requireHost(hostName, path);
    const entry = this.#requireContext(hostEntry, path, version);
    this.#putContext(hostEntry, { ...entry, welcomeFiles: [...files] }, entry);
  }

  /** The newest version of the context registered at exactly this path on this host (name or alias), or null. */
  findContext(hostName: string, path: string): C | null {
    const versions = this.findContextVersions(hostName, path);
    return versions.length === 0 ? null : versions[versions.length - 1]!.context;
  }

  /** Every version registered at exactly this path, oldest first; empty when none. */
  findContextVersions(hostName: string, path: string): readonly ContextVersion<C>[] {
    const hostEntry = this.#lookupHost(hostName);
    if (hostEntry === undefined) return [];
    let contextPath: string;
    try {
      contextPath = normaliseContextPath(path);
    } catch {
      return [];
    }
    return (hostEntry.contexts.get(contextPath)?.versions ?? []).map((v) => ({ version: v.version, context: v.context }));
  }

  /**
   * Maps a request. `canonicalPath` must come from canonicalizeUri. Every field of `out` is overwritten;
   * if the host or context cannot be found they are left null (the caller answers 404/400). When the path
   * holds parallel versions, `chooser` picks the one owning the request's session (reference §5).
   */
  map(serverName: string | null, canonicalPath: string, out: MappingData<H, C, W>, chooser?: VersionChooser<C>): void {
    const state = this.#state;
    resetMappingData(out);
    // Requests of a connection, and most requests of a server, name the same host: the last answer is kept
    // for as long as the snapshot it came from is current.
    let hostEntry: HostEntry<H, C, W> | undefined;
    if (serverName === this.#lastServerName && state === this.#lastState) {
      hostEntry = this.#lastHost;
    } else {
      hostEntry = Mapper.#findHost(state, serverName);
      this.#lastServerName = serverName;
      this.#lastState = state;
      this.#lastHost = hostEntry;
    }
    if (hostEntry === undefined) return;
    out.host = hostEntry.host;
    const found = contextFor(hostEntry, canonicalPath);
    if (found === null) return;
    const ctx = chooseVersion(found, chooser);
    out.context = ctx.context;
    out.contextPath = ctx.path;
    mapWrapper(ctx, canonicalPath.slice(ctx.path.length), out, true);
  }

  /**
   * Applies the wrapper rules inside a known context (RequestDispatcher, §9.1). Never yields a redirect; a
   * context no longer registered leaves `out.context` null.
   */
  mapWithinContext(context: C, pathInContext: string, out: MappingData<H, C, W>): void {
    const state = this.#state;
    resetMappingData(out);
    const location = state.contextIndex.get(context);
    const hostEntry = location === undefined ? undefined : state.hosts.get(location.hostName);
    const ctx =
      location === undefined ? undefined : hostEntry?.contexts.get(location.path)?.versions.find((v) => v.version === location.version);
    if (hostEntry === undefined || ctx === undefined) return;
    out.host = hostEntry.host;
    out.context = ctx.context;
    out.contextPath = ctx.path;
    mapWrapper(ctx, pathInContext, out, false);
  }

  static #findHost<H, C, W>(state: MapperState<H, C, W>, serverName: string | null): HostEntry<H, C, W> | undefined {
    const name = serverName === null ? '' : normaliseServerName(serverName);
    if (name !== '') {
      const exact = state.names.get(name);
      if (exact !== undefined) return state.hosts.get(exact);
      // `*.domain` covers exactly one more label: `foo.example.com` matches `*.example.com`, not `*.com`.
      const dot = name.indexOf('.');
      if (dot >= 0) {
        const wildcard = state.names.get(`*${name.slice(dot)}`);
        if (wildcard !== undefined) return state.hosts.get(wildcard);
      }
    }
    const fallback = state.names.get(state.defaultHostName);
    return fallback === undefined ? undefined : state.hosts.get(fallback);
  }

  #lookupHost(hostName: string): HostEntry<H, C, W> | undefined {
    const state = this.#state;
    const real = state.names.get(hostName.toLowerCase());
    return real === undefined ? undefined : state.hosts.get(real);
  }

  #requireHost(hostName: string, contextPath: string): HostEntry<H, C, W> {
    const entry = this.#lookupHost(hostName);
    if (entry === undefined) {
      throw new DeployError('SV_ERR_MAPPER_UNKNOWN_HOST', { host: hostName, name: contextPath === '' ? 'ROOT' : contextPath });
    }
    return entry;
  }

  static #versionAt<H, C, W>(hostEntry: HostEntry<H, C, W>, contextPath: string, version: string): ContextEntry<C, W> | undefined {
    return hostEntry.contexts.get(contextPath)?.versions.find((v) => v.version === version);
  }

  #requireContext(hostEntry: HostEntry<H, C, W>, contextPath: string, version: string): ContextEntry<C, W> {
    const entry = Mapper.#versionAt(hostEntry, contextPath, version);
    if (entry === undefined) {
      const name = contextPath === '' ? 'ROOT' : contextPath;
      throw new DeployError('SV_ERR_MAPPER_UNKNOWN_CONTEXT', {
        name: version === '' ? name : `${name}##${version}`,
        path: contextPath,
        host: hostEntry.name,
      });
    }
    return entry;
  }

  /** Puts `entry` in place of the same path and version (`previous`), keeping the versions in string order. */
  #putContext(hostEntry: HostEntry<H, C, W>, entry: ContextEntry<C, W>, previous: ContextEntry<C, W> | undefined): void {
    const state = this.#state;
    const others = (hostEntry.contexts.get(entry.path)?.versions ?? []).filter((v) => v.version !== entry.version);
    const versions = [...others, entry].sort((a, b) => compareVersions(a.version, b.version));
    const contexts = new Map(hostEntry.contexts);
    contexts.set(entry.path, { path: entry.path, versions });
    const hosts = new Map(state.hosts);
    hosts.set(hostEntry.name, { ...hostEntry, contexts, byLength: byLength(contexts) });
    const contextIndex = new Map(state.contextIndex);
    if (previous !== undefined && previous.context !== entry.context) contextIndex.delete(previous.context);
    contextIndex.set(entry.context, { hostName: hostEntry.name, path: entry.path, version: entry.version });
    this.#state = { ...state, hosts, contextIndex };
  }

  #replaceHost(key: string, change: (entry: HostEntry<H, C, W>) => HostEntry<H, C, W>): void {
    const state = this.#state;
    const entry = state.hosts.get(key);
    if (entry === undefined) return;
    const hosts = new Map(state.hosts);
    hosts.set(key, change(entry));
    this.#state = { ...state, hosts };
  }

  /** Copy-on-write edit of one context's wrappers; `edit` may throw and then nothing changes. */
  #updateWrappers(hostName: string, contextPath: string, version: string, edit: (byPattern: Map<string, MappedWrapper<W>>) => void): void {
    const path = normaliseContextPath(contextPath);
    const hostEntry = this.#requireHost(hostName, path);
    const entry = this.#requireContext(hostEntry, path, version);
    const byPattern = new Map(entry.wrappers.byPattern);
    edit(byPattern);
    this.#putContext(hostEntry, { ...entry, wrappers: buildWrapperTable(byPattern) }, entry);
  }
}

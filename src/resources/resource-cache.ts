/**
 * A webapp's static resources (Tomcat's StandardRoot with its cache): resolves webapp paths to files inside
 * the docBase, refuses what lies outside it (symbolic links included, unless allowLinking) or under
 * WEB-INF/META-INF, and keeps lookups and small files in memory for cacheTtl, bounded by cacheMaxSize.
 * A webapp served from its bundle (unpackWARs="false") is read through its archive index instead, read-only.
 */
import { lstat, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { createHash } from 'node:crypto';
import { isAbsolute, join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { defaultsOf } from '../config/attribute-values.js';
import type { ResourcesConfig } from '../config/server-config.js';
import type { WebappResources } from './webapp-resources.js';
import { currentSecondMs } from '../time/second-clock.js';

/**
 * Each webapp's ResourceCache, keyed by the ServletContext its DefaultServlets see. Tomcat publishes it as the
 * context attribute `org.apache.catalina.resources`; here it stays out of the attributes, which webapp code
 * can read, so that apps reach only the Servlet API.
 */
const published = new WeakMap<object, ResourceCache>();

export function publishResourceCache(servletContext: object, cache: ResourceCache): void {
  published.set(servletContext, cache);
}

export function publishedResourceCache(servletContext: object): ResourceCache | null {
  return published.get(servletContext) ?? null;
}

/** The `<Resources>` element, converted to bytes and ms. */
export interface ResourcesSettings {
  readonly cachingAllowed: boolean;
  readonly cacheMaxSizeBytes: number;
  /** Largest single file kept in memory; Tomcat also caps it at cacheMaxSize / 20. */
  readonly cacheObjectMaxSizeBytes: number;
  readonly cacheTtlMs: number;
  readonly allowLinking: boolean;
}

/** The `<Resources>` element's KiB and ms as the cache counts them. */
export function resourcesSettingsOf(resources: ResourcesConfig): ResourcesSettings {
  return {
    cachingAllowed: resources.cachingAllowed,
    cacheMaxSizeBytes: resources.cacheMaxSize * 1024,
    cacheObjectMaxSizeBytes: resources.cacheObjectMaxSize * 1024,
    cacheTtlMs: resources.cacheTtl,
    allowLinking: resources.allowLinking,
  };
}

/** A Context without a `<Resources>` element. */
export const DEFAULT_RESOURCES: ResourcesSettings = Object.freeze(resourcesSettingsOf(defaultsOf('Resources')));

export interface FileResource {
  readonly kind: 'file';
  /** The canonical file (symbolic links resolved). */
  readonly realPath: string;
  readonly size: number;
  readonly mtimeMs: number;
}
export interface DirectoryResource {
  readonly kind: 'directory';
  readonly realPath: string;
  readonly mtimeMs: number;
}
export type WebResource = FileResource | DirectoryResource | { readonly kind: 'missing' } | { readonly kind: 'forbidden' };

/** One entry of a directory, for listings. */
export interface DirectoryEntry {
  readonly name: string;
  readonly directory: boolean;
  readonly size: number;
  readonly mtimeMs: number;
}

interface Entry {
  resource: WebResource;
  validUntil: number;
  content: Buffer | null;
  strongETag: string | null;
  cost: number;
}

const MISSING: WebResource = Object.freeze({ kind: 'missing' });
const FORBIDDEN: WebResource = Object.freeze({ kind: 'forbidden' });
/**
 * From this cacheTtl up, entries are timed to the second (second-clock.ts) rather than by a clock call on every
 * lookup (~300 instructions a request): validity is shortened by that second, so an entry lives between cacheTtl
 * less 2 s and cacheTtl, never longer. Shorter TTLs read the clock each time.
 */
const SECOND_CLOCK_MIN_TTL_MS = 2000;
/** Rough bookkeeping cost of an entry besides its content (keys, objects, strings). */
const ENTRY_OVERHEAD = 256;

/**
 * File contents the cache handed out. Nobody writes into them (the cache keeps them as read, callers only
 * read), so the response may hand them to the socket as they are instead of copying them first.
 */
const sharedContent = new WeakSet<Uint8Array>();

/** True for bytes that came from a ResourceCache (read-only by contract): safe to send without a copy. */
export function isSharedContent(bytes: Uint8Array): boolean {
  return sharedContent.has(bytes);
}

/** True when `target` is `base` or inside it (both real paths); decided on path segments, not string prefixes. */
export function isInside(base: string, target: string): boolean {
  const rel = relative(base, target);
  return rel === '' || (!isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`));
}

/** True for WEB-INF and META-INF at the webapp root, in any case spelling (Servlet spec §10.5). */
export function isSpecialPath(path: string): boolean {
  // The first non-empty segment, found by a scan: this runs for every static request.
  let start = 0;
  while (start < path.length && isSeparator(path.charCodeAt(start))) start++;
  let end = start;
  while (end < path.length && !isSeparator(path.charCodeAt(end))) end++;
  const length = end - start;
  if (length !== 7 && length !== 8) return false;
  const upper = path.slice(start, end).toUpperCase();
  return upper === 'WEB-INF' || upper === 'META-INF';
}

/** `/`, and `\` which some clients and file systems treat as one. */
function isSeparator(code: number): boolean {
  return code === 0x2f || code === 0x5c;
}

export class ResourceCache {
  readonly settings: ResourcesSettings;
  readonly #docBase: string;
  /** Set when the webapp is served from its bundle: every lookup and read goes through the archive index. */
  readonly #archive: WebappResources | null;
  readonly #objectMax: number;
  /** The clock cacheTtl is measured with, and how long an entry is trusted by it (see SECOND_CLOCK_MIN_TTL_MS). */
  readonly #now: () => number;
  readonly #trustMs: number;
  readonly #entries = new Map<string, Entry>();
  readonly #pending = new Map<string, Promise<Entry>>();
  #base: Promise<string | null> | null = null;
  #size = 0;

  /** `docBase` is the webapp directory, or the webapp's resources (an archive's are used as they are). */
  constructor(docBase: string | WebappResources, settings: ResourcesSettings = DEFAULT_RESOURCES) {
    if (typeof docBase === 'string') {
      this.#docBase = docBase;
      this.#archive = null;
    } else {
      // A directory keeps the asynchronous node:fs path below (symbolic-link checks, writes); an archive has neither.
      this.#docBase = docBase.base;
      this.#archive = docBase.kind === 'archive' ? docBase : null;
    }
    this.settings = settings;
    const bySecond = settings.cacheTtlMs >= SECOND_CLOCK_MIN_TTL_MS;
    this.#now = bySecond ? currentSecondMs : Date.now;
    this.#trustMs = bySecond ? settings.cacheTtlMs - 1000 : settings.cacheTtlMs;
    this.#objectMax = settings.cachingAllowed ? Math.min(settings.cacheObjectMaxSizeBytes, Math.floor(settings.cacheMaxSizeBytes / 20)) : 0;
  }

  /** False when the webapp is served from its bundle: PUT and DELETE have nothing to write to. */
  get writable(): boolean {
    return this.#archive === null;
  }

  /** Bytes the cache accounts for (content plus per-entry overhead); never above cacheMaxSize after an insert. */
  get sizeBytes(): number {
    return this.#size;
  }

  /** The resource at a webapp path (`/a/b.txt`); the caller has already refused `..`, NUL and backslashes. */
  async get(path: string): Promise<WebResource> {
    return (await this.#entry(path)).resource;
  }

  /**
   * The resource at a path when the cache already holds it and it is still within cacheTtl, else undefined
   * (then get() does the lookup): lets the hot path of a cached file run without waiting on a promise.
   */
  peek(path: string): WebResource | undefined {
    const cached = this.#entries.get(path);
    return cached !== undefined && this.#now() < cached.validUntil ? cached.resource : undefined;
  }

  /** The file's bytes when they are already in memory (no I/O), else null; see content(). */
  cachedContent(path: string, resource: FileResource): Buffer | null {
    const entry = this.#entries.get(path);
    return entry !== undefined && entry.resource === resource ? entry.content : null;
  }

  /** The whole file from memory when it is small enough to cache, reading it on first use; else null. */
  async content(path: string, resource: FileResource): Promise<Buffer | null> {
    if (resource.size > this.#objectMax) return null;
    const entry = this.#entries.get(path);
    if (entry !== undefined && entry.resource === resource && entry.content !== null) return entry.content;
    const data = await this.read(path, resource);
    // Read-only from here on: the cache and every response share these bytes.
    sharedContent.add(data);
    // A file rewritten between stat and read is served as read but not cached against the old metadata.
    if (entry !== undefined && entry.resource === resource && data.length === resource.size) {
      entry.content = data;
      this.#account(path, entry, ENTRY_OVERHEAD + path.length * 2 + data.length);
    }
    return data;
  }

  /** SHA-256 entity tag of the file, computed once per version of the file (useStrongETags). */
  async strongETag(path: string, resource: FileResource): Promise<string> {
    const entry = this.#entries.get(path);
    if (entry !== undefined && entry.resource === resource && entry.strongETag !== null) return entry.strongETag;
    const hash = createHash('sha256');
    const cached = entry?.resource === resource ? entry.content : null;
    if (cached !== null) hash.update(cached);
    else for await (const chunk of this.chunks(path, resource, 0, resource.size - 1)) hash.update(chunk as Buffer);
    const tag = `"${hash.digest('hex')}"`;
    if (entry !== undefined && entry.resource === resource) entry.strongETag = tag;
    return tag;
  }

  /** The whole file, read now (no caching: see content()). */
  read(path: string, resource: FileResource): Promise<Buffer> {
    if (this.#archive !== null) {
      try {
        return Promise.resolve(this.#archive.readFile(path));
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return readFile(resource.realPath);
  }

  /** Bytes `start`..`end` (inclusive) of the file, read as they are consumed. */
  chunks(path: string, resource: FileResource, start: number, end: number, highWaterMark = 64 * 1024): Readable {
    if (this.#archive !== null) return this.#archive.createReadStream(path, { start, end });
    return createReadStream(resource.realPath, { start, end, highWaterMark });
  }

  /** The entries of a directory; one that vanished or cannot be read meanwhile is simply left out. */
  async list(path: string, resource: DirectoryResource): Promise<DirectoryEntry[]> {
    const entries: DirectoryEntry[] = [];
    const archive = this.#archive;
    if (archive !== null) {
      const base = path.endsWith('/') ? path : `${path}/`;
      for (const name of archive.list(path)) {
        const info = archive.stat(base + name);
        if (info) entries.push({ name, directory: info.isDirectory, size: info.size, mtimeMs: info.mtimeMs });
      }
      return entries;
    }
    for (const name of await readdir(resource.realPath)) {
      try {
        const info = await stat(join(resource.realPath, name));
        entries.push({ name, directory: info.isDirectory(), size: info.size, mtimeMs: info.mtimeMs });
      } catch {
        // A dangling symbolic link or a file removed meanwhile is simply not listed.
      }
    }
    return entries;
  }

  /** Forgets a path (and its parent directory, whose listing changed) after a write through the container. */
  invalidate(path: string): void {
    const parent = parentOf(path);
    for (const key of [path, parent, parent.length > 1 ? parent.slice(0, -1) : parent]) this.#forget(key);
  }

  /** The canonical docBase; resolved once (retried while it cannot be). */
  docBase(): Promise<string | null> {
    if (this.#base === null) {
      const pending = realpath(this.#docBase).catch(() => null);
      this.#base = pending;
      void pending.then((value) => {
        if (value === null && this.#base === pending) this.#base = null;
      });
    }
    return this.#base;
  }

  /**
   * Where a new file at `path` would be written, or null when it may not be: the parent directory must exist,
   * really lie inside the docBase and outside WEB-INF/META-INF, and an existing symbolic link at the target
   * must stay inside the docBase (CVE-2017-12615 class: no write may alias anything else).
   */
  async writableTarget(path: string): Promise<string | null> {
    if (this.#archive !== null) return null;
    const base = await this.docBase();
    if (base === null || path.endsWith('/') || isSpecialPath(path)) return null;
    const slash = path.lastIndexOf('/');
    const name = path.slice(slash + 1);
    if (name === '' || name === '.' || name === '..') return null;
    let parent: string;
    try {
      parent = await realpath(join(base, path.slice(0, slash)));
      if (!(await stat(parent)).isDirectory()) return null;
    } catch {
      return null;
    }
    if (!this.#allowed(base, parent) || isSpecialPath(relative(base, parent))) return null;
    const target = join(parent, name);
    let existing;
    try {
      existing = await lstat(target);
    } catch {
      return target;
    }
    if (existing.isDirectory()) return null;
    if (existing.isSymbolicLink()) {
      try {
        if (!this.#allowed(base, await realpath(target))) return null;
      } catch {
        // A dangling link: writing would create a file wherever it points.
        return null;
      }
    }
    return target;
  }

  async #entry(path: string): Promise<Entry> {
    const now = this.#now();
    const cached = this.#entries.get(path);
    if (cached !== undefined && now < cached.validUntil) return cached;
    const pending = this.#pending.get(path);
    if (pending !== undefined) return pending;
    const loading = this.#load(path, cached, now).finally(() => this.#pending.delete(path));
    this.#pending.set(path, loading);
    return loading;
  }

  async #load(path: string, previous: Entry | undefined, now: number): Promise<Entry> {
    const resource = await this.#resolve(path);
    const validUntil = now + this.#trustMs;
    if (previous !== undefined && sameVersion(previous.resource, resource)) {
      // Revalidated after cacheTtl: unchanged on disk, so the cached bytes stay.
      previous.validUntil = validUntil;
      this.#touch(path, previous);
      return previous;
    }
    const entry: Entry = { resource, validUntil, content: null, strongETag: null, cost: 0 };
    if (previous !== undefined) this.#forget(path);
    if (this.settings.cachingAllowed) {
      this.#entries.set(path, entry);
      this.#account(path, entry, ENTRY_OVERHEAD + path.length * 2);
    }
    return entry;
  }

  #forget(path: string): void {
    const entry = this.#entries.get(path);
    if (entry === undefined) return;
    this.#entries.delete(path);
    this.#size -= entry.cost;
  }

  #touch(path: string, entry: Entry): void {
    // Map order is the eviction order: a revalidated entry moves to the young end.
    this.#entries.delete(path);
    this.#entries.set(path, entry);
  }

  #account(path: string, entry: Entry, cost: number): void {
    if (!this.#entries.has(path)) return;
    this.#size += cost - entry.cost;
    entry.cost = cost;
    // Evict the entries validated longest ago (hits within cacheTtl do not reorder, to keep them cheap) until the
    // cache fits in cacheMaxSize again.
    for (const [key, victim] of this.#entries) {
      if (this.#size <= this.settings.cacheMaxSizeBytes) break;
      this.#entries.delete(key);
      this.#size -= victim.cost;
    }
  }

  async #resolve(path: string): Promise<WebResource> {
    if (this.#archive !== null) return this.#resolveInArchive(this.#archive, path);
    const base = await this.docBase();
    if (base === null) return MISSING;
    let real: string;
    let mtimeMs: number;
    let size: number;
    let directory: boolean;
    try {
      real = await realpath(join(base, path));
      const info = await stat(real);
      if (!info.isFile() && !info.isDirectory()) return MISSING;
      mtimeMs = info.mtimeMs;
      size = info.size;
      directory = info.isDirectory();
    } catch (error) {
      return errorCode(error) === 'EACCES' ? FORBIDDEN : MISSING;
    }
    // A symbolic link may point anywhere: only what really lies in the docBase, outside WEB-INF and META-INF,
    // is served (CVE-2024-50379 class: compare canonical paths, never the requested spelling).
    if (!this.#allowed(base, real)) return MISSING;
    if (isInside(base, real) && isSpecialPath(relative(base, real))) return MISSING;
    return directory ? { kind: 'directory', realPath: real, mtimeMs } : { kind: 'file', realPath: real, size, mtimeMs };
  }

  /** An archive holds no links: the entry named is the entry served, never under WEB-INF or META-INF. */
  #resolveInArchive(archive: WebappResources, path: string): WebResource {
    if (isSpecialPath(path)) return MISSING;
    const info = archive.stat(path);
    if (info === null) return MISSING;
    // realPath names the entry as `<bundle>/<path>`, for messages and identity only: nothing on disk has that name.
    const realPath = join(archive.base, path);
    return info.isDirectory
      ? { kind: 'directory', realPath, mtimeMs: info.mtimeMs }
      : { kind: 'file', realPath, size: info.size, mtimeMs: info.mtimeMs };
  }

  #allowed(base: string, real: string): boolean {
    return this.settings.allowLinking || isInside(base, real);
  }
}

function sameVersion(a: WebResource, b: WebResource): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'file' && b.kind === 'file') return a.realPath === b.realPath && a.size === b.size && a.mtimeMs === b.mtimeMs;
  if (a.kind === 'directory' && b.kind === 'directory') return a.realPath === b.realPath && a.mtimeMs === b.mtimeMs;
  return true;
}

function parentOf(path: string): string {
  const trimmed = path.endsWith('/') ? path.slice(0, -1) : path;
  return trimmed.slice(0, trimmed.lastIndexOf('/') + 1) || '/';
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

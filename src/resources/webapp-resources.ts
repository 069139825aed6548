/**
 * A webapp's files, read-only, whatever holds them (Tomcat's WebResourceRoot, sized for us): a directory on
 * disk, or an app bundle served without unpacking (archive-resources.ts). Every reader of a webapp's files —
 * the module loader, web.xml and META-INF/context.xml, the ServletContext, the DefaultServlet's cache, the
 * Mapper's welcome-file checks — goes through this interface, so unpackWARs="false" needs no copy on disk.
 */
import { createReadStream, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Readable } from 'node:stream';

export interface ResourceStat {
  readonly isFile: boolean;
  readonly isDirectory: boolean;
  /** Bytes of a file (its uncompressed size inside an archive); 0 for a directory. */
  readonly size: number;
  readonly mtimeMs: number;
}

export interface WebappResources {
  readonly kind: 'directory' | 'archive';
  /** The docBase: the webapp directory or the archive file (absolute). */
  readonly base: string;
  /** A webapp path (`/WEB-INF/web.xml`; `..` may not leave the root) → its file or directory, or null. */
  stat(path: string): ResourceStat | null;
  /** The whole file, synchronously (CommonJS require() is synchronous). Throws ENOENT-coded errors when missing. */
  readFile(path: string): Buffer;
  /** The names in a directory (no trailing `/`); empty when the path is not a directory. */
  list(path: string): string[];
  /** ServletContext.getRealPath: a path on disk, or null when the webapp has none (served from an archive). */
  realPath(path: string): string | null;
  /**
   * The absolute name an existing file goes by in module ids and stack traces: its canonical path on disk
   * (symbolic links resolved), or `<archive>/<path>` inside an archive. Null when it does not exist.
   */
  canonicalPath(path: string): string | null;
  /** ServletContext.getResource: `file:` for a directory, `jar:file:…!/path` inside an archive (as in Tomcat). */
  url(path: string): URL | null;
  /** Bytes `start`..`end` (inclusive, as in fs.createReadStream) of an existing file. */
  createReadStream(path: string, range?: { start?: number; end?: number }): Readable;
  /** Releases what the resources hold open (the archive's file descriptor); reads afterwards fail. */
  close(): void;
}

export const ARCHIVE_EXTENSIONS: ReadonlySet<string> = new Set(['.war', '.zip']);

/** True for a docBase that is an app bundle file (served from the archive) rather than a directory. */
export function isArchiveDocBase(docBase: string): boolean {
  if (!ARCHIVE_EXTENSIONS.has(extname(docBase).toLowerCase())) return false;
  try {
    return statSync(docBase).isFile();
  } catch {
    return false;
  }
}

/**
 * The segments of a webapp path (`/a/./b/../c` → [a, c]); null when it does not start with `/`, contains NUL
 * or a backslash, or `..` would leave the root. Shared by every implementation so none can be escaped.
 */
export function webappPathSegments(path: string): string[] | null {
  if (!path.startsWith('/') || path.includes('\0')) return null;
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (segments.length === 0) return null;
      segments.pop();
      continue;
    }
    if (segment.includes('\\')) return null;
    segments.push(segment);
  }
  return segments;
}

/** An error shaped like fs's, so callers that probe for ENOENT behave the same over either implementation. */
export function noSuchResource(base: string, path: string): Error {
  return Object.assign(new Error(`ENOENT: no such file or directory [${path}] in [${base}]`), { code: 'ENOENT' });
}

/** A webapp directory: what a Context had before archives, node:fs on the docBase. */
export class DirectoryResources implements WebappResources {
  readonly kind = 'directory';
  readonly base: string;

  constructor(base: string) {
    this.base = resolve(base);
  }

  stat(path: string): ResourceStat | null {
    const file = this.realPath(path);
    if (file === null) return null;
    let info;
    try {
      info = statSync(file, { throwIfNoEntry: false });
    } catch {
      // ENOTDIR (a path through a file), EACCES: nothing to serve either way.
      return null;
    }
    if (!info || !(info.isFile() || info.isDirectory())) return null;
    return { isFile: info.isFile(), isDirectory: info.isDirectory(), size: info.isFile() ? info.size : 0, mtimeMs: info.mtimeMs };
  }

  readFile(path: string): Buffer {
    const file = this.realPath(path);
    if (file === null) throw noSuchResource(this.base, path);
    return readFileSync(file);
  }

  list(path: string): string[] {
    const dir = this.realPath(path);
    if (dir === null) return [];
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  }

  realPath(path: string): string | null {
    const segments = webappPathSegments(path);
    return segments === null ? null : join(this.base, ...segments);
  }

  canonicalPath(path: string): string | null {
    const file = this.realPath(path);
    if (file === null) return null;
    try {
      return realpathSync(file);
    } catch {
      return null;
    }
  }

  url(path: string): URL | null {
    const file = this.realPath(path);
    return file !== null && this.stat(path) !== null ? pathToFileURL(file) : null;
  }

  createReadStream(path: string, range: { start?: number; end?: number } = {}): Readable {
    const file = this.realPath(path);
    if (file === null) throw noSuchResource(this.base, path);
    return createReadStream(file, range);
  }

  close(): void {
    // Nothing is held open between reads.
  }
}

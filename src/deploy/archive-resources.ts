/**
 * A webapp served straight from its bundle (unpackWARs="false"; Tomcat's WarResourceSet): the central
 * directory is read and judged once at deploy (the unpacker's rules: no zip-slip, links or over-limit
 * bundles), then entries are read synchronously on demand through one file descriptor held per deployment —
 * CommonJS require() cannot wait — and checked against the central directory (size, CRC-32) on every read.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import * as zlib from 'node:zlib';
import * as yauzl from 'yauzl';
import { DeployError } from '../errors/container-error.js';
import { crc32 as portableCrc32 } from './bundle-builder.js';
import { bundleCorruptError, crcMismatch, DEFAULT_UNPACK_LIMITS, readBundlePlan, type UnpackLimits } from './bundle-unpacker.js';
import { noSuchResource, webappPathSegments, type ResourceStat, type WebappResources } from '../resources/webapp-resources.js';

/** What the central directory says about one file entry (APPNOTE §4.3.12). */
interface ArchiveEntry {
  readonly name: string;
  readonly localHeaderOffset: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  /** 0 stored, 8 deflated: the only methods the plan lets through. */
  readonly method: number;
  readonly crc32: number;
  /** Where the data starts, once the local header has been read (its name and extra lengths may differ). */
  dataOffset: number | null;
}

const LOCAL_HEADER_SIGNATURE = 0x04034b50;
const LOCAL_HEADER_BYTES = 30;
const STREAM_CHUNK_BYTES = 64 * 1024;
/** zlib.crc32 is native from Node 20.15; the portable table version serves older 20.x releases. */
const crc32: (data: Buffer, previous?: number) => number =
  typeof zlib.crc32 === 'function' ? (data, previous) => zlib.crc32(data, previous) : portableCrc32;

export class ArchiveResources implements WebappResources {
  readonly kind = 'archive';
  readonly base: string;
  readonly #display: string;
  readonly #files: ReadonlyMap<string, ArchiveEntry>;
  /** Directory key (`''` root, `a/b`) → names inside it; directories are often implicit in a zip. */
  readonly #directories: ReadonlyMap<string, ReadonlySet<string>>;
  readonly #size: number;
  /**
   * Every entry's mtime is the archive's: DOS times have 2 s steps and no zone, and reproducible builders
   * (`catalina bundle`) fix them at 1980 — validators built on them would survive a changed bundle.
   */
  readonly #mtimeMs: number;
  #fd: number | null;
  /** Streams still reading through the descriptor: close() waits for them so a reused fd number is never read. */
  #streams = 0;
  #closing = false;

  private constructor(file: string, fd: number, files: Map<string, ArchiveEntry>, directories: Map<string, Set<string>>) {
    this.base = file;
    this.#display = basename(file);
    this.#fd = fd;
    this.#files = files;
    this.#directories = directories;
    const info = fstatSync(fd);
    this.#size = info.size;
    this.#mtimeMs = info.mtimeMs;
  }

  /**
   * Opens `file` and indexes it; throws the unpacker's DeployErrors (UNSAFE_ENTRY, LIMIT, CORRUPT) when the
   * bundle must not be deployed. The descriptor read here is the one every later read uses, so a bundle
   * replaced on disk meanwhile cannot mix into this deployment.
   */
  static async open(file: string, limits: UnpackLimits = DEFAULT_UNPACK_LIMITS): Promise<ArchiveResources> {
    const display = basename(file);
    let fd: number;
    try {
      fd = openSync(file, 'r');
    } catch (error) {
      throw bundleCorruptError(display, error);
    }
    try {
      let zip: yauzl.ZipFile;
      try {
        zip = await yauzl.fromFdPromise(fd, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, autoClose: false });
      } catch (error) {
        throw bundleCorruptError(display, error);
      }
      // zip.close() is never called: yauzl's fd reader would close the descriptor, which stays ours. The ZipFile
      // holds nothing else, so dropping it after the central directory has been read releases everything.
      {
        const plan = await readBundlePlan(zip, display, limits);
        const files = new Map<string, ArchiveEntry>();
        const directories = new Map<string, Set<string>>([['', new Set()]]);
        const addDirectory = (name: string): void => {
          if (files.has(name)) {
            throw new DeployError('SV_ERR_DEPLOY_BUNDLE_UNSAFE_ENTRY', {
              file: display,
              entry: name,
              reason: 'is both a file and a directory',
            });
          }
          if (directories.has(name)) return;
          directories.set(name, new Set());
          const slash = name.lastIndexOf('/');
          addDirectory(slash < 0 ? '' : name.slice(0, slash));
          directories.get(slash < 0 ? '' : name.slice(0, slash))!.add(name.slice(slash + 1));
        };
        for (const { entry, name, directory } of plan) {
          if (directory) {
            addDirectory(name);
            continue;
          }
          if (directories.has(name)) {
            throw new DeployError('SV_ERR_DEPLOY_BUNDLE_UNSAFE_ENTRY', {
              file: display,
              entry: name,
              reason: 'is both a file and a directory',
            });
          }
          const slash = name.lastIndexOf('/');
          const parent = slash < 0 ? '' : name.slice(0, slash);
          addDirectory(parent);
          directories.get(parent)!.add(name.slice(slash + 1));
          files.set(name, {
            name,
            localHeaderOffset: entry.relativeOffsetOfLocalHeader,
            compressedSize: entry.compressedSize,
            uncompressedSize: entry.uncompressedSize,
            method: entry.compressionMethod,
            crc32: entry.crc32,
            dataOffset: null,
          });
        }
        return new ArchiveResources(file, fd, files, directories);
      }
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  /** Number of file entries (directories not counted). */
  get fileCount(): number {
    return this.#files.size;
  }

  stat(path: string): ResourceStat | null {
    const key = keyOf(path);
    if (key === null) return null;
    const file = this.#files.get(key);
    if (file) return { isFile: true, isDirectory: false, size: file.uncompressedSize, mtimeMs: this.#mtimeMs };
    return this.#directories.has(key) ? { isFile: false, isDirectory: true, size: 0, mtimeMs: this.#mtimeMs } : null;
  }

  readFile(path: string): Buffer {
    const entry = this.#entry(path);
    const fd = this.#open(entry);
    const dataOffset = this.#dataOffset(fd, entry);
    const raw = this.#readAt(fd, dataOffset, entry.compressedSize, entry);
    let data: Buffer;
    if (entry.method === 0) {
      data = raw;
    } else {
      try {
        // The declared size bounds the output: an entry that inflates to more is refused, not buffered.
        data = zlib.inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.uncompressedSize) });
      } catch (error) {
        // zlib stops at maxOutputLength with a buffer error: more data than declared is a size mismatch.
        if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
          throw sizeMismatch(this.#display, entry, `more than ${entry.uncompressedSize}`);
        }
        throw bundleCorruptError(this.#display, error, entry.name);
      }
    }
    this.#verify(entry, data.length, crc32(data));
    return data;
  }

  list(path: string): string[] {
    const key = keyOf(path);
    const names = key === null ? undefined : this.#directories.get(key);
    return names ? [...names] : [];
  }

  realPath(): string | null {
    // No file on disk holds the entry (Tomcat answers null for an unexpanded WAR too).
    return null;
  }

  canonicalPath(path: string): string | null {
    const key = keyOf(path);
    if (key === null || this.stat(path) === null) return null;
    return key === '' ? this.base : join(this.base, ...key.split('/'));
  }

  url(path: string): URL | null {
    const key = keyOf(path);
    if (key === null || this.stat(path) === null) return null;
    const directory = this.#directories.has(key) && key !== '' ? '/' : '';
    return new URL(`jar:${pathToFileURL(this.base).href}!/${key.split('/').map(encodeURIComponent).join('/')}${directory}`);
  }

  createReadStream(path: string, range: { start?: number; end?: number } = {}): Readable {
    const entry = this.#entry(path);
    this.#open(entry);
    const size = entry.uncompressedSize;
    const start = Math.max(0, range.start ?? 0);
    const end = Math.min(size - 1, range.end ?? size - 1);
    if (end < start) return Readable.from([]);
    return Readable.from(this.#chunks(entry, start, end), { objectMode: false });
  }

  /** Closes the descriptor, at once or when the last stream still reading ends. Idempotent. */
  close(): void {
    this.#closing = true;
    if (this.#streams === 0) this.#closeFd();
  }

  async *#chunks(entry: ArchiveEntry, start: number, end: number): AsyncGenerator<Buffer> {
    // Counted from the first read: a stream destroyed before it began never enters the generator.
    const fd = this.#open(entry);
    this.#streams++;
    try {
      const dataOffset = this.#dataOffset(fd, entry);
      const whole = start === 0 && end === entry.uncompressedSize - 1;
      if (entry.method === 0) {
        let crc = 0;
        for (let position = start; position <= end; position += STREAM_CHUNK_BYTES) {
          const chunk = this.#readAt(
            this.#open(entry, true),
            dataOffset + position,
            Math.min(STREAM_CHUNK_BYTES, end - position + 1),
            entry,
          );
          if (whole) crc = crc32(chunk, crc);
          yield chunk;
        }
        if (whole) this.#verify(entry, entry.uncompressedSize, crc);
        return;
      }
      // Deflated: inflate as the client reads, dropping what lies before the range and stopping after it.
      const inflate = zlib.createInflateRaw();
      const compressed = this.#compressedChunks(entry, dataOffset);
      Readable.from(compressed)
        .on('error', (error) => inflate.destroy(error))
        .pipe(inflate);
      let offset = 0;
      let crc = 0;
      try {
        for await (const piece of inflate as AsyncIterable<Buffer>) {
          const from = offset;
          offset += piece.length;
          if (offset > entry.uncompressedSize) {
            throw sizeMismatch(this.#display, entry, `more than ${entry.uncompressedSize}`);
          }
          if (whole) crc = crc32(piece, crc);
          if (offset > start && from <= end) yield piece.subarray(Math.max(0, start - from), Math.min(piece.length, end - from + 1));
          if (!whole && offset > end) return;
        }
      } catch (error) {
        throw bundleCorruptError(this.#display, error, entry.name);
      } finally {
        inflate.destroy();
      }
      if (whole) this.#verify(entry, offset, crc);
    } finally {
      this.#streams--;
      if (this.#closing && this.#streams === 0) this.#closeFd();
    }
  }

  *#compressedChunks(entry: ArchiveEntry, dataOffset: number): Generator<Buffer> {
    for (let done = 0; done < entry.compressedSize; done += STREAM_CHUNK_BYTES) {
      yield this.#readAt(this.#open(entry, true), dataOffset + done, Math.min(STREAM_CHUNK_BYTES, entry.compressedSize - done), entry);
    }
  }

  #entry(path: string): ArchiveEntry {
    const key = keyOf(path);
    const entry = key === null ? undefined : this.#files.get(key);
    if (!entry) throw noSuchResource(this.base, path);
    return entry;
  }

  /** The descriptor; after close() only streams already reading may still use it. */
  #open(entry: ArchiveEntry, streaming = false): number {
    if (this.#fd === null || (this.#closing && !streaming)) {
      throw new DeployError('SV_ERR_DEPLOY_ARCHIVE_CLOSED', { file: this.#display, entry: entry.name });
    }
    return this.#fd;
  }

  #closeFd(): void {
    if (this.#fd === null) return;
    const fd = this.#fd;
    this.#fd = null;
    closeSync(fd);
  }

  /** The local header repeats the name and may carry a different extra field: its lengths place the data. */
  #dataOffset(fd: number, entry: ArchiveEntry): number {
    if (entry.dataOffset !== null) return entry.dataOffset;
    const header = this.#readAt(fd, entry.localHeaderOffset, LOCAL_HEADER_BYTES, entry);
    if (header.readUInt32LE(0) !== LOCAL_HEADER_SIGNATURE) {
      throw new DeployError('SV_ERR_DEPLOY_BUNDLE_NO_LOCAL_HEADER', {
        file: this.#display,
        entry: entry.name,
        offset: entry.localHeaderOffset,
      });
    }
    const dataOffset = entry.localHeaderOffset + LOCAL_HEADER_BYTES + header.readUInt16LE(26) + header.readUInt16LE(28);
    if (dataOffset + entry.compressedSize > this.#size) {
      throw new DeployError('SV_ERR_DEPLOY_BUNDLE_TRUNCATED', { file: this.#display, entry: entry.name, offset: this.#size });
    }
    entry.dataOffset = dataOffset;
    return dataOffset;
  }

  #readAt(fd: number, position: number, length: number, entry: ArchiveEntry): Buffer {
    const buffer = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      let read: number;
      try {
        read = readSync(fd, buffer, done, length - done, position + done);
      } catch (error) {
        throw bundleCorruptError(this.#display, error, entry.name);
      }
      if (read === 0) {
        throw new DeployError('SV_ERR_DEPLOY_BUNDLE_TRUNCATED', { file: this.#display, entry: entry.name, offset: position + done });
      }
      done += read;
    }
    return buffer;
  }

  #verify(entry: ArchiveEntry, size: number, crc: number): void {
    if (size !== entry.uncompressedSize) throw sizeMismatch(this.#display, entry, size);
    if (crc !== entry.crc32) throw crcMismatch(this.#display, entry.name, entry.crc32, crc);
  }
}

/** Checks that a bundle could be served from the archive (opens, indexes and closes it). */
export async function checkArchive(file: string, limits: UnpackLimits): Promise<number> {
  const resources = await ArchiveResources.open(file, limits);
  resources.close();
  return resources.fileCount;
}

function keyOf(path: string): string | null {
  const segments = webappPathSegments(path);
  return segments === null ? null : segments.join('/');
}

function sizeMismatch(file: string, entry: ArchiveEntry, size: number | string): DeployError {
  return new DeployError('SV_ERR_DEPLOY_BUNDLE_ENTRY_SIZE', { file, entry: entry.name, size, declared: entry.uncompressedSize });
}

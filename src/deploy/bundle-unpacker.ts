/**
 * Unpacks an app bundle (.war/.zip) into a directory, safely: the whole central directory is checked first
 * (zip-slip, absolute paths, `..`, links, entry count, total size, compression ratio), then the entries are
 * written into a hidden staging directory that is renamed into place only once everything was read and its
 * sizes and CRCs verified — so a refused, corrupt or half-copied archive leaves nothing behind.
 */
import { createWriteStream, mkdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as yauzl from 'yauzl';
import { defaultsOf } from '../config/attribute-values.js';
import type { HostElementConfig } from '../config/server-config.js';
import type { ParamsOf } from '../errors/codes.js';
import { ContainerError, DeployError } from '../errors/container-error.js';
import { crc32 } from './bundle-builder.js';

const RATIO_THRESHOLD_BYTES = 64 * 1024;

export interface UnpackLimits {
  /** Most entries a bundle may hold. */
  readonly maxEntries: number;
  /** Most bytes all entries may unpack to, together. */
  readonly maxUnpackedBytes: number;
  /** Largest uncompressed/compressed ratio of one entry (zip bombs reach thousands). */
  readonly maxCompressionRatio: number;
  /** Entries smaller than this are not ratio-checked (tiny files of zeros compress very well, harmlessly). */
  readonly ratioThresholdBytes: number;
}

/** The limits a Host's maxUnpack* attributes set (-1 arrives as Infinity). */
export function unpackLimitsOf(
  host: Pick<HostElementConfig, 'maxUnpackEntries' | 'maxUnpackedBytes' | 'maxUnpackCompressionRatio'>,
): UnpackLimits {
  return {
    ratioThresholdBytes: RATIO_THRESHOLD_BYTES,
    maxEntries: host.maxUnpackEntries,
    maxUnpackedBytes: host.maxUnpackedBytes,
    maxCompressionRatio: host.maxUnpackCompressionRatio,
  };
}

/** The Host attribute table's defaults, for bundles unpacked outside a Host. */
export const DEFAULT_UNPACK_LIMITS: UnpackLimits = Object.freeze(unpackLimitsOf(defaultsOf('Host')));

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;

export interface PlannedEntry {
  readonly entry: yauzl.Entry;
  readonly name: string;
  readonly directory: boolean;
}

/**
 * Unpacks `file` into `target` (which must not exist yet; its parent must). Throws a DeployError
 * (SV_ERR_DEPLOY_BUNDLE_UNSAFE_ENTRY / _LIMIT / _CORRUPT) and writes nothing when the bundle is refused.
 */
export async function unpackBundle(
  file: string,
  target: string,
  limits: UnpackLimits = DEFAULT_UNPACK_LIMITS,
): Promise<{ entries: number; bytes: number }> {
  const display = basename(file);
  let zip: yauzl.ZipFile;
  try {
    // decodeStrings: false — names are decoded and judged here, with our own messages, not yauzl's.
    zip = await yauzl.openPromise(file, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, autoClose: false });
  } catch (error) {
    throw bundleCorruptError(display, error);
  }
  try {
    const plan = await readBundlePlan(zip, display, limits);
    const staging = join(dirname(target), `.${basename(target)}.unpacking-${process.pid}-${Date.now()}`);
    let bytes = 0;
    try {
      mkdirSync(staging);
      for (const { entry, name, directory } of plan) {
        const destination = join(staging, ...name.split('/'));
        if (directory) {
          mkdirSync(destination, { recursive: true });
          continue;
        }
        mkdirSync(dirname(destination), { recursive: true });
        let stream;
        try {
          stream = await zip.openReadStreamPromise(entry);
        } catch (error) {
          throw bundleCorruptError(display, error, name);
        }
        try {
          // yauzl checks sizes but not CRCs: a flipped bit in the data must not deploy either.
          let crc = 0;
          const check = new Transform({
            transform(chunk: Buffer, _encoding, callback) {
              crc = crc32(chunk, crc);
              callback(null, chunk);
            },
            flush(callback) {
              callback(crc === entry.crc32 ? null : crcMismatch(display, name, entry.crc32, crc));
            },
          });
          await pipeline(stream, check, createWriteStream(destination, { flags: 'wx' }));
        } catch (error) {
          throw bundleCorruptError(display, error, name);
        }
        bytes += entry.uncompressedSize;
      }
      renameSync(staging, target);
    } catch (error) {
      rmSync(staging, { recursive: true, force: true });
      throw error;
    }
    return { entries: plan.length, bytes };
  } finally {
    zip.close();
  }
}

/**
 * Reads the central directory and refuses the bundle on the first unsafe entry or exceeded limit. Also the
 * index of a bundle served without unpacking (archive-resources.ts): one set of rules for both.
 */
export async function readBundlePlan(zip: yauzl.ZipFile, display: string, limits: UnpackLimits): Promise<PlannedEntry[]> {
  if (zip.entryCount > limits.maxEntries) {
    throw new DeployError('SV_ERR_DEPLOY_BUNDLE_LIMIT', {
      file: display,
      what: 'entry count',
      value: zip.entryCount,
      limit: limits.maxEntries,
      attribute: 'maxUnpackEntries',
    });
  }
  const plan: PlannedEntry[] = [];
  const seen = new Set<string>();
  let total = 0;
  try {
    for await (const entry of zip.eachEntry()) {
      const raw = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, true);
      const problem = unsafeName(raw);
      if (problem) throw new DeployError('SV_ERR_DEPLOY_BUNDLE_UNSAFE_ENTRY', { file: display, entry: printable(raw), reason: problem });
      const type = (entry.versionMadeBy >> 8 === 3 ? entry.externalFileAttributes >>> 16 : 0) & S_IFMT;
      if (type === S_IFLNK) {
        throw new DeployError('SV_ERR_DEPLOY_BUNDLE_UNSAFE_ENTRY', { file: display, entry: raw, reason: 'is a symbolic link' });
      }
      const directory = raw.endsWith('/');
      if (type !== 0 && type !== S_IFREG && type !== S_IFDIR) {
        throw new DeployError('SV_ERR_DEPLOY_BUNDLE_UNSAFE_ENTRY', {
          file: display,
          entry: raw,
          reason: 'is not a regular file or directory',
        });
      }
      if (entry.isEncrypted()) throw new DeployError('SV_ERR_DEPLOY_BUNDLE_ENCRYPTED', { file: display, entry: raw });
      if (!directory && !entry.canDecodeFileData()) {
        throw new DeployError('SV_ERR_DEPLOY_BUNDLE_COMPRESSION', { file: display, entry: raw, method: entry.compressionMethod });
      }
      const name = raw.replace(/\/+$/, '');
      // Case-insensitive file systems would merge `A` and `a`: refuse duplicates in either spelling.
      const key = name.toLowerCase();
      if (seen.has(key) && !directory) {
        throw new DeployError('SV_ERR_DEPLOY_BUNDLE_UNSAFE_ENTRY', { file: display, entry: raw, reason: 'appears more than once' });
      }
      seen.add(key);
      total += entry.uncompressedSize;
      if (total > limits.maxUnpackedBytes) {
        throw new DeployError('SV_ERR_DEPLOY_BUNDLE_LIMIT', {
          file: display,
          what: 'total unpacked size in bytes',
          value: total,
          limit: limits.maxUnpackedBytes,
          attribute: 'maxUnpackedBytes',
        });
      }
      if (entry.uncompressedSize >= limits.ratioThresholdBytes) {
        const ratio = entry.uncompressedSize / Math.max(1, entry.compressedSize);
        if (ratio > limits.maxCompressionRatio) {
          throw new DeployError('SV_ERR_DEPLOY_BUNDLE_LIMIT', {
            file: display,
            what: `compression ratio of entry [${raw}]`,
            value: Math.round(ratio),
            limit: limits.maxCompressionRatio,
            attribute: 'maxUnpackCompressionRatio',
          });
        }
      }
      if (name !== '') plan.push({ entry, name, directory });
    }
  } catch (error) {
    if (error instanceof ContainerError) throw error;
    throw bundleCorruptError(display, error);
  }
  return plan;
}

export type UnsafeEntryReason = ParamsOf<'SV_ERR_DEPLOY_BUNDLE_UNSAFE_ENTRY'>['reason'];

/** Why an entry name could escape the target directory, or null when it is a plain relative path. */
export function unsafeName(name: string): UnsafeEntryReason | null {
  if (name.includes('\0')) return 'contains a NUL character';
  if (name.includes('\\')) return 'contains a backslash (a Windows path separator)';
  if (name.startsWith('/')) return 'is an absolute path';
  if (/^[A-Za-z]:/.test(name)) return 'starts with a drive letter';
  const segments = name.replace(/\/+$/, '').split('/');
  if (segments.some((s) => s === '..')) return 'contains a [..] segment and would be written outside the target directory';
  if (segments.some((s) => s === '' || s === '.') && name !== '') return 'contains an empty or [.] segment';
  // Belt and braces: the resolved path must stay inside an arbitrary root.
  const root = resolve('/serval-unpack-root');
  const target = resolve(root, ...segments);
  if (target !== root && !target.startsWith(root + sep)) return 'resolves outside the target directory';
  return null;
}

function printable(name: string): string {
  return name.replace(/[\0-\x1f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/**
 * A failure of the zip reader, zlib or the file system on `file` (and `entry`) as SV_ERR_DEPLOY_BUNDLE_CORRUPT
 * or _ENTRY_CORRUPT with their reason; a DeployError raised underneath (a check of our own) is kept as it is.
 */
export function bundleCorruptError(file: string, error: unknown, entry?: string): DeployError {
  if (error instanceof DeployError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return entry === undefined
    ? new DeployError('SV_ERR_DEPLOY_BUNDLE_CORRUPT', { file, detail }, { cause: error })
    : new DeployError('SV_ERR_DEPLOY_BUNDLE_ENTRY_CORRUPT', { file, entry, detail }, { cause: error });
}

/** Checksums are shown in hex, as zip tools (`unzip -v`) show them. */
export function crcMismatch(file: string, entry: string, expected: number, actual: number): DeployError {
  return new DeployError('SV_ERR_DEPLOY_BUNDLE_ENTRY_CRC', { file, entry, expected: expected.toString(16), actual: actual.toString(16) });
}

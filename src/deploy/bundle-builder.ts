/**
 * Writes app bundles: a .war/.zip archive of a webapp directory (`bin/catalina bundle <dir>`), in the plain
 * PKWARE APPNOTE format (local headers, central directory, end record; deflate or store; UTF-8 names).
 */
import { lstatSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { DeployError } from '../errors/container-error.js';

export interface BundleEntry {
  /** The entry name, `/`-separated; a trailing `/` marks a directory. Written exactly as given. */
  readonly name: string;
  readonly data?: Buffer;
  /** Unix mode bits for the central directory (0o100644 files, 0o40755 directories by default). */
  readonly mode?: number;
  /** Store instead of deflate (deflate is used only where it saves space). */
  readonly store?: boolean;
}

const S_IFLNK = 0o120000;
const FLAG_UTF8 = 0x0800;
/** 2.0: deflate, directories. */
const VERSION_NEEDED = 20;
/** Upper byte 3 = Unix, so the external attributes carry the mode (APPNOTE §4.4.2). */
const VERSION_MADE_BY = (3 << 8) | VERSION_NEEDED;
/** 1980-01-01 00:00 in DOS format: fixed, so the same directory always gives the same bytes. */
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const DOS_TIME = 0;
const MAX_ENTRIES = 0xffff;
const MAX_SIZE = 0xffffffff;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (ISO 3309) of `data`; pass the previous result to continue over a stream of chunks. */
export function crc32(data: Buffer, previous = 0): number {
  let crc = (previous ^ 0xffffffff) >>> 0;
  for (let i = 0; i < data.length; i++) crc = CRC_TABLE[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** A symbolic-link entry (for tests of the unpacker: bundles from `bundle` never contain one). */
export function symlinkEntry(name: string, target: string): BundleEntry {
  return { name, data: Buffer.from(target, 'utf8'), mode: S_IFLNK | 0o777, store: true };
}

/** The zip archive of `entries`, in the given order (no zip64: at most 65535 entries of < 4 GiB). */
export function buildZip(entries: readonly BundleEntry[]): Buffer {
  if (entries.length > MAX_ENTRIES) {
    throw new DeployError('SV_ERR_DEPLOY_BUNDLE_ZIP_LIMIT', {
      file: '<new bundle>',
      what: 'entry count',
      value: entries.length,
      limit: MAX_ENTRIES,
    });
  }
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const isDirectory = entry.name.endsWith('/');
    const data = entry.data ?? Buffer.alloc(0);
    const deflated = entry.store || isDirectory || data.length === 0 ? null : deflateRawSync(data);
    const useDeflate = deflated !== null && deflated.length < data.length;
    const body = useDeflate ? deflated : data;
    if (data.length > MAX_SIZE || offset > MAX_SIZE) {
      throw new DeployError('SV_ERR_DEPLOY_BUNDLE_ZIP_LIMIT', {
        file: '<new bundle>',
        what: `size of [${entry.name}]`,
        value: data.length,
        limit: MAX_SIZE,
      });
    }
    const crc = crc32(data);
    const method = useDeflate ? 8 : 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(VERSION_NEEDED, 4);
    local.writeUInt16LE(FLAG_UTF8, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, name, body);

    const mode = entry.mode ?? (isDirectory ? 0o40755 : 0o100644);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(VERSION_MADE_BY, 4);
    central.writeUInt16LE(VERSION_NEEDED, 6);
    central.writeUInt16LE(FLAG_UTF8, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    // extra length, comment length, disk number start, internal attributes: all 0
    // MS-DOS directory attribute (0x10) in the low byte as well, for unzip tools that look only there.
    central.writeUInt32LE(((mode << 16) | (isDirectory ? 0x10 : 0)) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const centralDirectory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralDirectory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, centralDirectory, end]);
}

/**
 * The entries for a webapp directory: every directory and regular file, sorted, with `/` names relative to
 * `dir`. Symbolic links are refused (the server would refuse them when unpacking anyway).
 */
export function collectDirectory(dir: string): BundleEntry[] {
  const root = resolve(dir);
  if (!lstatSync(root, { throwIfNoEntry: false })?.isDirectory()) {
    throw new DeployError('SV_ERR_DEPLOY_BUNDLE_NOT_DIRECTORY', { dir: root });
  }
  const entries: BundleEntry[] = [];
  const walk = (absolute: string, prefix: string): void => {
    for (const name of readdirSync(absolute).sort()) {
      const full = join(absolute, name);
      const stat = lstatSync(full);
      const entryName = prefix + name;
      if (stat.isSymbolicLink()) {
        throw new DeployError('SV_ERR_DEPLOY_BUNDLE_SOURCE_SYMLINK', { dir: root, entry: entryName });
      }
      if (stat.isDirectory()) {
        entries.push({ name: `${entryName}/` });
        walk(full, `${entryName}/`);
      } else if (stat.isFile()) {
        entries.push({ name: entryName, data: readFileSync(full), mode: 0o100000 | (stat.mode & 0o777) });
      }
    }
  };
  walk(root, '');
  return entries;
}

/** Builds `<dir>.war` (or `out`) atomically: written beside the target and renamed, so a watching Host never sees half a file. */
export function buildBundle(dir: string, out?: string): { file: string; entries: number; bytes: number } {
  const root = resolve(dir);
  const file = resolve(out ?? `${root.replace(/[\\/]+$/, '')}.war`);
  const entries = collectDirectory(root);
  const zip = buildZip(entries);
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  writeFileSync(temp, zip);
  renameSync(temp, file);
  return { file, entries: entries.length, bytes: zip.length };
}

/**
 * How a bundle (.war or .zip in appBase) becomes a webapp's docBase. With unpackWARs it is expanded into
 * appBase/<name>, marked with the bundle's size and mtime (Tomcat's war-tracker) so an unchanged bundle is not
 * unpacked again; without, the bundle itself is the docBase once its central directory passed the unpacker's
 * checks (served from the archive, see archive-resources.ts). A refused bundle throws and changes nothing on disk.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Logger } from 'pino';
import { ArchiveResources, checkArchive } from './archive-resources.js';
import { unpackBundle, type UnpackLimits } from './bundle-unpacker.js';

/** Marks an expanded bundle with the size and mtime of the bundle it came from (Tomcat's war-tracker). */
const TRACKER = join('META-INF', 'war-tracker');

/**
 * Expands `bundle` into `target` unless that directory already holds exactly this bundle. Unpacked beside the
 * old copy first, then swapped in by renames: a refused bundle leaves the old directory alone.
 */
export async function expandBundle(bundle: string, target: string, limits: UnpackLimits, logger: Logger): Promise<void> {
  const stamp = bundleStamp(bundle);
  const tracker = join(target, TRACKER);
  if (existsSync(tracker) && readFileSync(tracker, 'utf8') === stamp) return;
  mkdirSync(dirname(target), { recursive: true });
  const staged = `${target}.previous-${process.pid}`;
  const scratch = `${target}.next-${process.pid}`;
  try {
    rmSync(scratch, { recursive: true, force: true });
    const result = await unpackBundle(bundle, scratch, limits);
    mkdirSync(join(scratch, 'META-INF'), { recursive: true });
    writeFileSync(join(scratch, TRACKER), stamp);
    rmSync(staged, { recursive: true, force: true });
    if (existsSync(target)) renameDir(target, staged);
    renameDir(scratch, target);
    rmSync(staged, { recursive: true, force: true });
    logger.info(`Unpacked bundle [${bundle}] into [${target}]: [${result.entries}] entries, [${result.bytes}] bytes`);
  } catch (error) {
    rmSync(scratch, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Checks a bundle that is served from the archive (unpackWARs="false"). A scratch copy an earlier version of
 * this server expanded at `staleCopy` (under work/) is ours (it has the tracker) and stale now: it goes.
 */
export async function checkServedBundle(bundle: string, staleCopy: string, limits: UnpackLimits, logger: Logger): Promise<void> {
  const files = await checkArchive(bundle, limits);
  logger.info(`Serving bundle [${bundle}] from the archive (unpackWARs is false): [${files}] files`);
  if (existsSync(join(staleCopy, TRACKER))) rmSync(staleCopy, { recursive: true, force: true });
}

/** A file (webapp path) of a bundle served from the archive, or null when it has none; a refused bundle throws. */
export async function readFromBundle(bundle: string, path: string, limits: UnpackLimits): Promise<Buffer | null> {
  const archive = await ArchiveResources.open(bundle, limits);
  try {
    return archive.stat(path)?.isFile ? archive.readFile(path) : null;
  } finally {
    archive.close();
  }
}

function bundleStamp(bundle: string): string {
  const stat = statSync(bundle);
  return `${basename(bundle)}:${stat.size}:${stat.mtimeMs}`;
}

/** Atomic on one file system, and appBase/<name> and its scratch siblings always share one. */
function renameDir(from: string, to: string): void {
  renameSync(from, to);
}

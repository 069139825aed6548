/**
 * What HostConfig asks the disk on every check: a file's mtime, whether a path is a file or a directory, and a
 * fingerprint of a webapp's classes. None of them throws: a path that vanished mid-check is simply absent.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Null when missing, or unreachable (ENOTDIR: a path through a file, such as one inside a bundle). */
export function mtimeOf(file: string): number | null {
  try {
    return statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? null;
  } catch {
    return null;
  }
}

export function isFile(file: string): boolean {
  try {
    return statSync(file, { throwIfNoEntry: false })?.isFile() ?? false;
  } catch {
    return false;
  }
}

export function isDirectory(file: string): boolean {
  try {
    return statSync(file, { throwIfNoEntry: false })?.isDirectory() ?? false;
  } catch {
    return false;
  }
}

/** Count, sizes and mtimes of every file under WEB-INF/classes and WEB-INF/lib. */
export function classesFingerprint(docBase: string): string {
  let count = 0;
  let sum = 0;
  const walk = (dir: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) {
        const stat = statSync(full, { throwIfNoEntry: false });
        if (!stat) continue;
        count++;
        sum += stat.mtimeMs + stat.size * 7;
      }
    }
  };
  walk(join(docBase, 'WEB-INF', 'classes'));
  walk(join(docBase, 'WEB-INF', 'lib'));
  return `${count}:${sum}`;
}

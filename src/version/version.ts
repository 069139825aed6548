/** The server's identity (`Serval/x.y.z`), read once from package.json. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ContainerError } from '../errors/container-error.js';

/** src/ under tests and dist/ once built are one level below the package root; a few more allow for nesting. */
const MAX_DEPTH = 4;

interface PackageIdentity {
  readonly root: string;
  readonly name: string;
  readonly version: string;
}

/**
 * Walks up from this module (src/ under tests, dist/ once built) to the package.json that names the
 * package; the walk is bounded so a broken install fails loudly instead of reading some parent project.
 */
function findPackage(): PackageIdentity {
  let dir = __dirname;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
      if (isPackageJson(parsed)) return { root: dir, name: parsed.name, version: parsed.version };
    }
    dir = path.dirname(dir);
  }
  throw new ContainerError('SV_ERR_STARTUP_PACKAGE_JSON_MISSING', { depth: MAX_DEPTH, dir: __dirname });
}

function isPackageJson(value: unknown): value is { name: string; version: string } {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return typeof record['name'] === 'string' && typeof record['version'] === 'string';
}

const identity = findPackage();

/** The package root: the default CATALINA_HOME (holds bin/, conf/, dist/). */
export const PACKAGE_ROOT: string = identity.root;
/** Display name: the package name capitalised (`serval` → `Serval`). */
export const SERVER_NAME: string = identity.name.charAt(0).toUpperCase() + identity.name.slice(1);
export const SERVER_VERSION: string = identity.version;
/** What Tomcat calls ServerInfo: used in the Server header (when enabled), error pages and `version`. */
export const SERVER_INFO = `${SERVER_NAME}/${SERVER_VERSION}`;

/**
 * `-security` (Tomcat's flag for its SecurityManager): the command-line flags of Node's permission model for a
 * `catalina run` of this configuration. Node turns the model on only from its command line, so these are computed
 * before the server's node starts: by bin/catalina (a shell script, which runs `catalina security-flags` and then
 * execs node with them) and by `catalina start -security`.
 *
 * Node 20.20 wants `--allow-fs-read` once per path (a comma list is read as one path) and `/dir/*` for a directory
 * and everything below it; security-check.ts checks at startup that this Node read them that way.
 */
import { existsSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ServerConfig } from '../config/server-config.js';
import type { CatalinaEnv } from './catalina-env.js';

export interface PermissionGrants {
  /** Directories (everything below them) and files the server may read. */
  readonly read: readonly string[];
  /** Directories it may write to. */
  readonly write: readonly string[];
}

/**
 * Reads: CATALINA_HOME, CATALINA_BASE, Node's own installation, server.xml, and every appBase, docBase and TLS file
 * the configuration names (those inside the others add nothing). Writes: logs, work, temp and every appBase (war
 * unpacking, PUT through the DefaultServlet). Each path also under its real path: module resolution reads through
 * symbolic links (a node_modules that links elsewhere).
 */
export function permissionGrants(env: CatalinaEnv, config: ServerConfig): PermissionGrants {
  const read = new Set<string>();
  const write = new Set<string>();
  const add = (set: Set<string>, file: string): void => {
    for (const variant of withRealPath(file)) set.add(variant);
  };
  add(read, env.catalinaHome);
  add(read, path.join(env.catalinaHome, 'node_modules'));
  add(read, env.catalinaBase);
  add(read, env.configFile);
  for (const file of nodeInstallation()) add(read, file);
  for (const dir of [path.join(env.catalinaBase, 'logs'), path.join(env.catalinaBase, 'work'), env.catalinaTmpdir]) {
    add(read, dir);
    add(write, dir);
  }
  for (const service of config.services) {
    for (const host of service.engine.hosts) {
      add(read, host.appBase);
      add(write, host.appBase);
      for (const context of host.contexts) {
        if (context.docBase !== '') add(read, path.resolve(host.appBase, context.docBase));
      }
    }
    for (const connector of service.connectors) {
      for (const sslHostConfig of connector.sslHostConfigs ?? []) {
        for (const file of tlsFiles(sslHostConfig)) add(read, file);
        for (const certificate of sslHostConfig.certificates) for (const file of tlsFiles(certificate)) add(read, file);
      }
    }
  }
  return { read: withoutNested([...read]), write: withoutNested([...write]) };
}

/** The node command-line flags that grant `grants` and nothing else: no child processes, no native addons. */
export function permissionFlags(grants: PermissionGrants): string[] {
  return [
    '--experimental-permission',
    // Blocking-style connectors and the watchdog run on worker threads, which inherit the same permissions.
    '--allow-worker',
    ...grants.read.map((entry) => `--allow-fs-read=${asGrant(entry)}`),
    ...grants.write.map((entry) => `--allow-fs-write=${asGrant(entry)}`),
  ];
}

/** Words quoted for a POSIX shell's `eval` (bin/catalina): single quotes, each `'` as `'\''`. */
export function shellWords(words: readonly string[]): string {
  return words.map((word) => `'${word.replaceAll("'", "'\\''")}'`).join(' ');
}

/** A directory is granted with everything below it (`/dir/*`), a file as itself. */
function asGrant(entry: string): string {
  return isDirectory(entry) ? `${entry.endsWith('/') ? entry : `${entry}/`}*` : entry;
}

/**
 * Node's own installation: its binary and, where it has them beside it, the global modules and headers. A distro's
 * node lives in /usr (or /usr/local): granting that whole prefix would grant most of the system.
 */
function nodeInstallation(): string[] {
  const binary = realpathOrSelf(process.execPath);
  const prefix = path.dirname(path.dirname(binary));
  return [binary, path.join(prefix, 'lib', 'node_modules'), path.join(prefix, 'include', 'node')].filter((file) => existsSync(file));
}

/** The file attributes of an SSLHostConfig or Certificate (certificateFile, certificateKeyFile, caCertificateFile…). */
function tlsFiles(element: object): string[] {
  const files: string[] = [];
  for (const [name, value] of Object.entries(element)) {
    if (/(File|Path)$/.test(name) && typeof value === 'string' && value !== '') files.push(value);
  }
  return files;
}

function withRealPath(file: string): string[] {
  const resolved = path.resolve(file);
  const real = realpathOrSelf(resolved);
  return real === resolved ? [resolved] : [resolved, real];
}

function realpathOrSelf(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}

function isDirectory(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    // Not there yet (logs, work, temp on a first start): it will be a directory.
    return !path.extname(file);
  }
}

/** Drops paths that lie inside another directory of the list: the flags stay short and readable. */
function withoutNested(paths: string[]): string[] {
  const sorted = [...new Set(paths)].sort();
  const kept: string[] = [];
  for (const entry of sorted) {
    if (!kept.some((dir) => isDirectory(dir) && entry.startsWith(dir.endsWith('/') ? dir : `${dir}/`))) kept.push(entry);
  }
  return kept;
}

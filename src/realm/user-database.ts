/**
 * Tomcat's MemoryUserDatabase, the `UserDatabase` global resource: users, groups and roles from a
 * tomcat-users.xml, kept up to date without a restart. Changes are noticed on the container's periodic
 * background check (Tomcat's watchSource), by comparing the file's modification time, size and inode:
 * a stat per check, no fs.watch (whose events are lost or doubled depending on platform and editor).
 * A new content replaces the old only once it has parsed completely; a broken file leaves the previous users
 * in effect and is tried again when it changes again. Read-only: Serval never writes the file (Tomcat's
 * `readonly`, default true; saving through JMX is not offered).
 */
import { statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { Logger } from 'pino';
import { ContainerError } from '../errors/container-error.js';
import { logCoded } from '../logging/logger.js';
import { effectiveRoles, readUsersFile, type UsersFile, type UsersFileUser } from './tomcat-users-file.js';

export interface UserDatabaseOptions {
  /** The users file; relative to catalinaBase. Default `conf/tomcat-users.xml`. */
  readonly pathname?: string;
  readonly catalinaBase: string;
  /** Reload the file when it changes (checked by backgroundProcess); default true. */
  readonly watchSource?: boolean;
  readonly logger?: Logger;
}

/** What tells one version of the file from another without reading it. */
type FileStamp = string;

export class UserDatabase {
  readonly pathname: string;
  readonly watchSource: boolean;
  readonly file: string;
  readonly #logger: Logger | undefined;
  #content: UsersFile | null = null;
  #stamp: FileStamp | null = null;

  constructor(options: UserDatabaseOptions) {
    this.pathname = options.pathname ?? 'conf/tomcat-users.xml';
    this.file = isAbsolute(this.pathname) ? this.pathname : resolve(options.catalinaBase, this.pathname);
    this.watchSource = options.watchSource ?? true;
    this.#logger = options.logger;
  }

  get isOpen(): boolean {
    return this.#content !== null;
  }

  /** Reads the file; throws (SV_ERR_REALM_USERS_*, SV_ERR_CONFIG_XML_SYNTAX) when it cannot be used. */
  open(): void {
    const stamp = this.#stampOf();
    this.#content = readUsersFile(this.file);
    this.#stamp = stamp;
  }

  close(): void {
    this.#content = null;
    this.#stamp = null;
  }

  findUser(username: string): UsersFileUser | null {
    return this.#content?.users.get(username) ?? null;
  }

  /** The user's roles, its own and its groups'; null for an unknown user. */
  rolesOf(username: string): Set<string> | null {
    return this.#content === null ? null : effectiveRoles(this.#content, username);
  }

  get users(): ReadonlyMap<string, UsersFileUser> {
    return this.#content?.users ?? new Map();
  }

  get groups(): UsersFile['groups'] {
    return this.#content?.groups ?? new Map();
  }

  get roles(): UsersFile['roles'] {
    return this.#content?.roles ?? new Map();
  }

  /** Reloads the file if it changed since it was last read (or last failed to load). */
  backgroundProcess(): void {
    if (!this.watchSource || this.#content === null) return;
    const stamp = this.#stampOf();
    if (stamp === this.#stamp) return;
    // Remembered before reading: a broken version is reported once, not on every check until it is fixed.
    this.#stamp = stamp;
    try {
      this.#content = readUsersFile(this.file);
    } catch (cause) {
      if (this.#logger !== undefined) {
        const error = new ContainerError('SV_ERR_REALM_USERS_RELOAD_FAILED', { file: this.file }, { cause });
        logCoded(this.#logger, 'error', error);
      }
      return;
    }
    if (this.#logger !== undefined) {
      logCoded(this.#logger, 'info', { code: 'SV_MSG_REALM_USERS_RELOADED', params: { file: this.file, users: this.#content.users.size } });
    }
  }

  #stampOf(): FileStamp | null {
    try {
      const stat = statSync(this.file, { bigint: true });
      return `${stat.mtimeNs}:${stat.ctimeNs}:${stat.size}:${stat.ino}`;
    } catch {
      return null;
    }
  }
}

/**
 * Reads a tomcat-users.xml as Tomcat's MemoryUserDatabase does: `<role rolename>`, `<group groupname roles>`,
 * `<user username password fullName roles groups>` (Tomcat's older `name` for username too), roles and groups
 * comma-separated, and a role or group a user names without declaring it created on the fly. Other elements are
 * ignored, as Tomcat's digester does. Unlike Tomcat, a name declared twice is refused rather than the last one
 * silently winning.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors/container-error.js';
import { parseXml, type XmlElement } from '../config/xml-document.js';

export interface UsersFileUser {
  readonly username: string;
  /** The stored credential; null when the element has no password (the user cannot log in with one). */
  readonly password: string | null;
  readonly fullName: string | null;
  readonly roles: readonly string[];
  readonly groups: readonly string[];
}

export interface UsersFileGroup {
  readonly groupname: string;
  readonly description: string | null;
  readonly roles: readonly string[];
}

export interface UsersFileRole {
  readonly rolename: string;
  readonly description: string | null;
}

export interface UsersFile {
  readonly users: ReadonlyMap<string, UsersFileUser>;
  readonly groups: ReadonlyMap<string, UsersFileGroup>;
  readonly roles: ReadonlyMap<string, UsersFileRole>;
}

/** `a, b,,c` → `['a', 'b', 'c']`. */
function list(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

export function readUsersFile(file: string): UsersFile {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError('SV_ERR_REALM_USERS_FILE', { file, detail: (error as Error).message }, { cause: error });
  }
  return parseUsersFile(source, file);
}

export function parseUsersFile(source: string, file: string): UsersFile {
  const root = parseXml(source, file);
  if (root.name !== 'tomcat-users') {
    throw new ConfigError('SV_ERR_REALM_USERS_ROOT', { file, line: root.line, element: root.name });
  }
  const users = new Map<string, UsersFileUser>();
  const groups = new Map<string, UsersFileGroup>();
  const roles = new Map<string, UsersFileRole>();
  const lines = { user: new Map<string, number>(), group: new Map<string, number>(), role: new Map<string, number>() };

  const nameOf = (element: XmlElement, what: 'user' | 'group' | 'role', ...attributes: string[]): string => {
    const name = attributes.map((attribute) => element.attributes.get(attribute)).find((value) => value !== undefined);
    if (name === undefined || name === '') {
      throw new ConfigError('SV_ERR_REALM_USERS_MISSING_ATTRIBUTE', {
        file,
        line: element.line,
        element: element.name,
        attribute: attributes[0]!,
      });
    }
    const firstLine = lines[what].get(name);
    if (firstLine !== undefined) {
      throw new ConfigError('SV_ERR_REALM_USERS_DUPLICATE', { file, line: element.line, what, name, firstLine });
    }
    lines[what].set(name, element.line);
    return name;
  };

  for (const element of root.children) {
    if (element.name === 'role') {
      const rolename = nameOf(element, 'role', 'rolename');
      roles.set(rolename, { rolename, description: element.attributes.get('description') ?? null });
    } else if (element.name === 'group') {
      const groupname = nameOf(element, 'group', 'groupname');
      groups.set(groupname, {
        groupname,
        description: element.attributes.get('description') ?? null,
        roles: list(element.attributes.get('roles')),
      });
    } else if (element.name === 'user') {
      const username = nameOf(element, 'user', 'username', 'name');
      users.set(username, {
        username,
        password: element.attributes.get('password') ?? null,
        fullName: element.attributes.get('fullName') ?? null,
        roles: list(element.attributes.get('roles')),
        groups: list(element.attributes.get('groups')),
      });
    }
  }
  // Roles and groups referenced but never declared exist all the same (MemoryUserDatabase creates them).
  for (const user of users.values()) {
    for (const group of user.groups) if (!groups.has(group)) groups.set(group, { groupname: group, description: null, roles: [] });
  }
  for (const named of [...users.values(), ...groups.values()]) {
    for (const role of named.roles) if (!roles.has(role)) roles.set(role, { rolename: role, description: null });
  }
  return { users, groups, roles };
}

/** Every role of a user: its own and its groups' (Tomcat's UserDatabaseRealm.getRoles). */
export function effectiveRoles(file: UsersFile, username: string): Set<string> | null {
  const user = file.users.get(username);
  if (user === undefined) return null;
  const result = new Set(user.roles);
  for (const group of user.groups) for (const role of file.groups.get(group)?.roles ?? []) result.add(role);
  return result;
}

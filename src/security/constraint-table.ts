/**
 * Which protection a request needs, from a webapp's `<security-constraint>`s (Servlet 6.0 §13.8): the
 * constraints of the best-matching url-pattern (exact, then longest path prefix, then extension, then `/`, as
 * for servlet mapping, §12.1) that cover the request's method are combined:
 * - roles: the union of the named roles; a constraint without `<auth-constraint>` lets anyone in; an empty
 *   `<auth-constraint/>` shuts everyone out, whatever the others say (§13.8.1);
 * - transport: a connection type any of them accepts (so one constraint without a `<user-data-constraint>`, or
 *   with NONE, accepts a plain connection).
 * A pattern some constraint names, but none for this method, leaves the method uncovered: allowed, unless the
 * app declares `<deny-uncovered-http-methods/>` (§13.8.4). Paths are the canonical, context-relative ones the
 * Mapper uses, so encodings, path parameters and dot segments never reach this table.
 */
import { parseUrlPattern, type UrlPattern } from '../mapper/url-pattern.js';

/** What one `<security-constraint>` says, as the deployment descriptor (or `@ServletSecurity`) gives it. */
export interface ConstraintDeclaration {
  readonly collections: readonly {
    readonly urlPatterns: readonly string[];
    /** Empty with no omissions: every method. */
    readonly httpMethods: readonly string[];
    readonly httpMethodOmissions: readonly string[];
  }[];
  /** null: no `<auth-constraint>` (no login needed); empty: nobody may enter. */
  readonly authRoles: readonly string[] | null;
  readonly transportGuarantee: 'NONE' | 'INTEGRAL' | 'CONFIDENTIAL' | null;
}

/** The protection one request needs. */
export type AuthRequirement =
  /** No constraint asks for a user. */
  | { readonly kind: 'none' }
  /** An empty auth-constraint, or an uncovered method with deny-uncovered-http-methods: 403 for everyone. */
  | { readonly kind: 'deny' }
  /** A logged-in user with one of `roles`; `anyUser` when `**` was named (any authenticated user). */
  | { readonly kind: 'roles'; readonly roles: ReadonlySet<string>; readonly anyUser: boolean };

export interface RequiredAccess {
  readonly auth: AuthRequirement;
  /** INTEGRAL or CONFIDENTIAL: the request must come over TLS (a redirect to redirectPort, or 403). */
  readonly confidential: boolean;
}

const UNPROTECTED: RequiredAccess = Object.freeze({ auth: Object.freeze({ kind: 'none' }), confidential: false });
const DENIED: RequiredAccess = Object.freeze({ auth: Object.freeze({ kind: 'deny' }), confidential: false });

interface Entry {
  readonly pattern: UrlPattern;
  readonly constraint: ConstraintDeclaration;
  readonly httpMethods: readonly string[];
  readonly httpMethodOmissions: readonly string[];
}

export class ConstraintTable {
  readonly #entries: readonly Entry[];
  readonly #declaredRoles: ReadonlySet<string>;
  readonly #denyUncovered: boolean;

  /** `declaredRoles` are the app's `<security-role>`s: what the role name `*` stands for (§13.3). */
  constructor(constraints: readonly ConstraintDeclaration[], declaredRoles: readonly string[], denyUncoveredHttpMethods: boolean) {
    this.#entries = constraints.flatMap((constraint) =>
      constraint.collections.flatMap((collection) =>
        collection.urlPatterns.map((pattern) => ({
          pattern: parseUrlPattern(pattern),
          constraint,
          httpMethods: collection.httpMethods,
          httpMethodOmissions: collection.httpMethodOmissions,
        })),
      ),
    );
    this.#declaredRoles = new Set(declaredRoles);
    this.#denyUncovered = denyUncoveredHttpMethods;
  }

  /** True when the app declares no constraint at all: the authenticator can stay out of the way. */
  get isEmpty(): boolean {
    return this.#entries.length === 0;
  }

  /** The access `method` on the context-relative canonical `path` (`/admin/x`, `/` for the root) needs. */
  requiredAccess(path: string, method: string): RequiredAccess {
    const matched = this.#bestMatch(path);
    if (matched === null) return UNPROTECTED;
    const applicable = matched.filter((entry) => coversMethod(entry, method)).map((entry) => entry.constraint);
    if (applicable.length === 0) return this.#denyUncovered ? DENIED : UNPROTECTED;
    return this.#combine(applicable);
  }

  /** The entries of the best-matching pattern (§12.1 order), or null when no pattern matches. */
  #bestMatch(path: string): Entry[] | null {
    const exact = this.#entries.filter((e) => e.pattern.type === 'exact' && e.pattern.path === path);
    if (exact.length > 0) return exact;
    const root = this.#entries.filter((e) => e.pattern.type === 'context-root' && path === '/');
    if (root.length > 0) return root;
    let longest = -1;
    let prefixed: Entry[] = [];
    for (const entry of this.#entries) {
      if (entry.pattern.type !== 'path-prefix') continue;
      const prefix = entry.pattern.prefix;
      if (path !== prefix && !path.startsWith(`${prefix}/`)) continue;
      if (prefix.length > longest) {
        longest = prefix.length;
        prefixed = [entry];
      } else if (prefix.length === longest) prefixed.push(entry);
    }
    if (prefixed.length > 0) return prefixed;
    const lastSegment = path.slice(path.lastIndexOf('/') + 1);
    const extension = this.#entries.filter((e) => e.pattern.type === 'extension' && lastSegment.endsWith(`.${e.pattern.extension}`));
    if (extension.length > 0) return extension;
    const fallback = this.#entries.filter((e) => e.pattern.type === 'default');
    return fallback.length > 0 ? fallback : null;
  }

  #combine(constraints: readonly ConstraintDeclaration[]): RequiredAccess {
    const confidential = constraints.every((c) => c.transportGuarantee === 'INTEGRAL' || c.transportGuarantee === 'CONFIDENTIAL');
    if (constraints.some((c) => c.authRoles !== null && c.authRoles.length === 0)) return DENIED;
    if (constraints.some((c) => c.authRoles === null)) return confidential ? { auth: UNPROTECTED.auth, confidential } : UNPROTECTED;
    const roles = new Set<string>();
    let anyUser = false;
    for (const constraint of constraints) {
      for (const role of constraint.authRoles ?? []) {
        if (role === '**') anyUser = true;
        else if (role === '*') for (const declared of this.#declaredRoles) roles.add(declared);
        else roles.add(role);
      }
    }
    return { auth: { kind: 'roles', roles, anyUser }, confidential };
  }
}

function coversMethod(entry: Entry, method: string): boolean {
  if (entry.httpMethods.length > 0) return entry.httpMethods.includes(method);
  if (entry.httpMethodOmissions.length > 0) return !entry.httpMethodOmissions.includes(method);
  return true;
}

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
  readonly #declaredRoles: ReadonlySet<string>;
  readonly #denyUncovered: boolean;
  readonly #empty: boolean;
  // The patterns by kind, so a lookup allocates nothing and an unprotected path costs a few map probes: this runs
  // on every request of an application that declares any constraint.
  readonly #exact = new Map<string, Entry[]>();
  readonly #root: Entry[] = [];
  /** Longest prefix first. */
  readonly #prefixes: { readonly prefix: string; readonly entries: Entry[] }[] = [];
  readonly #extensions: { readonly suffix: string; readonly entries: Entry[] }[] = [];
  readonly #fallback: Entry[] = [];

  /** `declaredRoles` are the app's `<security-role>`s: what the role name `*` stands for (§13.3). */
  constructor(constraints: readonly ConstraintDeclaration[], declaredRoles: readonly string[], denyUncoveredHttpMethods: boolean) {
    const entries = constraints.flatMap((constraint) =>
      constraint.collections.flatMap((collection) =>
        collection.urlPatterns.map((pattern) => ({
          pattern: parseUrlPattern(pattern),
          constraint,
          httpMethods: collection.httpMethods,
          httpMethodOmissions: collection.httpMethodOmissions,
        })),
      ),
    );
    for (const entry of entries) {
      const pattern = entry.pattern;
      switch (pattern.type) {
        case 'exact':
          this.#exact.set(pattern.path, [...(this.#exact.get(pattern.path) ?? []), entry]);
          break;
        case 'context-root':
          this.#root.push(entry);
          break;
        case 'path-prefix': {
          const known = this.#prefixes.find((p) => p.prefix === pattern.prefix);
          if (known === undefined) this.#prefixes.push({ prefix: pattern.prefix, entries: [entry] });
          else known.entries.push(entry);
          break;
        }
        case 'extension': {
          const suffix = `.${pattern.extension}`;
          const known = this.#extensions.find((e) => e.suffix === suffix);
          if (known === undefined) this.#extensions.push({ suffix, entries: [entry] });
          else known.entries.push(entry);
          break;
        }
        default:
          this.#fallback.push(entry);
      }
    }
    this.#prefixes.sort((a, b) => b.prefix.length - a.prefix.length);
    this.#empty = entries.length === 0;
    this.#declaredRoles = new Set(declaredRoles);
    this.#denyUncovered = denyUncoveredHttpMethods;
  }

  /** True when the app declares no constraint at all: the authenticator can stay out of the way. */
  get isEmpty(): boolean {
    return this.#empty;
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
  #bestMatch(path: string): readonly Entry[] | null {
    const exact = this.#exact.get(path);
    if (exact !== undefined) return exact;
    if (path === '/' && this.#root.length > 0) return this.#root;
    for (const { prefix, entries } of this.#prefixes) {
      if (path === prefix || (path.startsWith(prefix) && path.charCodeAt(prefix.length) === 0x2f)) return entries;
    }
    if (this.#extensions.length > 0) {
      // Every extension pattern the name ends with (`*.gz` and `*.tar.gz` for `a.tar.gz`): all of them apply.
      const lastSegment = path.slice(path.lastIndexOf('/') + 1);
      const matching = this.#extensions.filter(({ suffix }) => lastSegment.endsWith(suffix)).flatMap(({ entries }) => entries);
      if (matching.length > 0) return matching;
    }
    return this.#fallback.length > 0 ? this.#fallback : null;
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

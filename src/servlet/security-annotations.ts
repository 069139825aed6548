/**
 * Security declared in code (Servlet 6.0 §13.4): `@ServletSecurity` with `@HttpConstraint` and
 * `@HttpMethodConstraint`, and the Jakarta Annotations `@DeclareRoles`, `@RolesAllowed`, `@PermitAll` and
 * `@DenyAll`. The decorators only record what they were given (reflect-metadata); the deployer checks it and
 * turns it into `<security-constraint>`s for the servlet's url patterns (src/deploy/servlet-security.ts), so a
 * declaration that cannot be honoured refuses the deployment with a coded error instead of throwing while a
 * class file is being loaded.
 */
import 'reflect-metadata';

/** What an empty `rolesAllowed` means (Servlet 6.0 §13.4.1: `ServletSecurity.EmptyRoleSemantic`). */
export const EmptyRoleSemantic = Object.freeze({ PERMIT: 'PERMIT', DENY: 'DENY' } as const);
export type EmptyRoleSemantic = (typeof EmptyRoleSemantic)[keyof typeof EmptyRoleSemantic];

/** `ServletSecurity.TransportGuarantee`: CONFIDENTIAL asks for TLS (a redirect to the Connector's redirectPort). */
export const TransportGuarantee = Object.freeze({ NONE: 'NONE', CONFIDENTIAL: 'CONFIDENTIAL' } as const);
export type TransportGuarantee = (typeof TransportGuarantee)[keyof typeof TransportGuarantee];

/** `@HttpConstraint(...)`: `value` is the EmptyRoleSemantic, PERMIT by default. */
export type HttpConstraintOptions =
  | {
      readonly value?: 'PERMIT';
      readonly rolesAllowed?: readonly string[];
      readonly transportGuarantee?: TransportGuarantee;
    }
  | {
      readonly value: 'DENY';
      readonly rolesAllowed?: readonly [];
      readonly transportGuarantee?: TransportGuarantee;
    };

/** The HTTP method names of RFC 9110 §9.3 and RFC 5789, plus any other token (an extension method). */
export type HttpMethodName = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE' | 'OPTIONS' | 'TRACE' | 'PATCH' | (string & {});

/** `@HttpMethodConstraint(...)`: `value` is the method; `emptyRoleSemantic` PERMIT by default. */
export type HttpMethodConstraintOptions =
  | {
      readonly value: HttpMethodName;
      readonly emptyRoleSemantic?: 'PERMIT';
      readonly rolesAllowed?: readonly string[];
      readonly transportGuarantee?: TransportGuarantee;
    }
  | {
      readonly value: HttpMethodName;
      readonly emptyRoleSemantic: 'DENY';
      readonly rolesAllowed?: readonly [];
      readonly transportGuarantee?: TransportGuarantee;
    };

/** A constraint with its defaults filled in (Java's `HttpConstraintElement`). */
export interface HttpConstraintElement {
  readonly emptyRoleSemantic: EmptyRoleSemantic;
  readonly rolesAllowed: readonly string[];
  readonly transportGuarantee: TransportGuarantee;
}

/** Java's `HttpMethodConstraintElement`. */
export interface HttpMethodConstraintElement extends HttpConstraintElement {
  readonly methodName: string;
}

/** Java's `ServletSecurityElement`: the constraint for every method but those listed, and one per listed method. */
export interface ServletSecurityElement {
  readonly httpConstraint: HttpConstraintElement;
  readonly httpMethodConstraints: readonly HttpMethodConstraintElement[];
}

export interface ServletSecurityOptions {
  /** Applies to every HTTP method without an entry in httpMethodConstraints. */
  readonly value?: HttpConstraintElement;
  readonly httpMethodConstraints?: readonly HttpMethodConstraintElement[];
}

type Constructor = abstract new (...args: never[]) => unknown;

/** The HttpServlet methods a method-level @RolesAllowed / @PermitAll / @DenyAll may decorate. */
export type HttpServletMethod = 'doGet' | 'doHead' | 'doPost' | 'doPut' | 'doDelete' | 'doOptions' | 'doTrace' | 'doPatch';

/** The HTTP method each HttpServlet handler serves. */
export const HTTP_METHOD_OF_HANDLER: Readonly<Record<HttpServletMethod, string>> = Object.freeze({
  doGet: 'GET',
  doHead: 'HEAD',
  doPost: 'POST',
  doPut: 'PUT',
  doDelete: 'DELETE',
  doOptions: 'OPTIONS',
  doTrace: 'TRACE',
  doPatch: 'PATCH',
});

/**
 * A decorator for a servlet class or one of its doXxx methods; TypeScript refuses it on any other method. From
 * JavaScript: `RolesAllowed(['admin'])(MyServlet)` or `RolesAllowed(['admin'])(MyServlet.prototype, 'doPost')`.
 */
export interface ClassOrHandlerDecorator {
  (target: Constructor): void;
  (target: object, propertyKey: HttpServletMethod, descriptor?: PropertyDescriptor): void;
}

/** One Jakarta Annotations security declaration, as recorded. */
export type RoleAnnotation =
  { readonly kind: 'RolesAllowed'; readonly roles: readonly string[] } | { readonly kind: 'PermitAll' } | { readonly kind: 'DenyAll' };

export const SERVLET_SECURITY_METADATA = 'serval:ServletSecurity';
export const DECLARE_ROLES_METADATA = 'serval:DeclareRoles';
/** The role annotations of the class itself, each as given (a list: two on one target is an error to report). */
export const CLASS_ROLES_METADATA = 'serval:ClassRoleAnnotations';
/** Method name → the role annotations of that method. */
export const METHOD_ROLES_METADATA = 'serval:MethodRoleAnnotations';

/** `@HttpConstraint()`, `@HttpConstraint({ rolesAllowed: ['admin'] })`, `@HttpConstraint({ value: 'DENY' })`. */
export function HttpConstraint(options: HttpConstraintOptions = {}): HttpConstraintElement {
  return Object.freeze({
    emptyRoleSemantic: options.value ?? 'PERMIT',
    rolesAllowed: Object.freeze([...(options.rolesAllowed ?? [])]),
    transportGuarantee: options.transportGuarantee ?? 'NONE',
  });
}

/** `@HttpMethodConstraint({ value: 'GET' })` (open to all), or with roles, DENY, CONFIDENTIAL. */
export function HttpMethodConstraint(options: HttpMethodConstraintOptions): HttpMethodConstraintElement {
  return Object.freeze({
    methodName: options.value,
    emptyRoleSemantic: options.emptyRoleSemantic ?? 'PERMIT',
    rolesAllowed: Object.freeze([...(options.rolesAllowed ?? [])]),
    transportGuarantee: options.transportGuarantee ?? 'NONE',
  });
}

/**
 * `@ServletSecurity(...)` on a servlet class. Inherited by subclasses, as Java's `@Inherited` annotation is.
 * web.xml `<security-constraint>`s win for every url pattern they name (Servlet 6.0 §13.4).
 */
export function ServletSecurity(options: ServletSecurityOptions = {}): ClassDecorator {
  const element: ServletSecurityElement = Object.freeze({
    httpConstraint: options.value ?? HttpConstraint(),
    httpMethodConstraints: Object.freeze([...(options.httpMethodConstraints ?? [])]),
  });
  return (target) => {
    Reflect.defineMetadata(SERVLET_SECURITY_METADATA, element, target);
  };
}

/** `@DeclareRoles(['manager'])`: security roles of the application, as `<security-role>` declares them. */
export function DeclareRoles(roles: string | readonly string[]): ClassDecorator {
  const declared = typeof roles === 'string' ? [roles] : [...roles];
  return (target) => {
    const existing = (Reflect.getOwnMetadata(DECLARE_ROLES_METADATA, target) as string[] | undefined) ?? [];
    Reflect.defineMetadata(DECLARE_ROLES_METADATA, [...existing, ...declared], target);
  };
}

/**
 * `@RolesAllowed(['admin'])` on a servlet class (every method) or on doGet, doPost… (that HTTP method). Serval
 * treats it as `@ServletSecurity(@HttpConstraint({ rolesAllowed }))` or as an `@HttpMethodConstraint`.
 */
export function RolesAllowed(roles: string | readonly string[]): ClassOrHandlerDecorator {
  return roleDecorator({ kind: 'RolesAllowed', roles: Object.freeze(typeof roles === 'string' ? [roles] : [...roles]) });
}

/** `@PermitAll()`: no login needed for the class (every method) or for one doXxx method. */
export function PermitAll(): ClassOrHandlerDecorator {
  return roleDecorator({ kind: 'PermitAll' });
}

/** `@DenyAll()`: 403 for everyone, for the class (every method) or for one doXxx method. */
export function DenyAll(): ClassOrHandlerDecorator {
  return roleDecorator({ kind: 'DenyAll' });
}

function roleDecorator(annotation: RoleAnnotation): ClassOrHandlerDecorator {
  return (target: object, propertyKey?: string | symbol) => {
    if (propertyKey === undefined) {
      const existing = (Reflect.getOwnMetadata(CLASS_ROLES_METADATA, target) as RoleAnnotation[] | undefined) ?? [];
      Reflect.defineMetadata(CLASS_ROLES_METADATA, [...existing, annotation], target);
      return;
    }
    // A method decorator receives the prototype; the record lives on the class, next to the class's own.
    const owner = typeof target === 'function' ? target : (target as { constructor: object }).constructor;
    const byMethod = new Map((Reflect.getOwnMetadata(METHOD_ROLES_METADATA, owner) as Map<string, RoleAnnotation[]> | undefined) ?? []);
    const key = String(propertyKey);
    byMethod.set(key, [...(byMethod.get(key) ?? []), annotation]);
    Reflect.defineMetadata(METHOD_ROLES_METADATA, byMethod, owner);
  };
}

/** Everything security-related the decorators recorded on a class. */
export interface SecurityAnnotations {
  /** Own or inherited (Java's @ServletSecurity is @Inherited). */
  readonly servletSecurity: ServletSecurityElement | undefined;
  readonly declareRoles: readonly string[];
  readonly classRoles: readonly RoleAnnotation[];
  readonly methodRoles: ReadonlyMap<string, readonly RoleAnnotation[]>;
}

export function readSecurityAnnotations(target: Constructor): SecurityAnnotations {
  return {
    servletSecurity: Reflect.getMetadata(SERVLET_SECURITY_METADATA, target) as ServletSecurityElement | undefined,
    declareRoles: (Reflect.getOwnMetadata(DECLARE_ROLES_METADATA, target) as string[] | undefined) ?? [],
    classRoles: (Reflect.getOwnMetadata(CLASS_ROLES_METADATA, target) as RoleAnnotation[] | undefined) ?? [],
    methodRoles: (Reflect.getOwnMetadata(METHOD_ROLES_METADATA, target) as Map<string, RoleAnnotation[]> | undefined) ?? new Map(),
  };
}

/** True when the class carries any security decorator. */
export function hasSecurityAnnotations(a: SecurityAnnotations): boolean {
  return a.servletSecurity !== undefined || a.declareRoles.length > 0 || a.classRoles.length > 0 || a.methodRoles.size > 0;
}

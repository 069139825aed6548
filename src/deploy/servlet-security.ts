/**
 * Security declared in code, turned into `<security-constraint>`s and `<security-role>`s (Servlet 6.0 §13.4).
 *
 * - `@ServletSecurity` applies to every url pattern mapped to the servlet (its @WebServlet patterns or its
 *   web.xml `<servlet-mapping>`s) except those some descriptor `<security-constraint>` names: for those the
 *   descriptor wins, whatever methods it covers (§13.4; Tomcat's StandardContext.addServletSecurity).
 * - Each `@HttpMethodConstraint` becomes a constraint for its method, always (an open one is what lets that
 *   method past the class-wide constraint); the `@HttpConstraint` becomes a constraint for every other method
 *   (`<http-method-omission>`s), only when it asks for something: roles, DENY or CONFIDENTIAL (§13.4.1.3;
 *   Tomcat's SecurityConstraint.createConstraints).
 * - `@RolesAllowed` / `@PermitAll` / `@DenyAll` on the class stand for that `@HttpConstraint`, and on doGet,
 *   doPost… for an `@HttpMethodConstraint` of that method. doGet's also covers HEAD unless doHead has its own,
 *   because HttpServlet answers HEAD by running doGet. An empty `@RolesAllowed([])` permits no role, so it is DENY.
 * - `@DeclareRoles` adds security roles, which is what the role name `*` stands for (§13.3).
 */
import { DeployError } from '../errors/container-error.js';
import type { ParamsOf } from '../errors/codes.js';
import {
  HTTP_METHOD_OF_HANDLER,
  type HttpConstraintElement,
  type HttpMethodConstraintElement,
  type HttpServletMethod,
  type RoleAnnotation,
  type ServletSecurityElement,
} from '../servlet/security-annotations.js';
import type { AnnotatedSecurity, DescriptorSource, SecurityConstraint, WebXml } from './web-xml.js';

type Reason = ParamsOf<'SV_ERR_DEPLOY_SERVLET_SECURITY'>['reason'];

/** RFC 9110 §5.6.2 token. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export interface CodeSecurity {
  readonly constraints: readonly SecurityConstraint[];
  readonly roles: readonly string[];
}

/**
 * The constraints and roles the security decorators of `webXml`'s servlet classes add, given the descriptor's
 * own constraints (`webXml.securityConstraints`, conf/web.xml's included) and mappings.
 */
export function codeSecurity(webXml: WebXml, annotated: ReadonlyMap<string, AnnotatedSecurity>): CodeSecurity {
  const descriptorPatterns = new Set(
    webXml.securityConstraints.flatMap((c) => c.webResourceCollections.flatMap((collection) => collection.urlPatterns)),
  );
  const constraints: SecurityConstraint[] = [];
  const roles: string[] = [];
  const elements = new Map<string, ServletSecurityElement | null>();
  for (const servlet of webXml.servlets.values()) {
    const declared = annotated.get(servlet.servletClass);
    if (declared === undefined) continue;
    roles.push(...declared.annotations.declareRoles);
    let element = elements.get(declared.className);
    if (element === undefined) {
      element = effectiveElement(declared);
      elements.set(declared.className, element);
    }
    if (element === null) continue;
    const patterns = [
      ...new Set(webXml.servletMappings.filter((m) => m.servletName === servlet.name).flatMap((m) => m.urlPatterns)),
    ].filter((p) => !descriptorPatterns.has(p));
    if (patterns.length > 0) constraints.push(...createConstraints(element, patterns, declared.source));
  }
  return { constraints, roles: [...new Set(roles)] };
}

/** The class's @ServletSecurity, or the one its Jakarta annotations stand for; null when it declares neither. */
export function effectiveElement(declared: AnnotatedSecurity): ServletSecurityElement | null {
  const { annotations, className, source } = declared;
  const fail = (annotation: string, reason: Reason): never => {
    throw new DeployError('SV_ERR_DEPLOY_SERVLET_SECURITY', { source: source.file, annotation, className, reason });
  };
  const hasRoleAnnotations = annotations.classRoles.length > 0 || annotations.methodRoles.size > 0;

  if (annotations.servletSecurity !== undefined) {
    if (hasRoleAnnotations) {
      fail(
        '@ServletSecurity',
        'a class with @ServletSecurity cannot also carry @RolesAllowed, @PermitAll or @DenyAll: which one applies would be ambiguous',
      );
    }
    const element = annotations.servletSecurity;
    checkConstraint(element.httpConstraint, '@HttpConstraint', fail);
    const seen = new Set<string>();
    for (const method of element.httpMethodConstraints) {
      const name = `@HttpMethodConstraint(${String(method.methodName)})`;
      if (typeof method.methodName !== 'string' || !TOKEN.test(method.methodName)) {
        fail(name, 'the HTTP method name must be a token (RFC 9110 §5.6.2)');
      }
      checkConstraint(method, name, fail);
      if (seen.has(method.methodName)) fail(name, 'the same HTTP method has more than one @HttpMethodConstraint');
      seen.add(method.methodName);
    }
    return element;
  }
  if (!hasRoleAnnotations) return null;

  if (annotations.classRoles.length > 1) {
    fail(annotationName(annotations.classRoles), '@RolesAllowed, @PermitAll and @DenyAll exclude one another on the same class or method');
  }
  const classRole = annotations.classRoles[0];
  const httpConstraint = classRole === undefined ? PERMIT : fromRoleAnnotation(classRole, annotationName([classRole]), fail);

  const byMethod = new Map<string, HttpMethodConstraintElement>();
  for (const [handler, list] of annotations.methodRoles) {
    const name = `${annotationName(list)} on ${handler}`;
    if (!Object.hasOwn(HTTP_METHOD_OF_HANDLER, handler)) {
      fail(
        name,
        'it must decorate one of doGet, doHead, doPost, doPut, doDelete, doOptions, doTrace or doPatch, whose HTTP method it protects',
      );
    }
    if (list.length > 1) fail(name, '@RolesAllowed, @PermitAll and @DenyAll exclude one another on the same class or method');
    const [annotation] = list as [RoleAnnotation];
    const methodName = HTTP_METHOD_OF_HANDLER[handler as HttpServletMethod];
    byMethod.set(methodName, { methodName, ...fromRoleAnnotation(annotation, name, fail) });
  }
  const get = byMethod.get('GET');
  if (get !== undefined && !byMethod.has('HEAD')) byMethod.set('HEAD', { ...get, methodName: 'HEAD' });
  return { httpConstraint, httpMethodConstraints: [...byMethod.values()] };
}

const PERMIT: HttpConstraintElement = Object.freeze({ emptyRoleSemantic: 'PERMIT', rolesAllowed: [], transportGuarantee: 'NONE' });
const DENY: HttpConstraintElement = Object.freeze({ emptyRoleSemantic: 'DENY', rolesAllowed: [], transportGuarantee: 'NONE' });

function fromRoleAnnotation(
  annotation: RoleAnnotation,
  name: string,
  fail: (annotation: string, reason: Reason) => never,
): HttpConstraintElement {
  if (annotation.kind === 'PermitAll') return PERMIT;
  if (annotation.kind === 'DenyAll') return DENY;
  const element: HttpConstraintElement = { emptyRoleSemantic: 'PERMIT', rolesAllowed: annotation.roles, transportGuarantee: 'NONE' };
  checkConstraint(element, name, fail);
  // JSR-250: @RolesAllowed({}) lets no role in; read as PERMIT it would open the servlet to everyone.
  return annotation.roles.length === 0 ? DENY : element;
}

function annotationName(list: readonly RoleAnnotation[]): string {
  return list.map((a) => (a.kind === 'RolesAllowed' ? `@RolesAllowed(${a.roles.join(', ')})` : `@${a.kind}`)).join(' + ');
}

/** What Java's enums and HttpConstraintElement's constructor guarantee, checked for callers in plain JavaScript. */
function checkConstraint(element: HttpConstraintElement, name: string, fail: (annotation: string, reason: Reason) => never): void {
  const semantic: unknown = element.emptyRoleSemantic;
  const transport: unknown = element.transportGuarantee;
  const roles: unknown = element.rolesAllowed;
  if (semantic !== 'PERMIT' && semantic !== 'DENY') fail(name, 'the emptyRoleSemantic must be PERMIT or DENY');
  if (transport !== 'NONE' && transport !== 'CONFIDENTIAL') fail(name, 'the transportGuarantee must be NONE or CONFIDENTIAL');
  if (!Array.isArray(roles) || !roles.every((r) => typeof r === 'string' && r.length > 0)) {
    fail(name, 'rolesAllowed must be a list of non-empty role names');
  }
  if (semantic === 'DENY' && element.rolesAllowed.length > 0) {
    fail(name, 'EmptyRoleSemantic DENY cannot be combined with rolesAllowed, whose roles would never be consulted');
  }
}

/** The constraints one ServletSecurityElement means for `urlPatterns`. */
export function createConstraints(
  element: ServletSecurityElement,
  urlPatterns: readonly string[],
  source: DescriptorSource,
): SecurityConstraint[] {
  const constraints: SecurityConstraint[] = element.httpMethodConstraints.map((method) =>
    toConstraint(method, { urlPatterns, httpMethods: [method.methodName], httpMethodOmissions: [] }, source),
  );
  const general = element.httpConstraint;
  if (general.emptyRoleSemantic === 'DENY' || general.rolesAllowed.length > 0 || general.transportGuarantee !== 'NONE') {
    const omitted = element.httpMethodConstraints.map((m) => m.methodName);
    constraints.push(toConstraint(general, { urlPatterns, httpMethods: [], httpMethodOmissions: omitted }, source));
  }
  return constraints;
}

function toConstraint(
  element: HttpConstraintElement,
  collection: { urlPatterns: readonly string[]; httpMethods: readonly string[]; httpMethodOmissions: readonly string[] },
  source: DescriptorSource,
): SecurityConstraint {
  return {
    displayName: null,
    webResourceCollections: [{ name: null, ...collection }],
    // No roles: PERMIT is "no <auth-constraint>", DENY an empty one (§13.4.1.1).
    authRoles: element.rolesAllowed.length > 0 ? element.rolesAllowed : element.emptyRoleSemantic === 'DENY' ? [] : null,
    transportGuarantee: element.transportGuarantee === 'CONFIDENTIAL' ? 'CONFIDENTIAL' : null,
    source,
  };
}

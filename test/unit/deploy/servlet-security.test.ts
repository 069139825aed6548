import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DeployError } from '../../../src/errors/container-error.js';
import { mergeWebXml } from '../../../src/deploy/web-xml-merge.js';
import { parseWebXml, parseWebXmlString } from '../../../src/deploy/web-xml-parser.js';
import { emptyWebXml, type AnnotatedSecurity, type SecurityConstraint, type ServletDef, type WebXml } from '../../../src/deploy/web-xml.js';
import { ConstraintTable } from '../../../src/security/constraint-table.js';
import { HttpServlet } from '../../../src/servlet/http-servlet.js';
import {
  DeclareRoles,
  DenyAll,
  HttpConstraint,
  HttpMethodConstraint,
  PermitAll,
  readSecurityAnnotations,
  RolesAllowed,
  ServletSecurity,
  type HttpConstraintElement,
} from '../../../src/servlet/security-annotations.js';

const defaults = parseWebXml(join(__dirname, '..', '..', '..', 'conf', 'web.xml'));
const APP_FILE = '/apps/demo/WEB-INF/web.xml';
const app = (body = ''): WebXml => parseWebXmlString(`<web-app>\n${body}\n</web-app>`, APP_FILE);

type ServletClass = abstract new (...args: never[]) => unknown;

/** What the scanner gives for annotated classes: each `[name, class, patterns]` a @WebServlet servlet of that class. */
function scanned(servlets: readonly [string, ServletClass, readonly string[]][], extra: readonly ServletClass[] = []): WebXml {
  const annotatedSecurity = new Map<string, AnnotatedSecurity>();
  const record = (cls: ServletClass): void => {
    const source = { file: `WEB-INF/classes/${cls.name}.js`, line: null };
    annotatedSecurity.set(cls.name, { className: cls.name, annotations: readSecurityAnnotations(cls), source });
  };
  const defs = new Map<string, ServletDef>();
  for (const [name, cls] of servlets) {
    record(cls);
    defs.set(name, {
      name,
      servletClass: cls.name,
      initParams: new Map(),
      loadOnStartup: null,
      asyncSupported: false,
      enabled: true,
      multipartConfig: null,
      source: null,
    });
  }
  for (const cls of extra) record(cls);
  return {
    ...emptyWebXml('annotations'),
    servlets: defs,
    servletMappings: servlets
      .filter(([, , p]) => p.length > 0)
      .map(([name, , urlPatterns]) => ({ servletName: name, urlPatterns, source: null })),
    annotatedSecurity,
  };
}

/** The constraints the merge adds from code, without their source, for readable comparisons. */
function fromCode(merged: WebXml): Omit<SecurityConstraint, 'source' | 'displayName'>[] {
  return merged.securityConstraints
    .filter((c) => c.source?.file.startsWith('WEB-INF/classes/'))
    .map(({ webResourceCollections, authRoles, transportGuarantee }) => ({ webResourceCollections, authRoles, transportGuarantee }));
}

function table(merged: WebXml): ConstraintTable {
  const declarations = merged.securityConstraints.map((c) => ({
    collections: c.webResourceCollections,
    authRoles: c.authRoles,
    transportGuarantee: c.transportGuarantee,
  }));
  return new ConstraintTable(declarations, merged.securityRoles, merged.denyUncoveredHttpMethods);
}

const collection = (urlPatterns: string[], httpMethods: string[] = [], httpMethodOmissions: string[] = []) => ({
  name: null,
  urlPatterns,
  httpMethods,
  httpMethodOmissions,
});

describe('@ServletSecurity → security constraints (Servlet 6.0 §13.4.1)', () => {
  it('an @HttpConstraint with roles protects every method on every pattern of the servlet', () => {
    class Admin extends HttpServlet {}
    ServletSecurity({ value: HttpConstraint({ rolesAllowed: ['admin'] }) })(Admin);
    const merged = mergeWebXml(defaults, app(), scanned([['admin', Admin, ['/admin/*', '/manage']]]));
    expect(fromCode(merged)).toEqual([
      { webResourceCollections: [collection(['/admin/*', '/manage'])], authRoles: ['admin'], transportGuarantee: null },
    ]);
    const access = table(merged);
    expect(access.requiredAccess('/admin/x', 'DELETE').auth).toEqual({ kind: 'roles', roles: new Set(['admin']), anyUser: false });
    expect(access.requiredAccess('/other', 'GET').auth).toEqual({ kind: 'none' });
  });

  it('an @HttpMethodConstraint is a constraint of its own method, and the @HttpConstraint omits that method', () => {
    class Board extends HttpServlet {}
    ServletSecurity({
      value: HttpConstraint({ rolesAllowed: ['member'] }),
      httpMethodConstraints: [HttpMethodConstraint({ value: 'GET' }), HttpMethodConstraint({ value: 'DELETE', emptyRoleSemantic: 'DENY' })],
    })(Board);
    const merged = mergeWebXml(defaults, app(), scanned([['board', Board, ['/board']]]));
    expect(fromCode(merged)).toEqual([
      { webResourceCollections: [collection(['/board'], ['GET'])], authRoles: null, transportGuarantee: null },
      { webResourceCollections: [collection(['/board'], ['DELETE'])], authRoles: [], transportGuarantee: null },
      { webResourceCollections: [collection(['/board'], [], ['GET', 'DELETE'])], authRoles: ['member'], transportGuarantee: null },
    ]);
    const access = table(merged);
    expect(access.requiredAccess('/board', 'GET').auth.kind).toBe('none');
    expect(access.requiredAccess('/board', 'DELETE').auth.kind).toBe('deny');
    expect(access.requiredAccess('/board', 'POST').auth).toEqual({ kind: 'roles', roles: new Set(['member']), anyUser: false });
  });

  it('the default @HttpConstraint (PERMIT, no roles, NONE) adds no constraint; method constraints still apply', () => {
    class Open extends HttpServlet {}
    ServletSecurity()(Open);
    class Posting extends HttpServlet {}
    ServletSecurity({ httpMethodConstraints: [HttpMethodConstraint({ value: 'POST', rolesAllowed: ['writer'] })] })(Posting);
    const merged = mergeWebXml(
      defaults,
      app(),
      scanned([
        ['open', Open, ['/open']],
        ['posting', Posting, ['/post']],
      ]),
    );
    expect(fromCode(merged)).toEqual([
      { webResourceCollections: [collection(['/post'], ['POST'])], authRoles: ['writer'], transportGuarantee: null },
    ]);
    expect(table(merged).requiredAccess('/post', 'GET').auth.kind).toBe('none');
  });

  it('DENY is an empty auth-constraint and CONFIDENTIAL a user-data-constraint', () => {
    class Closed extends HttpServlet {}
    ServletSecurity({ value: HttpConstraint({ value: 'DENY' }) })(Closed);
    class Secure extends HttpServlet {}
    ServletSecurity({ value: HttpConstraint({ transportGuarantee: 'CONFIDENTIAL' }) })(Secure);
    const merged = mergeWebXml(
      defaults,
      app(),
      scanned([
        ['closed', Closed, ['/closed']],
        ['secure', Secure, ['/secure']],
      ]),
    );
    expect(fromCode(merged)).toEqual([
      { webResourceCollections: [collection(['/closed'])], authRoles: [], transportGuarantee: null },
      { webResourceCollections: [collection(['/secure'])], authRoles: null, transportGuarantee: 'CONFIDENTIAL' },
    ]);
    expect(table(merged).requiredAccess('/secure', 'GET')).toEqual({ auth: { kind: 'none' }, confidential: true });
  });

  it('is inherited by subclasses, as Java @ServletSecurity is @Inherited', () => {
    class Base extends HttpServlet {}
    ServletSecurity({ value: HttpConstraint({ rolesAllowed: ['base'] }) })(Base);
    class Derived extends Base {}
    const merged = mergeWebXml(defaults, app(), scanned([['derived', Derived, ['/derived']]]));
    expect(fromCode(merged).map((c) => c.authRoles)).toEqual([['base']]);
  });
});

describe('merged with web.xml (Servlet 6.0 §13.4, §8.2.3)', () => {
  class Guarded extends HttpServlet {}
  ServletSecurity({ value: HttpConstraint({ rolesAllowed: ['admin'] }) })(Guarded);

  it('skips every pattern a web.xml <security-constraint> names, whatever methods it covers, and keeps the others', () => {
    const xml = app(`
      <security-constraint>
        <web-resource-collection><url-pattern>/a/*</url-pattern><http-method>POST</http-method></web-resource-collection>
        <auth-constraint><role-name>clerk</role-name></auth-constraint>
      </security-constraint>`);
    const merged = mergeWebXml(defaults, xml, scanned([['guarded', Guarded, ['/a/*', '/b/*']]]));
    expect(fromCode(merged)).toEqual([{ webResourceCollections: [collection(['/b/*'])], authRoles: ['admin'], transportGuarantee: null }]);
    const access = table(merged);
    // web.xml alone decides /a/*: GET is uncovered there, so open, although the annotation asked for admin.
    expect(access.requiredAccess('/a/x', 'GET').auth.kind).toBe('none');
    expect(access.requiredAccess('/a/x', 'POST').auth).toEqual({ kind: 'roles', roles: new Set(['clerk']), anyUser: false });
    expect(access.requiredAccess('/b/x', 'GET').auth).toEqual({ kind: 'roles', roles: new Set(['admin']), anyUser: false });
  });

  it('follows web.xml mappings that replace the annotation’s (§8.2.3 item 3)', () => {
    const xml = app(`<servlet-mapping><servlet-name>guarded</servlet-name><url-pattern>/remapped</url-pattern></servlet-mapping>`);
    const annotated = scanned([['guarded', Guarded, ['/annotated']]]);
    const merged = mergeWebXml(defaults, xml, annotated);
    expect(fromCode(merged)).toEqual([
      { webResourceCollections: [collection(['/remapped'])], authRoles: ['admin'], transportGuarantee: null },
    ]);
  });

  it('applies to a servlet web.xml declares with an annotated class but no @WebServlet', () => {
    const xml = app(`
      <servlet><servlet-name>byXml</servlet-name><servlet-class>Guarded</servlet-class></servlet>
      <servlet-mapping><servlet-name>byXml</servlet-name><url-pattern>/xml/*</url-pattern></servlet-mapping>`);
    const merged = mergeWebXml(defaults, xml, scanned([], [Guarded]));
    expect(fromCode(merged)).toEqual([
      { webResourceCollections: [collection(['/xml/*'])], authRoles: ['admin'], transportGuarantee: null },
    ]);
  });

  it('adds nothing when the annotations are not scanned (metadata-complete)', () => {
    const merged = mergeWebXml(defaults, app(), null);
    expect(merged.securityConstraints).toEqual([]);
  });

  it('@DeclareRoles adds security roles, which is what `*` stands for', () => {
    class Staff extends HttpServlet {}
    DeclareRoles(['staff', 'auditor'])(Staff);
    ServletSecurity({ value: HttpConstraint({ rolesAllowed: ['*'] }) })(Staff);
    const merged = mergeWebXml(
      defaults,
      app('<security-role><role-name>auditor</role-name></security-role>'),
      scanned([['staff', Staff, ['/staff']]]),
    );
    expect(merged.securityRoles).toEqual(['auditor', 'staff']);
    expect(table(merged).requiredAccess('/staff', 'GET').auth).toEqual({
      kind: 'roles',
      roles: new Set(['auditor', 'staff']),
      anyUser: false,
    });
  });
});

describe('@RolesAllowed / @PermitAll / @DenyAll', () => {
  it('on the class: @RolesAllowed is the @HttpConstraint, @DenyAll is DENY, @PermitAll adds nothing', () => {
    class Roles extends HttpServlet {}
    RolesAllowed(['a', 'b'])(Roles);
    class Denied extends HttpServlet {}
    DenyAll()(Denied);
    class Permitted extends HttpServlet {}
    PermitAll()(Permitted);
    const merged = mergeWebXml(
      defaults,
      app(),
      scanned([
        ['roles', Roles, ['/roles']],
        ['denied', Denied, ['/denied']],
        ['permitted', Permitted, ['/permitted']],
      ]),
    );
    expect(fromCode(merged)).toEqual([
      { webResourceCollections: [collection(['/roles'])], authRoles: ['a', 'b'], transportGuarantee: null },
      { webResourceCollections: [collection(['/denied'])], authRoles: [], transportGuarantee: null },
    ]);
  });

  it('on doGet/doPost: per-method constraints; doGet’s covers HEAD unless doHead has its own', () => {
    class Mixed extends HttpServlet {
      protected override doGet(): void {}
      protected override doHead(): void {}
      protected override doPost(): void {}
      protected override doPut(): void {}
    }
    RolesAllowed('editor')(Mixed);
    PermitAll()(Mixed.prototype, 'doGet');
    RolesAllowed(['author'])(Mixed.prototype, 'doPost');
    class HeadToo extends HttpServlet {
      protected override doGet(): void {}
    }
    RolesAllowed(['reader'])(HeadToo.prototype, 'doGet');
    class OwnHead extends HttpServlet {}
    RolesAllowed(['reader'])(OwnHead.prototype, 'doGet');
    DenyAll()(OwnHead.prototype, 'doHead');
    const merged = mergeWebXml(
      defaults,
      app(),
      scanned([
        ['mixed', Mixed, ['/mixed']],
        ['head-too', HeadToo, ['/head-too']],
        ['own-head', OwnHead, ['/own-head']],
      ]),
    );
    const access = table(merged);
    expect(access.requiredAccess('/mixed', 'GET').auth.kind).toBe('none');
    expect(access.requiredAccess('/mixed', 'HEAD').auth.kind).toBe('none');
    expect(access.requiredAccess('/mixed', 'POST').auth).toEqual({ kind: 'roles', roles: new Set(['author']), anyUser: false });
    expect(access.requiredAccess('/mixed', 'PUT').auth).toEqual({ kind: 'roles', roles: new Set(['editor']), anyUser: false });
    expect(access.requiredAccess('/head-too', 'HEAD').auth).toEqual({ kind: 'roles', roles: new Set(['reader']), anyUser: false });
    expect(access.requiredAccess('/head-too', 'POST').auth.kind).toBe('none');
    expect(access.requiredAccess('/own-head', 'HEAD').auth.kind).toBe('deny');
  });

  it('an empty @RolesAllowed([]) lets no role in (DENY), never everyone', () => {
    class Nobody extends HttpServlet {}
    RolesAllowed([])(Nobody);
    const merged = mergeWebXml(defaults, app(), scanned([['nobody', Nobody, ['/nobody']]]));
    expect(table(merged).requiredAccess('/nobody', 'GET').auth.kind).toBe('deny');
  });

  it('works as TypeScript decorators, and the types refuse misuse', () => {
    @RolesAllowed(['admin'])
    class Typed extends HttpServlet {
      @PermitAll()
      protected override doGet(): void {}
      // @ts-expect-error: only doGet, doPost… map to an HTTP method
      @DenyAll()
      helper(): void {}
    }
    // @ts-expect-error: DENY with roles is a contradiction
    const contradiction: HttpConstraintElement = HttpConstraint({ value: 'DENY', rolesAllowed: ['x'] });
    // @ts-expect-error: HTTP/1.1 has no such transport guarantee name
    HttpConstraint({ transportGuarantee: 'INTEGRAL' });
    expect(contradiction.emptyRoleSemantic).toBe('DENY');
    const annotations = readSecurityAnnotations(Typed);
    expect(annotations.classRoles).toEqual([{ kind: 'RolesAllowed', roles: ['admin'] }]);
    expect([...annotations.methodRoles.keys()]).toEqual(['doGet', 'helper']);
  });
});

describe('declarations that cannot be honoured refuse the deployment (SV_ERR_DEPLOY_SERVLET_SECURITY)', () => {
  const refused = (cls: ServletClass): DeployError => {
    try {
      mergeWebXml(defaults, app(), scanned([['bad', cls, ['/bad']]]));
    } catch (error) {
      if (error instanceof DeployError) return error;
      throw error;
    }
    throw new Error('deployed');
  };
  /** A plain-JavaScript caller gets past the types: the deployer must still refuse. */
  const untyped = <T>(value: unknown): T => value as T;

  it('DENY with roles, from JavaScript', () => {
    class Bad extends HttpServlet {}
    ServletSecurity({ value: HttpConstraint(untyped({ value: 'DENY', rolesAllowed: ['x'] })) })(Bad);
    const error = refused(Bad);
    expect(error.code).toBe('SV_ERR_DEPLOY_SERVLET_SECURITY');
    expect(error.message).toBe(
      'WEB-INF/classes/Bad.js: @HttpConstraint on servlet class [Bad] cannot be honoured: EmptyRoleSemantic DENY cannot be combined with rolesAllowed, whose roles would never be consulted',
    );
  });

  it('two constraints for one method, a method that is not a token, unknown enum values, empty role names', () => {
    class Twice extends HttpServlet {}
    ServletSecurity({ httpMethodConstraints: [HttpMethodConstraint({ value: 'GET' }), HttpMethodConstraint({ value: 'GET' })] })(Twice);
    expect(refused(Twice).params.reason).toBe('the same HTTP method has more than one @HttpMethodConstraint');
    class Spaced extends HttpServlet {}
    ServletSecurity({ httpMethodConstraints: [HttpMethodConstraint({ value: 'GET POST' })] })(Spaced);
    expect(refused(Spaced).params).toMatchObject({ annotation: '@HttpMethodConstraint(GET POST)' });
    class Integral extends HttpServlet {}
    ServletSecurity({ value: HttpConstraint(untyped({ transportGuarantee: 'INTEGRAL' })) })(Integral);
    expect(refused(Integral).params.reason).toBe('the transportGuarantee must be NONE or CONFIDENTIAL');
    class Lax extends HttpServlet {}
    ServletSecurity({ value: HttpConstraint(untyped({ value: 'ALLOW' })) })(Lax);
    expect(refused(Lax).params.reason).toBe('the emptyRoleSemantic must be PERMIT or DENY');
    class Blank extends HttpServlet {}
    RolesAllowed(['ok', ''])(Blank);
    expect(refused(Blank).params.reason).toBe('rolesAllowed must be a list of non-empty role names');
  });

  it('a method-level annotation on a method that serves no HTTP method', () => {
    class Helper extends HttpServlet {}
    RolesAllowed(['x'])(Helper.prototype, untyped('service'));
    expect(refused(Helper).params).toMatchObject({
      annotation: '@RolesAllowed(x) on service',
      reason:
        'it must decorate one of doGet, doHead, doPost, doPut, doDelete, doOptions, doTrace or doPatch, whose HTTP method it protects',
    });
  });

  it('@PermitAll with @DenyAll on one target, and @ServletSecurity with @RolesAllowed on one class', () => {
    class Both extends HttpServlet {}
    PermitAll()(Both);
    DenyAll()(Both);
    expect(refused(Both).params).toMatchObject({
      annotation: '@PermitAll + @DenyAll',
      reason: '@RolesAllowed, @PermitAll and @DenyAll exclude one another on the same class or method',
    });
    class Mixed extends HttpServlet {}
    ServletSecurity({ value: HttpConstraint({ rolesAllowed: ['a'] }) })(Mixed);
    RolesAllowed(['b'])(Mixed.prototype, 'doPost');
    expect(refused(Mixed).params.annotation).toBe('@ServletSecurity');
  });
});

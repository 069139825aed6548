// Servlet 6.0 §13.8: which security constraints apply to a request and how they combine.
import { describe, expect, it } from 'vitest';
import { ConstraintTable, type ConstraintDeclaration } from '../../../src/security/constraint-table.js';

function constraint(
  urlPatterns: string[],
  authRoles: string[] | null,
  options: { methods?: string[]; omissions?: string[]; transport?: ConstraintDeclaration['transportGuarantee'] } = {},
): ConstraintDeclaration {
  return {
    collections: [{ urlPatterns, httpMethods: options.methods ?? [], httpMethodOmissions: options.omissions ?? [] }],
    authRoles,
    transportGuarantee: options.transport ?? null,
  };
}

function roles(table: ConstraintTable, path: string, method = 'GET'): string {
  const { auth } = table.requiredAccess(path, method);
  if (auth.kind !== 'roles') return auth.kind;
  return [...auth.roles].sort().join(',') + (auth.anyUser ? ' +any' : '');
}

describe('the best-matching url-pattern decides (§12.1 order)', () => {
  const table = new ConstraintTable(
    [
      constraint(['/admin/*'], ['admin']),
      constraint(['/admin/public/*'], null),
      constraint(['/admin/exact'], ['root']),
      constraint(['*.secret'], ['spy']),
      constraint(['/'], ['user']),
      constraint([''], ['home']),
    ],
    [],
    false,
  );

  it.each([
    ['/admin', 'admin'],
    ['/admin/', 'admin'],
    ['/admin/x', 'admin'],
    ['/admin/public/x', 'none'],
    ['/admin/exact', 'root'],
    // A longer prefix wins over an extension; an extension over the default pattern.
    ['/admin/a.secret', 'admin'],
    ['/files/a.secret', 'spy'],
    ['/files/a.secret/b', 'user'],
    ['/administrator', 'user'],
    ['/other', 'user'],
    ['/', 'home'],
  ])('%s needs %s', (path, expected) => {
    expect(roles(table, path)).toBe(expected);
  });

  it('without any constraint nothing is needed', () => {
    const empty = new ConstraintTable([], [], false);
    expect(empty.isEmpty).toBe(true);
    expect(empty.requiredAccess('/x', 'GET')).toEqual({ auth: { kind: 'none' }, confidential: false });
  });
});

describe('constraints of one pattern combine (§13.8.1)', () => {
  it('named roles are united', () => {
    const table = new ConstraintTable([constraint(['/a/*'], ['x']), constraint(['/a/*'], ['y'])], [], false);
    expect(roles(table, '/a/1')).toBe('x,y');
  });

  it('a constraint without auth-constraint lets anyone in', () => {
    const table = new ConstraintTable([constraint(['/a/*'], ['x']), constraint(['/a/*'], null)], [], false);
    expect(roles(table, '/a/1')).toBe('none');
  });

  it('an empty auth-constraint shuts everyone out, whatever else is declared', () => {
    const table = new ConstraintTable([constraint(['/a/*'], null), constraint(['/a/*'], []), constraint(['/a/*'], ['x'])], [], false);
    expect(roles(table, '/a/1')).toBe('deny');
  });

  it('* stands for the declared security-roles, ** for any authenticated user', () => {
    const table = new ConstraintTable(
      [constraint(['/a/*'], ['*']), constraint(['/b/*'], ['**']), constraint(['/c/*'], ['*'])],
      ['r1', 'r2'],
      false,
    );
    expect(roles(table, '/a/1')).toBe('r1,r2');
    expect(roles(table, '/b/1')).toBe(' +any');
    const none = new ConstraintTable([constraint(['/c/*'], ['*'])], [], false);
    expect(roles(none, '/c/1')).toBe('');
  });

  it('TLS is required only when every applicable constraint asks for it', () => {
    const both = new ConstraintTable(
      [constraint(['/a/*'], ['x'], { transport: 'CONFIDENTIAL' }), constraint(['/a/*'], ['y'], { transport: 'INTEGRAL' })],
      [],
      false,
    );
    expect(both.requiredAccess('/a/1', 'GET').confidential).toBe(true);
    const mixed = new ConstraintTable(
      [constraint(['/a/*'], ['x'], { transport: 'CONFIDENTIAL' }), constraint(['/a/*'], ['y'], { transport: 'NONE' })],
      [],
      false,
    );
    expect(mixed.requiredAccess('/a/1', 'GET').confidential).toBe(false);
    const open = new ConstraintTable([constraint(['/a/*'], null, { transport: 'CONFIDENTIAL' })], [], false);
    expect(open.requiredAccess('/a/1', 'GET')).toEqual({ auth: { kind: 'none' }, confidential: true });
  });
});

describe('methods (§13.8.2–13.8.4)', () => {
  const declared = [
    constraint(['/m/*'], ['writer'], { methods: ['POST', 'PUT'] }),
    constraint(['/o/*'], ['reader'], { omissions: ['GET'] }),
  ];

  it('http-method limits a collection to its methods, http-method-omission to the others', () => {
    const table = new ConstraintTable(declared, [], false);
    expect(roles(table, '/m/x', 'POST')).toBe('writer');
    expect(roles(table, '/o/x', 'DELETE')).toBe('reader');
    expect(roles(table, '/o/x', 'GET')).toBe('none');
  });

  it('an uncovered method is open, unless deny-uncovered-http-methods is declared', () => {
    expect(roles(new ConstraintTable(declared, [], false), '/m/x', 'GET')).toBe('none');
    expect(roles(new ConstraintTable(declared, [], true), '/m/x', 'GET')).toBe('deny');
    expect(roles(new ConstraintTable(declared, [], true), '/o/x', 'GET')).toBe('deny');
    // A path no pattern matches is not "uncovered": nothing protects it.
    expect(roles(new ConstraintTable(declared, [], true), '/elsewhere', 'GET')).toBe('none');
  });

  it('a pattern whose constraints cover the method in another constraint is covered', () => {
    const table = new ConstraintTable([...declared, constraint(['/m/*'], ['all'])], [], true);
    expect(roles(table, '/m/x', 'GET')).toBe('all');
    expect(roles(table, '/m/x', 'POST')).toBe('all,writer');
  });
});

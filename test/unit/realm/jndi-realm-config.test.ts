/**
 * JNDIRealm's pure parts: RFC 4515 filter and RFC 4514 DN escaping, Tomcat's `{n}` patterns and `(p1)(p2)`
 * userPattern lists, and the attribute values the constructor refuses. Directory behaviour is in
 * test/e2e/realm/jndi-realm.e2e.test.ts against a real slapd.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { ElementAttributes } from '../../../src/config/attributes.js';
import { ContainerError } from '../../../src/errors/container-error.js';
import { JNDIRealm, type JNDIRealmOptions } from '../../../src/realm/jndi-realm.js';
import { escapeDnValue, escapeFilterValue, formatPattern, splitUserPatterns } from '../../../src/realm/ldap-names.js';

describe('escapeFilterValue (RFC 4515 §3)', () => {
  it.each([
    ['alice', 'alice'],
    ['*', '\\2a'],
    ['a*b', 'a\\2ab'],
    [')(', '\\29\\28'],
    ['alice)(|(uid=*', 'alice\\29\\28|\\28uid=\\2a'],
    ['back\\slash', 'back\\5cslash'],
    ['nul\0', 'nul\\00'],
    // Characters a filter value may hold as they are, including non-ASCII (sent as UTF-8).
    ['o,brien+x=y #', 'o,brien+x=y #'],
    ['Zoë', 'Zoë'],
  ])('%j → %j', (input, expected) => {
    expect(escapeFilterValue(input)).toBe(expected);
  });
});

describe('escapeDnValue (RFC 4514 §2.4)', () => {
  it.each([
    ['alice', 'alice'],
    ['eve,ou=staff', 'eve\\,ou\\=staff'],
    ['a+cn=b', 'a\\+cn\\=b'],
    ['"q";<x>', '\\"q\\"\\;\\<x\\>'],
    ['back\\slash', 'back\\\\slash'],
    ['nul\0', 'nul\\00'],
    ['#hash', '\\#hash'],
    ['in#side', 'in#side'],
    [' lead', '\\ lead'],
    ['trail ', 'trail\\ '],
    [' ', '\\ '],
    ['mid dle', 'mid dle'],
    ['*', '*'],
    ['Zoë', 'Zoë'],
  ])('%j → %j', (input, expected) => {
    expect(escapeDnValue(input)).toBe(expected);
  });
});

describe('patterns', () => {
  it('formatPattern replaces {n}; a missing argument is empty', () => {
    expect(formatPattern('(&(member={0})(x={1})(y={2}))', ['a', 'b'])).toBe('(&(member=a)(x=b)(y=))');
    expect(formatPattern('uid={0},ou={0}', ['x'])).toBe('uid=x,ou=x');
  });

  it("splitUserPatterns: one pattern, or Tomcat's parenthesised list", () => {
    expect(splitUserPatterns('uid={0},ou=people,dc=x')).toEqual(['uid={0},ou=people,dc=x']);
    expect(splitUserPatterns(' (uid={0},ou=a,dc=x)(cn={0},ou=b\\(c\\),dc=x) ')).toEqual(['uid={0},ou=a,dc=x', 'cn={0},ou=b\\(c\\),dc=x']);
    expect(splitUserPatterns('(uid={0},ou=a(b),dc=x)')).toEqual(['uid={0},ou=a(b),dc=x']);
    expect(splitUserPatterns('(uid={0}')).toBeNull();
    expect(splitUserPatterns('(uid={0}))(')).toBeNull();
    expect(splitUserPatterns('(a) junk (b)')).toBeNull();
  });
});

describe('JNDIRealm attributes', () => {
  const base: JNDIRealmOptions = { connectionURL: 'ldap://127.0.0.1:389', userPattern: 'uid={0},dc=x' };
  const refused = (options: Partial<JNDIRealmOptions>): ContainerError => {
    try {
      new JNDIRealm({ ...base, ...options });
    } catch (error) {
      expect(error).toBeInstanceOf(ContainerError);
      return error as ContainerError;
    }
    throw new Error('accepted');
  };

  it("takes the server.xml loader's typed attributes as its options", () => {
    expectTypeOf<ElementAttributes<'Realm:JNDIRealm'>>().toExtend<JNDIRealmOptions>();
  });

  it("takes Tomcat's defaults", () => {
    const realm = new JNDIRealm(base);
    expect(realm.connectionTimeout).toBe(5000);
    expect(realm.readTimeout).toBe(5000);
    expect(realm.connectionPoolSize).toBe(1);
    expect(realm.useStartTls).toBe(false);
    expect(realm.userSubtree).toBe(false);
    expect(realm.roleNested).toBe(false);
    expect(realm.derefAliases).toBe('always');
    expect(realm.userBase).toBe('');
    expect(realm.supportsDigest('MD5')).toBe(false);
  });

  it('needs userPattern or userSearch', () => {
    expect(refused({ userPattern: undefined }).code).toBe('SV_ERR_REALM_JNDI_NO_USER_LOOKUP');
    expect(refused({ userPattern: '  ' }).code).toBe('SV_ERR_REALM_JNDI_NO_USER_LOOKUP');
    expect(() => new JNDIRealm({ connectionURL: 'ldap://h', userSearch: '(uid={0})' })).not.toThrow();
  });

  it.each<[string, Partial<JNDIRealmOptions>]>([
    ['connectionURL', { connectionURL: 'http://h' }],
    ['connectionURL', { connectionURL: 'ldap://h/dc=example,dc=com' }],
    ['connectionURL', { connectionURL: ' ' }],
    ['connectionURL', { alternateURL: 'not a url' }],
    ['useStartTls', { connectionURL: 'ldaps://h', useStartTls: true }],
    ['userPattern', { userPattern: '(uid={0},dc=x' }],
    ['authentication', { authentication: 'strong' }],
    ['connectionPassword', { connectionName: 'cn=reader,dc=x' }],
    ['connectionPassword', { connectionName: 'cn=reader,dc=x', connectionPassword: '' }],
    ['referrals', { referrals: 'follow' }],
    ['derefAliases', { derefAliases: 'sometimes' as 'always' }],
    ['connectionPoolSize', { connectionPoolSize: 0 }],
    ['readTimeout', { readTimeout: -1 }],
    ['timeLimit', { timeLimit: 1.5 }],
    ['caCertificateFile', { caCertificateFile: 'no/such/ca.pem', catalinaBase: '/nonexistent' }],
  ])('refuses %s in %j', (attribute, options) => {
    const error = refused(options);
    expect(error.code).toBe('SV_ERR_REALM_JNDI_ATTRIBUTE');
    expect(error.params['attribute']).toBe(attribute);
  });

  it('accepts several connection URLs, an alternateURL, authentication none without a password', () => {
    expect(() => new JNDIRealm({ ...base, connectionURL: 'ldap://a:389 ldaps://b:636', alternateURL: 'ldap://c' })).not.toThrow();
    expect(() => new JNDIRealm({ ...base, connectionName: 'cn=reader,dc=x', authentication: 'none' })).not.toThrow();
    expect(() => new JNDIRealm({ ...base, referrals: 'ignore', adCompat: true })).not.toThrow();
  });
});

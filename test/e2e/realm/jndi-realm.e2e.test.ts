/**
 * JNDIRealm against a real OpenLDAP slapd (test/helpers/slapd.ts): bind and compare modes, user patterns and
 * searches, roles (groups, nested groups, user attributes), injection through the user name, StartTLS, the
 * connection pool, and an outage with its recovery. One slapd for the file; the outage test restarts it last.
 */
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContainerError } from '../../../src/errors/container-error.js';
import { JNDIRealm, type JNDIRealmOptions } from '../../../src/realm/jndi-realm.js';
import { MessageDigestCredentialHandler } from '../../../src/realm/message-digest-credential-handler.js';
import { startSlapd, type LdifEntry, type Slapd } from '../../helpers/slapd.js';
import { createPki, type Pki } from '../../helpers/tls-certificates.js';
import { CountingCredentialHandler } from '../../unit/realm/counting-credential-handler.js';

const BASE = 'dc=example,dc=com';
const PEOPLE = `ou=people,${BASE}`;
const GROUPS = `ou=groups,${BASE}`;

/** RFC 3112's {SSHA}: slapd checks it on bind, MessageDigestCredentialHandler(SHA-1) in compare mode. */
function ssha(password: string): string {
  const salt = randomBytes(8);
  return `{SSHA}${Buffer.concat([createHash('sha1').update(password).update(salt).digest(), salt]).toString('base64')}`;
}

function person(dn: string, uid: string, password: string, extra: Record<string, string> = {}): LdifEntry {
  return { dn, attributes: { objectClass: 'inetOrgPerson', uid, cn: uid, sn: uid, userPassword: ssha(password), ...extra } };
}

function group(cn: string, members: string[]): LdifEntry {
  return { dn: `cn=${cn},${GROUPS}`, attributes: { objectClass: 'groupOfNames', cn, member: members } };
}

const entries: LdifEntry[] = [
  { dn: BASE, attributes: { objectClass: ['dcObject', 'organization'], dc: 'example', o: 'Example' } },
  { dn: PEOPLE, attributes: { objectClass: 'organizationalUnit', ou: 'people' } },
  { dn: GROUPS, attributes: { objectClass: 'organizationalUnit', ou: 'groups' } },
  { dn: `ou=staff,${PEOPLE}`, attributes: { objectClass: 'organizationalUnit', ou: 'staff' } },
  { dn: `ou=tls,${BASE}`, attributes: { objectClass: 'organizationalUnit', ou: 'tls' } },
  {
    dn: `cn=reader,${BASE}`,
    attributes: { objectClass: ['organizationalRole', 'simpleSecurityObject'], cn: 'reader', userPassword: ssha('readerpw') },
  },
  person(`uid=alice,${PEOPLE}`, 'alice', 'alicepw', { employeeType: 'clerk' }),
  person(`uid=bob,${PEOPLE}`, 'bob', 'bobpw'),
  person(`uid=eve,ou=staff,${PEOPLE}`, 'eve', 'evepw'),
  // Names that need escaping to be found at all.
  person(`uid=o\\,brien\\+x\\=y,${PEOPLE}`, 'o,brien+x=y', 'obrienpw'),
  person(`uid=\\#hash,${PEOPLE}`, '#hash', 'hashpw'),
  person(`uid=st*r(1)\\5c,${PEOPLE}`, 'st*r(1)\\', 'starpw'),
  person(`uid=tina,ou=tls,${BASE}`, 'tina', 'tinapw'),
  // A clear-text password, for DIGEST in compare mode.
  {
    dn: `uid=paul,${PEOPLE}`,
    attributes: { objectClass: 'inetOrgPerson', uid: 'paul', cn: 'paul', sn: 'paul', userPassword: 'paulpw' },
  },
  group('managers', [`uid=alice,${PEOPLE}`]),
  group('staff', [`cn=managers,${GROUPS}`, `uid=eve,ou=staff,${PEOPLE}`]),
  group('everyone', [`cn=staff,${GROUPS}`]),
  // A cycle: nested role search must stop.
  group('loop-a', [`cn=loop-b,${GROUPS}`, `uid=bob,${PEOPLE}`]),
  group('loop-b', [`cn=loop-a,${GROUPS}`]),
  { dn: `cn=devs,${GROUPS}`, attributes: { objectClass: 'posixGroup', cn: 'devs', gidNumber: '1000', memberUid: 'bob' } },
];

let pki: Pki;
let slapd: Slapd;
const realms: JNDIRealm[] = [];

async function realm(options: Partial<JNDIRealmOptions>): Promise<JNDIRealm> {
  const r = new JNDIRealm({ connectionURL: slapd.url, ...options });
  realms.push(r);
  await r.start();
  return r;
}

const patternRealm = (extra: Partial<JNDIRealmOptions> = {}): Promise<JNDIRealm> =>
  realm({ userPattern: `uid={0},${PEOPLE}`, roleBase: GROUPS, roleName: 'cn', roleSearch: '(member={0})', ...extra });

async function unavailable(promise: Promise<unknown>): Promise<ContainerError> {
  const error: unknown = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ContainerError);
  expect((error as ContainerError).code).toBe('SV_ERR_REALM_UNAVAILABLE');
  return error as ContainerError;
}

beforeAll(async () => {
  pki = createPki();
  slapd = await startSlapd({
    suffix: BASE,
    rootPassword: 'rootpw',
    entries,
    tls: { cert: pki.localhostCert, key: pki.localhostKey, ca: pki.caCert },
    access: [
      // tina's password can only be checked over TLS (a security strength factor of at least 128).
      `access to dn.subtree="ou=tls,${BASE}" attrs=userPassword by anonymous tls_ssf=128 auth by * none`,
      `access to attrs=userPassword by dn.exact="cn=reader,${BASE}" read by anonymous auth by * none`,
      'access to * by * read',
    ],
  });
});

afterAll(async () => {
  for (const r of realms) if (r.state === 'STARTED') await r.stop();
  await slapd?.remove();
  pki?.remove();
});

describe('bind mode', () => {
  it('userPattern: the directory checks the password; roles come from groupOfNames member={0}', async () => {
    const r = await patternRealm();
    const principal = await r.authenticate('alice', 'alicepw');
    expect(principal?.name).toBe('alice');
    expect(principal?.roles).toEqual(['managers']);
    expect(principal?.realmPath).toBe('/realm0');
    expect(await r.authenticate('alice', 'wrong')).toBeNull();
    expect(await r.authenticate('nobody', 'alicepw')).toBeNull();
    expect(r.supportsDigest('MD5')).toBe(false);
  });

  it("several userPatterns are tried in order, and Tomcat's (p1)(p2) form is parsed", async () => {
    const r = await realm({ userPattern: `(uid={0},${PEOPLE})(uid={0},ou=staff,${PEOPLE})` });
    expect((await r.authenticate('alice', 'alicepw'))?.name).toBe('alice');
    expect((await r.authenticate('eve', 'evepw'))?.name).toBe('eve');
    expect(await r.authenticate('eve', 'alicepw')).toBeNull();
  });

  it('userSearch under userBase, one level unless userSubtree', async () => {
    const oneLevel = await realm({ userBase: PEOPLE, userSearch: '(uid={0})' });
    expect((await oneLevel.authenticate('alice', 'alicepw'))?.name).toBe('alice');
    expect(await oneLevel.authenticate('eve', 'evepw')).toBeNull();
    const subtree = await realm({ userBase: PEOPLE, userSearch: '(uid={0})', userSubtree: true });
    expect((await subtree.authenticate('eve', 'evepw'))?.name).toBe('eve');
    expect(await subtree.authenticate('eve', 'wrong')).toBeNull();
  });

  it('an unknown user costs the directory one bind, as a wrong password does (userSearch and userPattern)', async () => {
    for (const r of [await realm({ userBase: PEOPLE, userSearch: '(uid={0})' }), await patternRealm({ roleSearch: undefined })]) {
      await r.authenticate('alice', 'alicepw'); // the pooled connection is open and bound before counting
      const before = await slapd.binds();
      expect(await r.authenticate('alice', 'wrong')).toBeNull();
      const afterWrong = await slapd.binds();
      expect(await r.authenticate('nobody-at-all', 'wrong')).toBeNull();
      const afterUnknown = await slapd.binds();
      expect(afterUnknown - afterWrong).toBe(afterWrong - before);
      expect(afterWrong - before).toBeGreaterThanOrEqual(2); // the user's bind and ldapsearch's own
    }
  });

  it('an empty password never binds, and is refused before the directory is contacted', async () => {
    const r = await patternRealm();
    expect(await r.authenticate('alice', '')).toBeNull();
    expect(await r.authenticate('', 'alicepw')).toBeNull();
    expect(r.pool?.createdConnections).toBe(0);
  });
});

describe('compare mode', () => {
  it('reads userPassword with the realm identity and checks it with the CredentialHandler, the dummy for an unknown user', async () => {
    const handler = new CountingCredentialHandler(new MessageDigestCredentialHandler({ algorithm: 'SHA-1' }));
    const r = await realm({
      connectionName: `cn=reader,${BASE}`,
      connectionPassword: 'readerpw',
      userBase: PEOPLE,
      userSearch: '(uid={0})',
      userPassword: 'userPassword',
      roleBase: GROUPS,
      roleName: 'cn',
      roleSearch: '(member={0})',
      credentialHandler: handler,
    });
    expect((await r.authenticate('alice', 'alicepw'))?.roles).toEqual(['managers']);
    expect(handler.checked.at(-1)).toMatch(/^\{SSHA\}/);
    expect(await r.authenticate('alice', 'wrong')).toBeNull();
    const checks = handler.checked.length;
    expect(await r.authenticate('nobody', 'alicepw')).toBeNull();
    expect(handler.checked.length).toBe(checks + 1);
    expect(handler.checked.at(-1)).not.toMatch(/^\{SSHA\}/);
  });

  it("after searching roles as the user, the connection is the realm's again (it reads the next user's password)", async () => {
    const r = await realm({
      connectionName: `cn=reader,${BASE}`,
      connectionPassword: 'readerpw',
      userPattern: `uid={0},${PEOPLE}`,
      userPassword: 'userPassword',
      credentialHandler: new MessageDigestCredentialHandler({ algorithm: 'SHA-1' }),
      roleBase: GROUPS,
      roleName: 'cn',
      roleSearch: '(member={0})',
      roleSearchAsUser: true,
    });
    expect((await r.authenticate('alice', 'alicepw'))?.roles).toEqual(['managers']);
    expect((await r.authenticate('bob', 'bobpw'))?.roles).toEqual(['loop-a']);
    expect(await r.authenticate('bob', 'alicepw')).toBeNull();
    expect(r.pool?.createdConnections).toBe(1);
  });

  it('without the right to read userPassword nobody authenticates', async () => {
    const r = await realm({ userPattern: `uid={0},${PEOPLE}`, userPassword: 'userPassword' });
    expect(await r.authenticate('alice', 'alicepw')).toBeNull();
  });

  it('DIGEST over a clear-text userPassword (RFC 7616 §3.4.1, without qop)', async () => {
    const r = await realm({
      connectionName: `cn=reader,${BASE}`,
      connectionPassword: 'readerpw',
      userPattern: `uid={0},${PEOPLE}`,
      userPassword: 'userPassword',
      roleBase: GROUPS,
      roleName: 'cn',
      roleSearch: '(memberUid={1})',
      commonRole: 'user',
    });
    expect(r.supportsDigest('MD5')).toBe(true);
    const md5 = (text: string): string => createHash('md5').update(text).digest('hex');
    const digestA2 = md5('GET:/protected');
    const credentials = (username: string, password: string) => ({
      username,
      response: md5(`${md5(`${username}:Serval:${password}`)}:n0nce:${digestA2}`),
      nonce: 'n0nce',
      nc: null,
      cnonce: null,
      qop: null,
      realmName: 'Serval',
      digestA2,
      algorithm: 'MD5' as const,
    });
    expect((await r.authenticateDigest(credentials('paul', 'paulpw')))?.roles).toEqual(['user']);
    expect(await r.authenticateDigest(credentials('paul', 'wrong'))).toBeNull();
    expect(await r.authenticateDigest(credentials('nobody', 'paulpw'))).toBeNull();
    expect((await r.authenticate('paul', 'paulpw'))?.name).toBe('paul');
  });

  it('supportsDigest only with a clear-text or H(A1) handler', async () => {
    const plain = new JNDIRealm({ connectionURL: slapd.url, userPattern: 'uid={0}', userPassword: 'userPassword' });
    expect(plain.supportsDigest('MD5')).toBe(true);
    const hashed = new JNDIRealm({
      connectionURL: slapd.url,
      userPattern: 'uid={0}',
      userPassword: 'userPassword',
      credentialHandler: new MessageDigestCredentialHandler({ algorithm: 'SHA-1' }),
    });
    expect(hashed.supportsDigest('SHA-256')).toBe(false);
  });
});

describe('roles', () => {
  it('roleNested follows groups of groups, each once (a cycle ends)', async () => {
    const r = await patternRealm({ roleNested: true, roleSubtree: true, roleBase: BASE });
    expect((await r.authenticate('alice', 'alicepw'))?.roles).toEqual(['everyone', 'managers', 'staff']);
    expect((await r.authenticate('bob', 'bobpw'))?.roles).toEqual(['loop-a', 'loop-b']);
    const flat = await patternRealm();
    expect((await flat.authenticate('bob', 'bobpw'))?.roles).toEqual(['loop-a']);
  });

  it('userRoleName, roleSearch with {1} and {2} (userRoleAttribute), commonRole', async () => {
    const byName = await patternRealm({ userRoleName: 'employeeType', roleSearch: '(memberUid={1})', commonRole: 'user' });
    expect((await byName.authenticate('alice', 'alicepw'))?.roles).toEqual(['clerk', 'user']);
    expect((await byName.authenticate('bob', 'bobpw'))?.roles).toEqual(['devs', 'user']);
    const byAttribute = await patternRealm({ userRoleAttribute: 'uid', roleSearch: '(memberUid={2})' });
    expect((await byAttribute.authenticate('bob', 'bobpw'))?.roles).toEqual(['devs']);
  });

  it('roleSearchAsUser searches the groups bound as the user', async () => {
    const r = await patternRealm({ roleSearchAsUser: true });
    expect((await r.authenticate('alice', 'alicepw'))?.roles).toEqual(['managers']);
    // The connection went back to the realm's identity: the next user is checked from scratch.
    expect(await r.authenticate('bob', 'wrong')).toBeNull();
  });

  it('authenticateVerified looks the user up without a password', async () => {
    const r = await patternRealm({ userRoleName: 'employeeType' });
    expect((await r.authenticateVerified('alice'))?.roles).toEqual(['clerk', 'managers']);
    expect(await r.authenticateVerified('nobody')).toBeNull();
    const search = await realm({ userBase: PEOPLE, userSearch: '(uid={0})', userSubtree: true });
    expect((await search.authenticateVerified('eve'))?.name).toBe('eve');
    expect(await search.authenticateVerified('e*')).toBeNull();
  });
});

describe('injection through the user name', () => {
  it('filter metacharacters are matched literally (RFC 4515)', async () => {
    const r = await realm({ userBase: PEOPLE, userSearch: '(&(objectClass=inetOrgPerson)(uid={0}))', userSubtree: true });
    expect(await r.authenticate('al*', 'alicepw')).toBeNull();
    expect(await r.authenticate('*', 'alicepw')).toBeNull();
    expect(await r.authenticate('alice)(|(uid=*', 'alicepw')).toBeNull();
    expect(await r.authenticate('x)(uid=alice', 'alicepw')).toBeNull();
    expect(await r.authenticate('alice\\', 'alicepw')).toBeNull();
    expect(await r.authenticate('alice\0', 'alicepw')).toBeNull();
    expect(await r.authenticate('alice\\2a', 'alicepw')).toBeNull();
    // …and a name made of them is found.
    expect((await r.authenticate('st*r(1)\\', 'starpw'))?.name).toBe('st*r(1)\\');
  });

  it('DN metacharacters stay inside the value (RFC 4514)', async () => {
    const r = await patternRealm();
    expect(await r.authenticate('eve,ou=staff', 'evepw')).toBeNull();
    expect(await r.authenticate('alice+cn=alice', 'alicepw')).toBeNull();
    expect(await r.authenticate('alice\0', 'alicepw')).toBeNull();
    expect(await r.authenticate('EXTERNAL', 'x')).toBeNull();
    expect((await r.authenticate('o,brien+x=y', 'obrienpw'))?.name).toBe('o,brien+x=y');
    expect((await r.authenticate('#hash', 'hashpw'))?.name).toBe('#hash');
    expect((await r.authenticateVerified('o,brien+x=y'))?.name).toBe('o,brien+x=y');
  });
});

describe('StartTLS', () => {
  it('with useStartTls the connection is TLS, which the directory requires for tina', async () => {
    const plain = await patternRealm({ userPattern: `uid={0},ou=tls,${BASE}` });
    expect(await plain.authenticate('tina', 'tinapw')).toBeNull();
    // A relative caCertificateFile is read from catalinaBase.
    const tls = await patternRealm({
      userPattern: `uid={0},ou=tls,${BASE}`,
      useStartTls: true,
      caCertificateFile: 'ca.pem',
      catalinaBase: pki.dir,
    });
    expect((await tls.authenticate('tina', 'tinapw'))?.name).toBe('tina');
  });

  it('a certificate from an untrusted CA makes the realm unavailable, never authenticating', async () => {
    const r = await patternRealm({ useStartTls: true, caCertificateFile: pki.strangerCert });
    const error = await unavailable(r.authenticate('alice', 'alicepw'));
    expect(error.message).toMatch(/certificate/i);
  });
});

describe('connection pool', () => {
  it('reuses at most connectionPoolSize bound connections for many authentications', async () => {
    const r = await patternRealm({ connectionName: `cn=reader,${BASE}`, connectionPassword: 'readerpw', connectionPoolSize: 2 });
    const before = await slapd.totalConnections();
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        r.authenticate(i % 2 === 0 ? 'alice' : 'bob', i % 3 === 0 ? 'wrong' : i % 2 === 0 ? 'alicepw' : 'bobpw'),
      ),
    );
    expect(results.map((p) => p?.name ?? null)).toEqual(
      Array.from({ length: 12 }, (_, i) => (i % 3 === 0 ? null : i % 2 === 0 ? 'alice' : 'bob')),
    );
    for (let i = 0; i < 5; i++) expect((await r.authenticate('alice', 'alicepw'))?.name).toBe('alice');
    const after = await slapd.totalConnections();
    // ldapsearch's own connection counts once.
    expect(after - before).toBe(3);
    expect(r.pool?.createdConnections).toBe(2);
    expect(r.pool?.openConnections).toBe(2);
  });

  it('alternateURL is used when connectionURL cannot be reached', async () => {
    const closed = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const port = (server.address() as net.AddressInfo).port;
        server.close(() => resolve(port));
      });
    });
    const r = await patternRealm({ connectionURL: `ldap://127.0.0.1:${closed}`, alternateURL: slapd.url });
    expect((await r.authenticate('alice', 'alicepw'))?.name).toBe('alice');
    const none = await patternRealm({ connectionURL: `ldap://127.0.0.1:${closed}` });
    await unavailable(none.authenticate('alice', 'alicepw'));
  });

  it('a wrong connectionPassword makes the realm unavailable', async () => {
    const r = await patternRealm({ connectionName: `cn=reader,${BASE}`, connectionPassword: 'wrong' });
    await unavailable(r.authenticate('alice', 'alicepw'));
  });
});

describe('outage', () => {
  it('an unreachable directory rejects with SV_ERR_REALM_UNAVAILABLE; it works again when the directory is back', async () => {
    const r = await patternRealm({ connectionTimeout: 2000, readTimeout: 2000 });
    const verified = await patternRealm({ connectionTimeout: 2000, readTimeout: 2000 });
    const tls = await patternRealm({ userPattern: `uid={0},ou=tls,${BASE}`, useStartTls: true, caCertificateFile: pki.caCert });
    expect((await r.authenticate('alice', 'alicepw'))?.name).toBe('alice');
    expect((await verified.authenticateVerified('alice'))?.name).toBe('alice');
    expect((await tls.authenticate('tina', 'tinapw'))?.name).toBe('tina');
    await slapd.stop();
    const error = await unavailable(r.authenticate('alice', 'alicepw'));
    expect(error.status).toBe(503);
    await unavailable(r.authenticate('nobody', 'x'));
    await unavailable(verified.authenticateVerified('alice'));
    await slapd.start();
    expect((await r.authenticate('alice', 'alicepw'))?.name).toBe('alice');
    expect((await verified.authenticateVerified('alice'))?.name).toBe('alice');
    expect(await r.authenticate('alice', 'wrong')).toBeNull();
    expect((await tls.authenticate('tina', 'tinapw'))?.name).toBe('tina');
  });

  it('a connection whose socket closed is never reopened in place, which would lose StartTLS and the bind', async () => {
    const r = await patternRealm({ userPattern: `uid={0},ou=tls,${BASE}`, useStartTls: true, caCertificateFile: pki.caCert });
    const pool = r.pool;
    expect(pool).not.toBeNull();
    const work = pool?.use(async (connection) => {
      await connection.search(BASE, { scope: 'base' });
      await slapd.stop();
      await slapd.start();
      // Reopened in place, this bind would go out in clear text (and slapd would refuse it without TLS).
      await connection.bindAs(`uid=tina,ou=tls,${BASE}`, 'tinapw');
    });
    await expect(work).rejects.toMatchObject({ code: 'SV_ERR_REALM_JNDI_CONNECTION_LOST' });
    expect(pool?.openConnections).toBe(0);
    expect((await r.authenticate('tina', 'tinapw'))?.name).toBe('tina');
  });

  it('a directory that accepts connections but does not answer times out as unavailable', async () => {
    const r = await patternRealm({ readTimeout: 300 });
    expect((await r.authenticate('alice', 'alicepw'))?.name).toBe('alice');
    const pid = Number((await import('node:fs')).readFileSync(`${slapd.dir}/slapd.pid`, 'utf8'));
    process.kill(pid, 'SIGSTOP');
    try {
      await unavailable(r.authenticate('alice', 'alicepw'));
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    expect((await r.authenticate('alice', 'alicepw'))?.name).toBe('alice');
  });
});

import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ContainerError } from '../../../src/errors/container-error.js';
import { MemoryRealm } from '../../../src/realm/memory-realm.js';
import { MessageDigestCredentialHandler } from '../../../src/realm/message-digest-credential-handler.js';
import { NullRealm } from '../../../src/realm/null-realm.js';
import { SecretKeyCredentialHandler } from '../../../src/realm/secret-key-credential-handler.js';
import { CountingCredentialHandler } from './counting-credential-handler.js';
import { catalinaBaseWithUsers, usersXml } from './users-files.js';

const USERS = usersXml(
  [
    '  <role rolename="manager-gui"/>',
    '  <group groupname="staff" roles="staff-role"/>',
    '  <user username="admin" password="s3cret" roles="manager-gui, admin ,," groups="staff"/>',
    '  <user name="legacy" password="old" roles="tomcat"/>',
    '  <user username="nopass" roles="tomcat"/>',
  ].join('\n'),
);

async function startedRealm(
  content: string,
  credentialHandler?: MessageDigestCredentialHandler | SecretKeyCredentialHandler | CountingCredentialHandler,
) {
  const { catalinaBase, file } = catalinaBaseWithUsers(content);
  const realm = new MemoryRealm({ catalinaBase, ...(credentialHandler ? { credentialHandler } : {}) });
  await realm.start();
  return { realm, file };
}

/** The innermost catalogued error under lifecycle wrappers. */
function rootCode(error: unknown): string | undefined {
  let current = error;
  while (current instanceof ContainerError && current.cause instanceof ContainerError) current = current.cause;
  return current instanceof ContainerError ? current.code : undefined;
}

describe('MemoryRealm', () => {
  it("authenticates the users of conf/tomcat-users.xml with their own roles (groups are UserDatabaseRealm's)", async () => {
    const { realm } = await startedRealm(USERS);
    const admin = await realm.authenticate('admin', 's3cret');
    expect(admin?.getName()).toBe('admin');
    expect(admin?.roles).toEqual(['admin', 'manager-gui']);
    expect(admin?.realmPath).toBe('/realm0');
    expect(realm.hasRole(admin!, 'admin')).toBe(true);
    expect(realm.hasRole(admin!, 'staff-role')).toBe(false);
    expect((await realm.authenticate('legacy', 'old'))?.roles).toEqual(['tomcat']);
    expect(await realm.authenticate('admin', 'S3cret')).toBeNull();
    expect(await realm.authenticate('nobody', 's3cret')).toBeNull();
    expect(await realm.authenticate('nopass', '')).toBeNull();
    await realm.stop();
    expect(await realm.authenticate('admin', 's3cret')).toBeNull();
  });

  it('reads the file once, at start', async () => {
    const { realm, file } = await startedRealm(USERS);
    writeFileSync(file, usersXml('<user username="admin" password="changed" roles="x"/>'));
    realm.backgroundProcess();
    expect(await realm.authenticate('admin', 's3cret')).not.toBeNull();
    expect(await realm.authenticate('admin', 'changed')).toBeNull();
  });

  it('checks digested passwords through its CredentialHandler', async () => {
    const stored = createHash('sha256').update('s3cret').digest('hex');
    const { realm } = await startedRealm(
      usersXml(`<user username="u" password="${stored}" roles="r"/>`),
      new MessageDigestCredentialHandler({ algorithm: 'SHA-256' }),
    );
    expect(await realm.authenticate('u', 's3cret')).not.toBeNull();
    expect(await realm.authenticate('u', stored)).toBeNull();
  });

  it("costs an unknown user the same hashing as a wrong password: one check against a credential in the handler's own form", async () => {
    const handler = new CountingCredentialHandler(new SecretKeyCredentialHandler({ iterations: 1000 }));
    const stored = await new SecretKeyCredentialHandler({ iterations: 1000 }).mutate('s3cret');
    const { realm } = await startedRealm(usersXml(`<user username="u" password="${stored}" roles="r"/>`), handler);
    handler.checked.length = 0;

    expect(await realm.authenticate('u', 'wrong')).toBeNull();
    expect(handler.checked).toEqual([stored]);

    handler.checked.length = 0;
    expect(await realm.authenticate('no-such-user', 'wrong')).toBeNull();
    expect(handler.checked).toHaveLength(1);
    expect(handler.checked[0]).toMatch(/^[0-9a-f]{64}\$1000\$[0-9a-f]{40}$/);
    expect(await handler.inner.matches('wrong', handler.checked[0]!)).toBe(false);
  });

  it('fails to start on a missing or broken file, naming file and line', async () => {
    const missing = new MemoryRealm({ catalinaBase: '/nonexistent-serval-base' });
    await expect(missing.start()).rejects.toSatisfy((error) => rootCode(error) === 'SV_ERR_REALM_USERS_FILE');
    expect(missing.state).not.toBe('STARTED');

    const cases: [string, string, RegExp][] = [
      ['<users/>', 'SV_ERR_REALM_USERS_ROOT', /tomcat-users\.xml:1: the root element is \[users\]/],
      [
        usersXml('<user password="x"/>'),
        'SV_ERR_REALM_USERS_MISSING_ATTRIBUTE',
        /tomcat-users\.xml:7: element \[user\] has no \[username\]/,
      ],
      [
        usersXml('<role rolename="a"/>\n<user username="u"/>\n<user username="u"/>'),
        'SV_ERR_REALM_USERS_DUPLICATE',
        /:9: user \[u\] is declared again \(first at line \[8\]\)/,
      ],
      [usersXml('<user username="u" password="<must-be-changed>"/>'), 'SV_ERR_CONFIG_XML_SYNTAX', /tomcat-users\.xml:7:/],
    ];
    for (const [content, code, message] of cases) {
      const { catalinaBase } = catalinaBaseWithUsers(content);
      const error: unknown = await new MemoryRealm({ catalinaBase }).start().then(
        () => null,
        (e: unknown) => e,
      );
      expect(rootCode(error), content).toBe(code);
      let inner = error;
      while (inner instanceof ContainerError && inner.cause instanceof ContainerError) inner = inner.cause;
      expect((inner as Error).message).toMatch(message);
    }
  });

  it('takes an absolute pathname as it is', async () => {
    const { file } = catalinaBaseWithUsers(USERS);
    const realm = new MemoryRealm({ catalinaBase: '/nonexistent-serval-base', pathname: file });
    await realm.start();
    expect(await realm.authenticate('admin', 's3cret')).not.toBeNull();
  });

  it('looks up a verified user without a password (CLIENT-CERT, a front end), null for an unknown one', async () => {
    const { realm } = await startedRealm(USERS);
    expect((await realm.authenticateVerified('nopass'))?.roles).toEqual(['tomcat']);
    expect(await realm.authenticateVerified('nobody')).toBeNull();
  });
});

describe('NullRealm', () => {
  it('authenticates nobody', async () => {
    const realm = new NullRealm();
    await realm.start();
    expect(realm.isAvailable()).toBe(true);
    expect(await realm.authenticate('admin', 'admin')).toBeNull();
    expect(await realm.authenticateVerified('admin')).toBeNull();
  });
});
